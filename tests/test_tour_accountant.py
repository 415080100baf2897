from odoo.tests import HttpCase, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestTourAccountant(BackflushCommon, HttpCase):
    """The accountant's month-end review in a real browser (static/tests/tours/
    backflush_accountant_tour.js), as a user with Accounting / Accountant rights, not the
    superuser."""

    def test_accountant_tour(self):
        self._route(self.bom)
        self._receive(self.component_a, 220)  # 20 left after the order
        self._receive(self.component_b, 120)
        production = self._make_mo(100)
        self._log_time(production, 90)
        self._mark_done(production)
        # Backflush Costing / Accountant alone: no Manufacturing, inventory or accounting
        # administrator rights. The order is routed, with time logged: its form loads the
        # work orders' time logs, which Odoo grants to Manufacturing / User only.
        accountant = self._make_user(
            "bf_tour_accountant", "mrp_backflush.group_backflush_accountant"
        )
        self.assertFalse(accountant.has_group("mrp.group_mrp_user"))
        self.assertFalse(accountant.has_group("account.group_account_manager"))
        self.assertFalse(accountant._is_superuser())

        self.start_tour(
            f"/odoo/action-mrp.mrp_production_action/{production.id}",
            "mrp_backflush_accountant_tour",
            login=accountant.login,
            timeout=180,
        )

        scrap = production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")
        self.assertEqual(len(scrap), 1, "the tour posted one scrap")
        self.assertEqual(scrap.create_uid, accountant)
        self.assertEqual(scrap.scrap_ids.mapped("scrap_qty"), [4.0])
        self.assertEntryBalances(scrap.move_id, {self.scrap_variance: 28.0, self.rip: -28.0})
        self.assertEqual(self.component_a.qty_available, 16)
        checks = self.env["mrp.backflush.reconciliation"].search(
            [("create_uid", "=", accountant.id)]
        )
        self.assertEqual(len(checks), 2, "the check was run twice from the menu")
        self.assertTrue(all(checks.mapped("is_balanced")))
