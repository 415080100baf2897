from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestStandardUpdate(BackflushCommon):
    """The standard cost update: compute rolls the made products up from the new
    standards of what is bought, level by level; post sets them in one go with one entry;
    a future date schedules it; cancel reverses it exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revaluation = cls._make_account("BF.REV", "Standard cost revaluation", "expense")
        cls.company.backflush_revaluation_account_id = cls.revaluation
        cls.today = fields.Date.context_today(cls.env["mrp.backflush.standard.update"])

    def _update(self, products, planned=None, **values):
        update = self.env["mrp.backflush.standard.update"].create(
            {"product_ids": [Command.set(products.ids)], **values}
        )
        update.action_compute()
        for product, price in (planned or {}).items():
            self._line(update, product).planned_price = price
        if planned:
            update.action_compute()
        return update

    def _line(self, update, product):
        return update.line_ids.filtered(lambda line: line.product_id == product)

    def _books_differences(self):
        rows, _notes = self.env["mrp.backflush.books"]._reconciliation_rows(
            self.company, self.today
        )
        return {row["account"]: float(row["difference"]) for row in rows}

    def _shipment_plant_with_stock(self):
        """P costed at shipment, 20 P on hand holding 40 A and 20 B; 10 A on the shelf."""
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.component_a, 50)
        self._receive(self.component_b, 20)
        production = self._make_mo(20)
        self._mark_done(production)
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def _entry_balances(self, update):
        balances = {}
        for total in update.total_ids:
            balances[total.account_id] = (
                balances.get(total.account_id, 0.0) + total.debit - total.credit
            )
        return balances

    # ---- compute ----------------------------------------------------------

    def test_compute_rolls_up_every_level_from_the_planned_prices(self):
        sub_categ = self._make_category(
            "Sub-assemblies",
            self.rip,
            property_backflush_trigger="completion",
            **self._backflush_account_values(),
        )
        sub = self._make_product("Sub S", sub_categ, 5.0, backflush_conversion_cost=1.0)
        self._make_bom(sub, [(self.component_b, 2)])  # S = 2 B + 1.00
        top = self._make_product("Top T", self.finished_categ, 20.0, backflush_conversion_cost=3.0)
        self._make_bom(top, [(sub, 2), (self.component_a, 1)])  # T = 2 S + 1 A + 3.00
        moves_before = self.env["account.move"].search_count([])

        update = self._update(top, {self.component_a: 8.0, self.component_b: 6.0})

        self.assertEqual(update.state, "computed")
        levels = {line.product_id: line.level for line in update.line_ids}
        self.assertEqual(levels, {self.component_a: 0, self.component_b: 0, sub: 1, top: 2})
        self.assertAmount(self._line(update, sub).new_standard, 2 * 6.0 + 1.0, "S")
        self.assertAmount(self._line(update, top).new_standard, 2 * 13.0 + 8.0 + 3.0, "T")
        self.assertAmount(self._line(update, top).current_standard, 20.0, "T now")
        self.assertEqual(self.component_a.standard_price, 7.0, "nothing set before Post")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)

    def test_an_edited_planned_price_asks_for_compute_again(self):
        update = self._update(self.finished)
        self._line(update, self.component_a).planned_price = 9.0
        self.assertEqual(update.state, "draft")
        with self.assertRaises(UserError):
            update.action_post()

    def test_kits_are_exploded_and_by_products_credited(self):
        kit = self._make_product("Kit K", self.components_categ, 0.0)
        self._make_bom(kit, [(self.component_a, 1), (self.component_b, 1)], bom_type="phantom")
        byproduct = self._make_product("Offcut C", self.components_categ, 2.0)
        made = self._make_product("Made M", self.finished_categ, 0.0, backflush_conversion_cost=4.0)
        bom = self._make_bom(made, [(kit, 2)])
        bom.byproduct_ids = [
            Command.create(
                {
                    "product_id": byproduct.id,
                    "product_qty": 1.0,
                    "product_uom_id": byproduct.uom_id.id,
                }
            )
        ]

        update = self._update(made, {self.component_a: 8.0, byproduct: 3.0})

        self.assertNotIn(kit, update.line_ids.product_id, "a kit is exploded, not costed")
        line = self._line(update, made)
        # 2 K = 2 A + 2 B: 2 x 8 + 2 x 5 = 26; + 4.00 conversion; - 1 C at 3.00.
        self.assertAmount(line.material_per_unit, 26.0, "material")
        self.assertAmount(line.byproducts_per_unit, 3.0, "by-products")
        self.assertAmount(line.new_standard, 27.0, "standard")

    def test_a_cycle_is_refused_naming_it(self):
        sub = self._make_product("Loop S", self.finished_categ, 1.0)
        self._make_bom(sub, [(self.finished, 1)])
        # Odoo refuses the cycle on save; an import of lines or SQL gets it in.
        self.env.cr.execute(
            "INSERT INTO mrp_bom_line (bom_id, product_id, product_qty, product_uom_id, "
            "company_id, sequence) VALUES (%s, %s, 1, %s, %s, 99)",
            [self.bom.id, sub.id, sub.uom_id.id, self.company.id],
        )
        self.bom.invalidate_recordset(["bom_line_ids"])
        with self.assertRaises(UserError) as refused:
            self._update(self.finished)
        self.assertIn("Finished P -> Loop S -> Finished P", refused.exception.args[0])

    def test_a_negative_planned_price_is_refused(self):
        update = self._update(self.finished)
        with self.assertRaises(ValidationError):
            self._line(update, self.component_a).planned_price = -1.0

    def test_a_product_under_a_trigger_without_bill_is_listed(self):
        orphan = self._make_product("No Bill N", self.finished_categ, 9.0)
        update = self._update(orphan | self.finished)
        self.assertIn("No Bill N", update.problems)
        self.assertEqual(self._line(update, orphan).level, 0)

    # ---- post -------------------------------------------------------------

    def test_post_sets_the_standards_with_one_entry_and_keeps_the_books_at_zero(self):
        self._shipment_plant_with_stock()
        rip_before = self._balance(self.rip)
        update = self._update(self.finished, {self.component_a: 8.0})
        line = self._line(update, self.component_a)
        self.assertAmount(line.stock_revaluation, 10.0, "10 A on the shelf, +1.00")
        self.assertAmount(self._line(update, self.finished).held_revaluation, 40.0, "40 A held")
        preview = self._entry_balances(update)
        moves_before = self.env["account.move"].search([])

        update.action_post()

        self.assertEqual(update.state, "posted")
        self.assertEqual(self.component_a.standard_price, 8.0)
        self.assertAmount(self.finished.standard_price, 2 * 8.0 + 5.0 + 12.0, "P rolled up")
        new_moves = self.env["account.move"].search([]) - moves_before
        self.assertEqual(new_moves, update.move_id, "one entry for the whole update")
        self.assertEqual(update.move_id.journal_id, self.company.backflush_journal_id)
        self.assertEqual(update.move_id.date, self.today)
        self.assertEqual(update.move_id.state, "posted")
        self.assertEntryBalances(update.move_id, preview)
        self.assertAmount(self._balance(self.rip) - rip_before, 50.0, "shelf 10 + held 40")
        self.assertEqual(set(self._books_differences().values()), {0.0}, "check at zero")
        self.assertEqual(update.posting_id.standard_update_id, update)
        self.assertEqual(update.posting_id.origin_name, update.name)
        layers = update.posting_id.valuation_layer_ids
        self.assertEqual(layers.account_move_id, update.move_id, "Odoo's layers on the entry")

        # The delivery then relieves RIP at the new standards: still at zero.
        self._deliver(self.finished, 20)
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def test_post_keeps_the_history_of_each_standard(self):
        self._shipment_plant_with_stock()
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()
        history = self.component_a.product_tmpl_id.backflush_standard_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(
            (
                history.date,
                history.old_standard,
                history.new_standard,
                history.source,
                history.update_id,
            ),
            (self.today, 7.0, 8.0, "update", update),
        )
        self.component_b.standard_price = 5.5
        edit = self.component_b.product_tmpl_id.backflush_standard_history_ids
        self.assertEqual((edit.old_standard, edit.new_standard, edit.source), (5.0, 5.5, "edit"))

    def test_posting_twice_is_refused(self):
        self._shipment_plant_with_stock()
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()
        with self.assertRaises(UserError):
            update.action_post()
        self.assertEqual(
            self.env["mrp.backflush.posting"].search_count(
                [("standard_update_id", "=", update.id)]
            ),
            1,
        )

    def test_a_manufacturing_administrator_prepares_but_does_not_post(self):
        manager = self._make_user(
            "bf_mrp_manager", "mrp.group_mrp_manager,stock.group_stock_manager"
        )
        update = self._update(self.finished, {self.component_a: 8.0}).with_user(manager)
        update.action_compute()
        with self.assertRaises(AccessError):
            update.action_post()
        self.assertEqual(self.component_a.standard_price, 7.0)

    def test_a_locked_effective_date_is_refused(self):
        self._shipment_plant_with_stock()
        self.company.fiscalyear_lock_date = self.today
        update = self._update(self.finished, {self.component_a: 8.0})
        with self.assertRaises(UserError) as refused:
            update.action_post()
        self.assertIn("locked", refused.exception.args[0])
        self.assertEqual(self.component_a.standard_price, 7.0, "nothing half-posted")

    def test_two_updates_of_a_product_on_one_date_are_refused(self):
        first = self._update(self.finished, {self.component_a: 8.0})
        first.action_post()
        second = self._update(self.component_a | self.component_b, {self.component_a: 9.0})
        with self.assertRaises(UserError) as refused:
            second.action_post()
        self.assertIn(first.name, refused.exception.args[0])

    def test_a_standard_changed_since_compute_is_refused(self):
        update = self._update(self.finished, {self.component_a: 8.0})
        self.component_b.standard_price = 6.0
        with self.assertRaises(UserError) as refused:
            update.action_post()
        self.assertIn("compute it again", refused.exception.args[0])

    # ---- scheduled --------------------------------------------------------

    def test_a_future_date_is_scheduled_and_posted_on_its_day(self):
        self._shipment_plant_with_stock()
        tomorrow = self.today + timedelta(days=1)
        update = self._update(self.finished, {self.component_a: 8.0}, effective_date=tomorrow)
        update.action_post()
        self.assertEqual(update.state, "scheduled")
        self.assertEqual(self.component_a.standard_price, 7.0)
        self.assertFalse(update.move_id)

        update.env["mrp.backflush.standard.update"]._cron_post_scheduled()
        self.assertEqual(update.state, "scheduled", "not before its day")

        with freeze_time(tomorrow):  # its day has come
            self.env["mrp.backflush.standard.update"]._cron_post_scheduled()
        self.assertEqual(update.state, "posted")
        self.assertEqual(self.component_a.standard_price, 8.0)
        self.assertEqual(update.move_id.date, tomorrow)

    def test_an_accountant_moves_a_scheduled_update_to_today(self):
        self._shipment_plant_with_stock()
        tomorrow = self.today + timedelta(days=1)
        update = self._update(self.finished, {self.component_a: 8.0}, effective_date=tomorrow)
        update.action_post()
        update.effective_date = self.today
        self.assertEqual(update.state, "scheduled")
        self.env["mrp.backflush.standard.update"]._cron_post_scheduled()
        self.assertEqual(update.state, "posted")
        self.assertEqual(update.move_id.date, self.today)

    def test_a_new_date_keeps_the_preview(self):
        update = self._update(self.finished, {self.component_a: 8.0})
        update.effective_date = self.today + timedelta(days=3)
        self.assertEqual(update.state, "computed", "the preview does not depend on the date")
        update.revaluation_account_id = self.production_variance
        self.assertEqual(update.state, "draft", "another account: compute again")

    def test_categories_put_their_products_in_scope(self):
        update = self.env["mrp.backflush.standard.update"].create(
            {"category_ids": [Command.set(self.finished_categ.ids)]}
        )
        update.action_compute()
        self.assertIn(self.finished, update.line_ids.product_id)
        self.assertIn(self.component_a, update.line_ids.product_id, "and what is below them")
        self.assertEqual(update.revaluation_account_id, self.revaluation, "company default")

    def test_planned_prices_are_imported_on_the_lines(self):
        update = self._update(self.finished)
        line = self._line(update, self.component_a)
        Line = self.env["mrp.backflush.standard.update.line"]
        result = Line.load([".id", "planned_price"], [[str(line.id), "8.25"]])
        self.assertFalse(result["messages"], result["messages"])
        self.assertAmount(line.planned_price, 8.25, "imported")
        bad = Line.load([".id", "planned_price"], [[str(line.id), "eight"]])
        self.assertTrue(bad["messages"], "a price that is not a number is refused")
        update.action_compute()
        self.assertAmount(self._line(update, self.finished).new_standard, 2 * 8.25 + 5 + 12, "P")

    def test_a_scheduled_update_is_not_changed_or_posted_by_a_write(self):
        # Over RPC a manufacturing administrator could otherwise schedule an update for
        # the scheduled action to post, or change the figures an accountant approved.
        manager = self._make_user(
            "bf_mrp_writer", "mrp.group_mrp_manager,stock.group_stock_manager"
        )
        update = self._update(self.finished, {self.component_a: 8.0}).with_user(manager)
        for vals in ({"state": "scheduled"}, {"state": "posted"}, {"posting_id": 1}):
            with self.assertRaises(UserError):
                update.write(vals)
        line = self._line(update, self.finished)
        with self.assertRaises(UserError):
            line.write({"new_standard": 1.0})
        with self.assertRaises(UserError):
            update.total_ids[:1].write({"debit": 0.0})
        tomorrow = self.today + timedelta(days=1)
        scheduled = self._update(self.finished, {self.component_a: 8.0}, effective_date=tomorrow)
        scheduled.action_post()
        with self.assertRaises(AccessError):
            scheduled.with_user(manager).write({"effective_date": self.today})
        with self.assertRaises(UserError):
            scheduled.with_user(manager).write({"product_ids": [Command.set([])]})
        with self.assertRaises(UserError):
            self._line(scheduled, self.component_a).with_user(manager).planned_price = 1.0

    # ---- cancel -----------------------------------------------------------

    def test_cancel_posts_the_exact_reversal(self):
        self._shipment_plant_with_stock()
        rip_before = self._balance(self.rip)
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()

        update.action_cancel()

        self.assertEqual(update.state, "cancelled")
        self.assertEqual(self.component_a.standard_price, 7.0)
        self.assertAmount(self.finished.standard_price, 31.0, "P back")
        original, reversal = {}, {}
        for entry, balances in ((update.move_id, original), (update.cancel_move_id, reversal)):
            for line in entry.line_ids:
                balances[line.account_id] = balances.get(line.account_id, 0.0) + line.balance
        self.assertEqual(set(original), set(reversal))
        for account, balance in original.items():
            self.assertAmount(reversal.get(account, 0.0), -balance, account.code)
        self.assertAmount(self._balance(self.rip), rip_before, "RIP back where it was")
        self.assertAmount(self.component_a.value_svl, 10 * 7.0, "the shelf at 7.00 again")
        self.assertEqual(set(self._books_differences().values()), {0.0})

    def test_cancel_is_refused_once_the_standards_are_used(self):
        self._shipment_plant_with_stock()
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()
        self._deliver(self.finished, 5)
        with self.assertRaises(UserError) as refused:
            update.action_cancel()
        self.assertIn("used", refused.exception.args[0])
        self.assertEqual(update.state, "posted")

    # ---- the standard in force on a date -----------------------------------

    def test_the_books_of_an_earlier_date_use_the_standards_then_in_force(self):
        self._force_trigger(self.finished_categ, "shipment")
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()
        yesterday = self.today - timedelta(days=1)
        History = self.env["mrp.backflush.standard.history"]
        self.assertEqual(History._standards_on(self.company, yesterday)[self.component_a.id], 7.0)
        self.assertNotIn(self.component_a.id, History._standards_on(self.company, self.today))

        Books = self.env["mrp.backflush.books"]

        def price_of_a(date):
            standards, _notes = Books._finished_standards(self.company, date)
            (standard,) = [std for product, _trigger, std in standards if product == self.finished]
            (a,) = [c for c in standard.components if c.product == self.component_a.id]
            return float(a.unit_price)

        self.assertEqual(price_of_a(yesterday), 7.0)
        self.assertEqual(price_of_a(self.today), 8.0)

    def test_a_sub_assembly_rolled_up_revalues_its_stock_and_what_finished_units_hold(self):
        # S (Completion, its own account) = 2 B + 1.00; Q (Shipment) = 1 S + 1 A. 6 Q on
        # hand hold 6 S in BF.SUB and 6 A in RIP; 4 S on the shelf. B 5.00 -> 6.00.
        self._force_trigger(self.finished_categ, "shipment")
        sub_categ = self._make_sub_assembly_category()
        sub_account = sub_categ.property_stock_valuation_account_id
        sub = self._make_product("Sub S", sub_categ, 11.0, backflush_conversion_cost=1.0)
        sub_bom = self._make_bom(sub, [(self.component_b, 2)])
        top = self._make_product("Assembly Q", self.finished_categ, 18.0)
        top_bom = self._make_bom(top, [(sub, 1), (self.component_a, 1)])
        self._receive(self.component_a, 6)
        self._receive(self.component_b, 20)
        self._mark_done(self._make_mo(10, sub_bom))
        self._mark_done(self._make_mo(6, top_bom))
        self.assertEqual(set(self._books_differences().values()), {0.0})

        update = self._update(top, {self.component_b: 6.0})
        self.assertAmount(self._line(update, sub).new_standard, 13.0, "S = 2 x 6 + 1")
        self.assertAmount(self._line(update, top).new_standard, 13.0 + 7.0, "Q = S + A")
        update.action_post()

        self.assertAmount(sub.standard_price, 13.0, "S")
        # The entry: 4 S on the shelf +8.00 (Odoo's layer, BF.SUB); 6 S held by 6 Q +12.00
        # in BF.SUB; B on the shelf: none left.
        self.assertEntryBalances(update.move_id, {sub_account: 20.0, self.revaluation: -20.0})
        self.assertEqual(set(self._books_differences().values()), {0.0}, "check at zero")
        self._deliver(top, 6)
        self.assertEqual(set(self._books_differences().values()), {0.0}, "after the delivery")

    def test_each_role_opens_the_update_and_its_preview(self):
        self._shipment_plant_with_stock()
        update = self._update(self.finished, {self.component_a: 8.0})
        update.action_post()
        manager = self._make_user("bf_upd_mrp", "mrp.group_mrp_manager,stock.group_stock_manager")
        accountant = self._make_user("bf_upd_acc", "mrp_backflush.group_backflush_accountant")
        account_admin = self._make_user("bf_upd_adm", "account.group_account_manager")
        for user in (manager, accountant, account_admin):
            form = Form(update.with_user(user))
            self.assertEqual(form.state, "posted", user.login)
            self.assertEqual(len(form.line_ids), len(update.line_ids), user.login)
            action = update.with_user(user).action_view_lines()
            Lines = self.env[action["res_model"]].with_user(user)
            groups = Lines.read_group(action["domain"], ["held_revaluation:sum"], ["level"])
            self.assertTrue(groups, user.login)
        history = self.component_a.product_tmpl_id.with_user(manager).backflush_standard_history_ids
        self.assertEqual(history.read(["source"])[0]["source"], "update")

    def test_without_a_revaluation_account_odoos_counterpart_takes_it(self):
        self.company.backflush_revaluation_account_id = False
        self._shipment_plant_with_stock()
        expense = self.component_a.product_tmpl_id.get_product_accounts()["expense"]
        update = self._update(self.finished, {self.component_a: 8.0})
        self.assertFalse(update.revaluation_account_id)
        update.action_post()
        # Shelf 10 A +10.00 and 40 A held +40.00, both against the category's expense.
        self.assertEntryBalances(update.move_id, {self.rip: 50.0, expense: -50.0})
        self.assertEqual(set(self._books_differences().values()), {0.0})
