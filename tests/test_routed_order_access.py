from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestRoutedOrderAccess(BackflushCommon):
    """An order with work orders and time logged, opened by the users who read the books:
    Odoo grants the time logs (mrp.workcenter.productivity) and their loss reasons to
    Manufacturing / User only, and the order's form loads them through its work orders.
    The accountant and the auditor read what the form loads; they write nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workcenter = cls._route(cls.bom)

    def _routed_done_order(self):
        """10 units made through one work order with 30 minutes logged, then done."""
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        production = self._make_mo(10)
        workorder = self._log_time(production, 30)
        self.assertTrue(workorder.time_ids)
        production = self._produce(production, 10)
        self._mark_done(production)
        self.assertEqual(production.state, "done")
        self.assertTrue(production.backflush_posting_ids)
        return production

    def _open_everything_the_order_shows(self, user, production):
        """The order's form (every field, sub-lists included, as the web client's web_read
        does), each work order's form with its time logs, and the work centre."""
        production = production.with_user(user)
        form = Form(production)
        self.assertEqual(form.state, "done")
        self.assertEqual(len(form.workorder_ids), 1)
        workorder = production.workorder_ids
        Form(workorder)  # its Time Tracking page is for Manufacturing / Administrator
        self.assertEqual(len(workorder.time_ids.read(["duration", "loss_id"])), 1)
        self.assertAlmostEqual(workorder.duration, 30.0, places=0)
        Form(workorder.workcenter_id)
        # The register line's order link and the entry's order button open the same form.
        posting = production.backflush_posting_ids
        self.assertEqual(posting.production_id, production)
        Form(posting)
        return workorder

    def test_accountant_opens_a_routed_order_with_time_logged(self):
        production = self._routed_done_order()
        accountant = self._make_user(
            "bf_routed_accountant", "mrp_backflush.group_backflush_accountant"
        )
        self.assertFalse(accountant.has_group("mrp.group_mrp_user"))
        workorder = self._open_everything_the_order_shows(accountant, production)
        with self.assertRaises(AccessError):
            workorder.time_ids.with_user(accountant).write({"description": "edited"})
        with self.assertRaises(AccessError):
            workorder.with_user(accountant).write({"name": "edited"})
        with self.assertRaises(AccessError):
            self.workcenter.with_user(accountant).write({"costs_hour": 1.0})

    def test_auditor_opens_a_routed_order_with_time_logged(self):
        production = self._routed_done_order()
        auditor = self._make_user("bf_routed_auditor", "account.group_account_readonly")
        workorder = self._open_everything_the_order_shows(auditor, production)
        with self.assertRaises(AccessError):
            workorder.time_ids.with_user(auditor).unlink()
