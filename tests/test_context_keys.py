from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BackflushCommon

# What a caller sends over RPC: plain values under the module's internal keys.
FORGED = {
    "backflush_scrap_batch": True,
    "backflush_interim_only": True,
    "backflush_lot_swap": True,
    "backflush_register_update": True,
    "default_event_key": "forged",
    "default_failure_reason": "forged",
}


@tagged("post_install", "-at_install")
class TestNoContextKeySwitchesCostingOff(BackflushCommon):
    """Any caller sets any context key: none of them skips or rewrites a posting
    (models/internal_context.py). tools/attack.py proves the same over XML-RPC."""

    def setUp(self):
        super().setUp()
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 10)
        self.production = self._mark_done(self._produce(self._make_mo(4), 4))

    def test_a_scrap_with_the_wizards_batch_key_is_still_costed(self):
        scrap = (
            self.env["stock.scrap"]
            .with_context(**FORGED)
            .create(
                {
                    "production_id": self.production.id,
                    "product_id": self.component_a.id,
                    "scrap_qty": 1,
                    "location_id": self.stock_location.id,
                }
            )
        )
        scrap.with_context(**FORGED).do_scrap()
        posting = self.production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")
        self.assertEqual(posting.scrap_ids, scrap)
        self.assertEqual(posting.state, "posted")
        self.assertAmount(posting.move_id.amount_total, 7.0, "one Component A at standard")

    def test_the_register_update_key_does_not_open_the_register(self):
        posting = self.production.backflush_posting_ids
        with self.assertRaisesRegex(UserError, "only its note"):
            posting.with_context(**FORGED).write({"event_key": "forged", "quantity": 99})
        with self.assertRaisesRegex(UserError, "created by backflush costing itself"):
            posting.with_context(**FORGED).sudo().copy({"event_key": "forged-copy"})
        self.assertNotEqual(posting.event_key, "forged")

    def test_the_callers_defaults_reach_no_register_record(self):
        production = self._make_mo(2).with_context(**FORGED)
        self._mark_done(self._produce(production, 2))
        posting = production.backflush_posting_ids
        self.assertEqual(posting.state, "posted")
        self.assertNotEqual(posting.event_key, "forged")
        self.assertFalse(posting.failure_reason)

    def test_the_lot_swap_key_does_not_unlock_a_done_quantity(self):
        line = self.production.move_raw_ids.move_line_ids[:1]
        with self.assertRaisesRegex(UserError, "costed by backflush when it was completed"):
            line.with_context(**FORGED).quantity += 3
