from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestReconciliation(BackflushCommon):
    """The reconciliation check at 1/1000 of Horngren's example: 1,950 of materials
    bought, 100 units completed at standard (19 of material each)."""

    def _model(self, user=None):
        model = self.env["mrp.backflush.reconciliation"]
        if user:
            model = model.with_user(user)
        return model

    def _check(self, date=None, user=None):
        model = self._model(user)
        return model.create({"date": date or fields.Date.context_today(model)})

    def assertLine(self, check, account, ledger, components, finished, difference):
        line = check.line_ids.filtered(lambda line: line.account_id == account)
        self.assertEqual(len(line), 1, f"one line for {account.code}")
        self.assertAmount(line.ledger_balance, ledger, f"ledger of {account.code}")
        self.assertAmount(line.component_value, components, f"components of {account.code}")
        self.assertAmount(line.finished_material, finished, f"finished material of {account.code}")
        self.assertAmount(line.expected_balance, components + finished, f"expected {account.code}")
        self.assertAmount(line.difference, difference, f"difference of {account.code}")
        self.assertEqual(line.has_difference, bool(difference))
        return line

    def _post_manual_entry(self, debit_account, credit_account, amount, date=None):
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "date": date or fields.Date.context_today(self.env.user),
                "line_ids": [
                    Command.create({"account_id": debit_account.id, "debit": amount}),
                    Command.create({"account_id": credit_account.id, "credit": amount}),
                ],
            }
        )
        entry.action_post()
        return entry

    def test_completion_books_match_the_floor(self):
        """Variant A: RIP keeps the 50 of materials not used, as the layers do."""
        self._complete_textbook_units()
        check = self._check()

        self.assertEqual(check.company_id, self.company)
        self.assertEqual(check.line_ids.account_id, self.rip)
        self.assertLine(check, self.rip, 50.0, 50.0, 0.0, 0.0)
        self.assertAmount(check.ledger_total, 50.0, "ledger total")
        self.assertAmount(check.component_total, 50.0, "components total")
        self.assertAmount(check.finished_total, 0.0, "finished total")
        self.assertAmount(check.expected_total, 50.0, "expected total")
        self.assertAmount(check.difference_total, 0.0, "difference total")
        self.assertTrue(check.is_balanced)
        self.assertEqual(check.status_message, "Books match the floor.")
        self.assertFalse(check.note)

    def test_shipment_keeps_finished_material_in_rip(self):
        """Variant B: RIP 69 = components 50 + 1 finished unit on hand x 19."""
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete_textbook_units()
        before_delivery = self._check()
        self.assertLine(before_delivery, self.rip, 1950.0, 50.0, 1900.0, 0.0)

        self._deliver(self.finished, 99)
        check = self._check()

        self.assertLine(check, self.rip, 69.0, 50.0, 19.0, 0.0)
        self.assertAmount(check.finished_total, 19.0, "finished total")
        self.assertAmount(check.expected_total, 69.0, "expected total")
        self.assertTrue(check.is_balanced)

    def test_shipment_splits_finished_material_by_component_account(self):
        rip_b = self._make_account("BF.RIPB", "Materials and in-process B", "asset_current")
        self.component_b.categ_id = self._make_category("Components B", rip_b)
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete_textbook_units()
        self._deliver(self.finished, 95)

        check = self._check()

        self.assertEqual(check.line_ids.account_id, self.rip | rip_b)
        # 5 units on hand: 5 x 2 x 7 of A and 5 x 1 x 5 of B.
        self.assertLine(check, self.rip, 70.0, 0.0, 70.0, 0.0)
        self.assertLine(check, rip_b, 75.0, 50.0, 25.0, 0.0)
        self.assertTrue(check.is_balanced)

    def test_drift_is_reported(self):
        self._complete_textbook_units()
        self._post_manual_entry(self.rip, self.usage_variance, 10.0)

        check = self._check()

        self.assertLine(check, self.rip, 60.0, 50.0, 0.0, 10.0)
        self.assertAmount(check.difference_total, 10.0, "difference total")
        self.assertFalse(check.is_balanced)
        self.assertIn("Difference of", check.status_message)
        self.assertIn("10.00", check.status_message)

    def test_differences_cancelling_out_are_still_reported(self):
        rip_b = self._make_account("BF.RIPB", "Materials and in-process B", "asset_current")
        self.component_b.categ_id = self._make_category("Components B", rip_b)
        self._complete_textbook_units()
        self._post_manual_entry(self.rip, rip_b, 10.0)

        check = self._check()

        self.assertLine(check, self.rip, 10.0, 0.0, 0.0, 10.0)
        self.assertLine(check, rip_b, 40.0, 50.0, 0.0, -10.0)
        self.assertAmount(check.difference_total, 0.0, "difference total")
        self.assertFalse(check.is_balanced)
        self.assertIn("cancel out", check.status_message)

    def test_date_before_the_events_shows_nothing(self):
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete_textbook_units()
        self._deliver(self.finished, 99)
        today = fields.Date.context_today(self.env.user)
        yesterday = fields.Date.subtract(today, days=1)
        self._post_manual_entry(self.rip, self.usage_variance, 10.0, date=today)

        check = self._check(yesterday)

        self.assertLine(check, self.rip, 0.0, 0.0, 0.0, 0.0)
        for total in ("ledger", "component", "finished", "expected", "difference"):
            self.assertAmount(check[f"{total}_total"], 0.0, f"{total} total")
        self.assertTrue(check.is_balanced)

    def test_form_follows_the_date(self):
        self._complete_textbook_units()
        self._post_manual_entry(self.rip, self.usage_variance, 10.0)
        today = fields.Date.context_today(self.env.user)

        form = Form(self._model())
        self.assertEqual(form.date, today)
        self.assertFalse(form.is_balanced)
        self.assertAmount(form.difference_total, 10.0, "difference today")
        form.date = fields.Date.subtract(today, days=1)
        self.assertTrue(form.is_balanced)
        check = form.save()
        self.assertLine(check, self.rip, 0.0, 0.0, 0.0, 0.0)

    def test_no_backflushed_product(self):
        self.finished_categ.property_backflush_trigger = "none"
        check = self._check()
        self.assertFalse(check.line_ids)
        self.assertTrue(check.is_balanced)
        self.assertIn("No RIP account", check.status_message)

    def test_other_company_is_not_mixed_in(self):
        self._complete_textbook_units()
        other = self.setup_other_company()["company"]
        check = self._check()
        check.company_id = other
        self.assertFalse(check.line_ids, "no backflushed product in the other company")
        check.company_id = self.company
        self.assertLine(check, self.rip, 50.0, 50.0, 0.0, 0.0)

    def test_buttons(self):
        self._complete_textbook_units()
        check = self._check()

        action = check.action_open_register()
        self.assertEqual(action["res_model"], "mrp.backflush.posting")
        self.assertIn(("company_id", "=", self.company.id), action["domain"])
        registered = self.env["mrp.backflush.posting"].search(action["domain"])
        self.assertEqual(len(registered), 1)

        line = check.line_ids
        items = self.env["account.move.line"].search(line.action_open_journal_items()["domain"])
        self.assertEqual(items.account_id, self.rip)
        self.assertAmount(sum(items.mapped("balance")), 50.0, "journal items")

        refreshed = self._model().browse(check.action_refresh()["res_id"])
        self.assertNotEqual(refreshed, check)
        self.assertEqual(refreshed.date, check.date)
        self.assertLine(refreshed, self.rip, 50.0, 50.0, 0.0, 0.0)

    def test_accountant_checks(self):
        self._complete_textbook_units()
        accountant = self._make_user("bf_auditor", "base.group_user,account.group_account_readonly")
        check = self._check(user=accountant)
        self.assertLine(check, self.rip, 50.0, 50.0, 0.0, 0.0)
        self.assertTrue(check.is_balanced)
