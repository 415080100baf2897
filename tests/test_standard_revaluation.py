from odoo import fields
from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestStandardRevaluation(BackflushCommon):
    """A change of standard keeps the books on the floor. Under Shipment the material of
    finished units on hand stays in RIP at the standards their delivery will relieve;
    Odoo revalues the components on the shelf, not that material."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revaluation = cls._make_account("BF.REV", "Standard cost revaluation", "expense")
        cls.company.backflush_revaluation_account_id = cls.revaluation

    def _books_differences(self):
        today = fields.Date.context_today(self.env["mrp.backflush.posting"])
        rows, _notes = self.env["mrp.backflush.books"]._reconciliation_rows(self.company, today)
        return {row["account"]: float(row["difference"]) for row in rows}

    def _complete(self, quantity, bom=None):
        production = self._make_mo(quantity, bom)
        self._mark_done(production)
        self.assertEqual(production.state, "done")
        return production

    def _revaluations(self):
        return self.env["mrp.backflush.posting"].search([("kind", "=", "revaluation")])

    def test_shipment_component_change_revalues_the_material_held_in_rip(self):
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.component_a, 50)  # 40 into 20 P, 10 on the shelf
        self._receive(self.component_b, 20)
        self._complete(20)
        self.assertEqual(set(self._books_differences().values()), {0.0})

        self.component_a.standard_price = 8.0  # was 7.00; P holds 2 A

        revaluation = self._revaluations()
        self.assertEqual(len(revaluation), 1)
        self.assertEqual(revaluation.product_id, self.component_a)
        self.assertEqual(revaluation.state, "posted")
        self.assertEqual(revaluation.move_id.journal_id, self.company.backflush_journal_id)
        # 20 P x 2 A x 1.00 into RIP, against the revaluation account.
        self.assertEntryBalances(revaluation.move_id, {self.rip: 40.0, self.revaluation: -40.0})
        self.assertEqual(set(self._books_differences().values()), {0.0}, "check at zero")

        # The delivery relieves RIP at the new standard: 20 x (2 x 8 + 5) = 420.
        self._deliver(self.finished, 20)
        self.assertEqual(set(self._books_differences().values()), {0.0}, "still at zero")
        self.assertAmount(self._balance(self.rip), 10 * 8.0, "only the shelf's 10 A left")

    def test_shipment_sub_assembly_change_revalues_its_own_account(self):
        self._force_trigger(self.finished_categ, "shipment")
        sub_categ = self._make_sub_assembly_category()
        sub_account = sub_categ.property_stock_valuation_account_id
        sub = self._make_product("Sub S", sub_categ, 5.0)  # S = 1 B at 5.00, no conversion
        sub_bom = self._make_bom(sub, [(self.component_b, 1)])
        assembly = self._make_product("Assembly Q", self.finished_categ, 12.0)
        assembly_bom = self._make_bom(assembly, [(sub, 1), (self.component_a, 1)])
        self._receive(self.component_a, 10)
        self._receive(self.component_b, 10)
        self._complete(10, sub_bom)
        self._complete(6, assembly_bom)  # 6 Q hold 6 S (in BF.SUB) and 6 A (in RIP)
        self.assertEqual(set(self._books_differences().values()), {0.0})

        sub.standard_price = 5.5

        revaluation = self._revaluations()
        self.assertEqual(revaluation.product_id, sub)
        self.assertEntryBalances(revaluation.move_id, {sub_account: 3.0, self.revaluation: -3.0})
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def test_completion_change_is_odoos_alone(self):
        self._receive(self.component_a, 50)
        self._receive(self.component_b, 20)
        self._complete(20)  # Completion: the material left RIP for finished goods

        self.component_a.standard_price = 8.0

        self.assertFalse(self._revaluations())
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def test_without_the_setting_odoos_counterpart_takes_it(self):
        self.company.backflush_revaluation_account_id = False
        self._force_trigger(self.finished_categ, "shipment")
        expense = self.component_a.product_tmpl_id.get_product_accounts()["expense"]
        self.assertTrue(expense)
        self._receive(self.component_a, 40)
        self._receive(self.component_b, 20)
        self._complete(20)

        self.component_a.standard_price = 6.5

        revaluation = self._revaluations()
        self.assertEntryBalances(revaluation.move_id, {self.rip: -20.0, expense: 20.0})

    def test_shipment_finished_standard_change_moves_nothing_held(self):
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.component_a, 40)
        self._receive(self.component_b, 20)
        self._complete(20)
        fg_before = self._balance(self.fg)

        self.finished.standard_price = 35.0  # the finished product's own standard

        self.assertFalse(self._revaluations(), "its material standard did not change")
        self.assertAmount(self._balance(self.fg), fg_before, "finished goods never used")
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def test_an_import_of_standards_is_revalued_like_the_form(self):
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.component_a, 40)
        self._receive(self.component_b, 20)
        self._complete(20)

        result = self.env["product.product"].load(
            [".id", "standard_price"],
            [[str(self.component_a.id), "7.5"], [str(self.component_b.id), "4"]],
        )

        self.assertFalse(result["messages"])
        revaluations = self._revaluations()
        self.assertEqual(revaluations.product_id, self.component_a | self.component_b)
        # 20 P: 2 A x +0.50 = +20.00; 1 B x -1.00 = -20.00; one entry per change.
        amounts = {
            posting.product_id: posting.move_id.line_ids.filtered(
                lambda line: line.account_id == self.rip
            ).balance
            for posting in revaluations
        }
        self.assertEqual(amounts, {self.component_a: 20.0, self.component_b: -20.0})
        self.assertEqual(set(self._books_differences().values()), {0.0})
