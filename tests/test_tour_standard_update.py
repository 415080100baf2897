from odoo.tests import HttpCase, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestTourStandardUpdate(BackflushCommon, HttpCase):
    """The accounting administrator computes, previews and posts a standard cost update in
    a real browser (static/tests/tours/backflush_standard_update_tour.js), with Invoicing /
    Administrator rights alone: no Manufacturing rights, not the superuser."""

    def test_standard_update_tour(self):
        revaluation = self._make_account("BF.REV", "Standard cost revaluation", "expense")
        self.company.backflush_revaluation_account_id = revaluation
        self._force_trigger(self.finished_categ, "shipment")
        self._receive(self.component_a, 50)
        self._receive(self.component_b, 20)
        self._mark_done(self._make_mo(20))  # 20 P on hand hold 40 A; 10 A on the shelf
        admin = self._make_user("bf_tour_account_admin", "account.group_account_manager")
        self.assertFalse(admin.has_group("mrp.group_mrp_user"))
        self.assertFalse(admin._is_superuser())

        self.start_tour(
            "/odoo/action-mrp_backflush.mrp_backflush_standard_update_action",
            "mrp_backflush_standard_update_tour",
            login=admin.login,
            timeout=180,
        )

        update = self.env["mrp.backflush.standard.update"].search([("create_uid", "=", admin.id)])
        self.assertEqual(update.state, "posted")
        self.assertEqual(self.component_a.standard_price, 8.0)
        self.assertAmount(self.finished.standard_price, 33.0, "P rolled up")
        # The shelf's 10 A (+10.00) and the 40 A held for the 20 P (+40.00).
        self.assertEntryBalances(update.move_id, {self.rip: 50.0, revaluation: -50.0})
