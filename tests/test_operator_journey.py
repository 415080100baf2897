from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestOperatorJourney(BackflushCommon):
    """A Manufacturing / User closes orders and never meets accounting: operators need
    no accounting group."""

    def setUp(self):
        super().setUp()
        self._receive(self.component_a, 40)
        self._receive(self.component_b, 20)
        self.operator = self._make_user("bf_journey_operator", "mrp.group_mrp_user")
        self.assertFalse(self.operator.has_group("account.group_account_invoice"))

    def test_partial_production_with_backorder_then_done(self):
        production = self._make_mo(10).with_user(self.operator)
        self._produce(production, 6)
        self._mark_done(production, backorder=True)

        self.assertEqual(production.state, "done")
        backorder = production.procurement_group_id.mrp_production_ids - production
        self.assertEqual(backorder.product_qty, 4.0)
        self.assertEntryBalances(
            production.backflush_posting_ids.sudo().move_id,
            {self.fg: 186.0, self.rip: -114.0, self.applied: -72.0},
        )
        self._produce(backorder, 4)
        self._mark_done(backorder)
        self.assertEqual(backorder.state, "done")
        self.assertEqual(backorder.backflush_posting_count, 1)
        self.assertEntryBalances(
            backorder.backflush_posting_ids.sudo().move_id,
            {self.fg: 124.0, self.rip: -76.0, self.applied: -48.0},
        )

    def test_scrap_button_on_an_order(self):
        production = self._make_mo(10).with_user(self.operator)
        self._produce(production, 10)
        self._mark_done(production)
        action = production.button_scrap()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.operator)
            .with_context(**action["context"]),
            view=action["views"][0][0],
        )
        form.product_id = self.component_a
        form.scrap_qty = 1.0
        scrap = form.save()
        scrap.action_validate()

        self.assertEqual(scrap.state, "done")
        posting = production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")
        self.assertEqual(len(posting), 1)
        self.assertEntryBalances(posting.sudo().move_id, {self.scrap_variance: 7.0, self.rip: -7.0})
