from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestScrap(BackflushCommon):
    """The variance wizard and Odoo's Scrap button post scrap at standard, one path."""

    def setUp(self):
        super().setUp()
        self.production = self._complete_textbook_units(a=220, b=120)  # 20 A, 20 B left

    def _wizard(self, lines, production=None, **values):
        form = Form(
            self.env["mrp.backflush.variance.wizard"].with_context(
                default_production_id=(production or self.production).id
            )
        )
        for field_name, value in values.items():
            setattr(form, field_name, value)
        for product, quantity in lines:
            with form.line_ids.new() as line:
                line.product_id = product
                line.quantity = quantity
        return form.save()

    def _scrap_postings(self, production=None):
        return (production or self.production).backflush_posting_ids.filtered(
            lambda posting: posting.kind == "scrap"
        )

    def assertNothingPosted(self):
        self.assertFalse(self._scrap_postings())
        self.assertFalse(self.production.scrap_ids)

    def test_wizard_scraps_finished_units_and_components(self):
        wizard = self._wizard([(self.finished, 5), (self.component_a, 4)])
        preview = wizard._preview_entry().by_account()

        wizard.action_post()

        posting = self._scrap_postings()
        self.assertEqual(len(posting), 1)
        self.assertEqual(len(posting.scrap_ids), 2)
        self.assertEqual(set(posting.scrap_ids.mapped("state")), {"done"})
        expected = {self.scrap_variance: 183.0, self.fg: -155.0, self.rip: -28.0}
        self.assertEntryBalances(posting.move_id, expected)
        posted = {}
        for line in posting.move_id.line_ids:
            posted[line.account_id.id] = posted.get(line.account_id.id, 0.0) + line.balance
        self.assertEqual(set(preview), set(posted))
        for account_id, amount in preview.items():
            self.assertAmount(posted[account_id], float(amount), "preview equals posting")
        self.assertEqual(self.finished.qty_available, 95)
        self.assertEqual(self.component_a.qty_available, 220 - 200 - 4)
        self.assertAmount(posting.scrap_variance, 183.0, "register")
        previewed = {
            line.account_id.id: line.debit - line.credit for line in wizard.preview_line_ids
        }
        self.assertEqual(set(previewed), set(posted), "the preview lines show the same accounts")

    def test_finished_units_under_shipment_leave_rip_and_conversion_applied(self):
        self._force_trigger(self.finished_categ, "shipment")
        production = self._make_mo(10)
        self._mark_done(production)
        self._wizard([(self.finished, 2)], production=production).action_post()
        self.assertEntryBalances(
            self._scrap_postings(production).move_id,
            {self.scrap_variance: 62.0, self.rip: -38.0, self.applied: -24.0},
        )

    def test_odoo_scrap_button_posts_the_same_way(self):
        production = self._make_mo(10)
        self._produce(production, 5)
        scrap = self.env["stock.scrap"].create(
            {
                "production_id": production.id,
                "product_id": self.component_b.id,
                "scrap_qty": 3,
                "product_uom_id": self.component_b.uom_id.id,
            }
        )
        scrap.do_scrap()

        posting = self._scrap_postings(production)
        self.assertEqual(posting.scrap_ids, scrap)
        self.assertEntryBalances(posting.move_id, {self.scrap_variance: 15.0, self.rip: -15.0})
        self.assertFalse(scrap.move_ids.account_move_ids - posting.move_id, "no Odoo entry")

    def test_bad_input_is_refused_and_posts_nothing(self):
        other = self._make_product("Not in the order", self.components_categ, 1.0)
        self._receive(other, 5)
        cases = [
            ([(self.component_a, -1)], "must be positive"),
            ([(self.component_a, 0)], "must be positive"),
            ([(self.component_a, 10_000)], "on hand"),
            ([(self.finished, 101)], "produced only"),
            ([(other, 1)], "neither a component nor the finished product"),
        ]
        for lines, message in cases:
            with self.subTest(message=message):
                wizard = self._wizard([])
                for product, quantity in lines:
                    wizard.line_ids = [(0, 0, {"product_id": product.id, "quantity": quantity})]
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_post()
                self.assertNothingPosted()

    def test_reason_required_by_the_company(self):
        self.company.backflush_scrap_reason_required = True
        wizard = self._wizard([(self.component_a, 1)])
        with self.assertRaisesRegex(UserError, "scrap reason"):
            wizard.action_post()
        self.assertNothingPosted()
        reason = self.env["stock.scrap.reason.tag"].create({"name": "Damaged"})
        wizard.line_ids.reason_tag_ids = reason
        wizard.action_post()
        self.assertEqual(self._scrap_postings().scrap_ids.scrap_reason_tag_ids, reason)

    def test_locked_date_is_refused(self):
        wizard = self._wizard([(self.component_a, 1)])
        self.company.fiscalyear_lock_date = wizard.date
        with self.assertRaisesRegex(UserError, "locked"):
            wizard.action_post()
        self.assertNothingPosted()

    def test_second_click_posts_nothing_more(self):
        wizard = self._wizard([(self.component_a, 1)])
        wizard.action_post()
        with self.assertRaisesRegex(UserError, "already been posted"):
            wizard.action_post()
        self.assertEqual(len(self._scrap_postings()), 1)

    def test_product_under_none_is_refused(self):
        self.finished_categ.property_backflush_trigger = "none"
        production = self._make_mo(5)
        self._mark_done(production)
        wizard = self._wizard([(self.component_a, 1)], production=production)
        with self.assertRaisesRegex(UserError, "not under a backflush trigger"):
            wizard.action_post()

    def test_only_accountants_and_manufacturing_administrators_post(self):
        operator = self._make_user("bf_scrap_operator", "mrp.group_mrp_user")
        with self.assertRaises(AccessError):
            self.env["mrp.backflush.variance.wizard"].with_user(operator).create(
                {"production_id": self.production.id}
            )
        lead = self._make_user("bf_scrap_lead", "mrp.group_mrp_manager")
        wizard = self._wizard([(self.component_a, 1)]).with_user(lead)
        wizard.action_post()
        self.assertEqual(len(self._scrap_postings()), 1)

    def test_accountant_posts_scrap(self):
        accountant = self._make_user("bf_scrap_accountant", "account.group_account_user")
        self.assertFalse(accountant.has_group("mrp.group_mrp_user"))
        wizard = (
            self.env["mrp.backflush.variance.wizard"]
            .with_user(accountant)
            .create(
                {
                    "production_id": self.production.id,
                    "line_ids": [
                        (0, 0, {"product_id": self.component_a.id, "quantity": 2}),
                        (0, 0, {"product_id": self.finished.id, "quantity": 1}),
                    ],
                }
            )
        )
        self.assertTrue(wizard.preview_line_ids)
        reason = self.env["stock.scrap.reason.tag"].with_user(accountant).search([], limit=1)
        wizard.line_ids.reason_tag_ids = reason
        wizard.action_post()
        self.assertEntryBalances(
            self._scrap_postings().move_id,
            {self.scrap_variance: 45.0, self.rip: -14.0, self.fg: -31.0},
        )

    def test_scrap_outside_orders_keeps_odoo_valuation(self):
        scrap = self.env["stock.scrap"].create(
            {"product_id": self.component_a.id, "scrap_qty": 1, "product_uom_id": self.uom_unit.id}
        )
        scrap.do_scrap()
        self.assertEqual(scrap.state, "done")
        entry = scrap.move_ids.account_move_ids
        self.assertEqual(len(entry), 1, "Odoo's own scrap entry")
        self.assertFalse(entry.backflush_posting_ids)
        self.assertAmount(
            sum(
                entry.line_ids.filtered(lambda line: line.account_id == self.rip).mapped("balance")
            ),
            -7.0,
            "RIP",
        )

    def test_scrapped_consumable_is_not_costed(self):
        glue = self.env["product.product"].create(
            {
                "name": "Glue",
                "is_storable": False,
                "categ_id": self.components_categ.id,
                "standard_price": 3.0,
            }
        )
        production = self._make_mo(1)
        self._produce(production, 1)
        self.env["stock.scrap"].create(
            {
                "production_id": production.id,
                "product_id": glue.id,
                "scrap_qty": 4,
                "product_uom_id": glue.uom_id.id,
            }
        ).do_scrap()
        self.assertFalse(self._scrap_postings(production).move_id)

    def test_reserved_components_can_be_scrapped(self):
        # The 20 A left after the first order are all reserved by this one.
        production = self._make_mo(10)
        production.action_assign()
        self.assertTrue(
            production.move_raw_ids.filtered(lambda m: m.product_id == self.component_a).quantity
        )
        self._produce(production, 5)
        self._wizard([(self.component_a, 20)], production=production).action_post()
        self.assertEntryBalances(
            self._scrap_postings(production).move_id, {self.scrap_variance: 140.0, self.rip: -140.0}
        )

    def test_unbuilt_units_cannot_be_scrapped_against_the_order(self):
        form = Form(self.env["mrp.unbuild"])
        form.mo_id = self.production
        form.product_qty = 100
        form.save().action_unbuild()
        wizard = self._wizard([(self.finished, 1)])
        with self.assertRaisesRegex(UserError, "scrapped or unbuilt"):
            wizard.action_post()
