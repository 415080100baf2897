from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestQueue(BackflushCommon):
    """A posting that cannot be made is queued, never lost, and posted once on retry, as
    the event would have been posted when it happened."""

    def setUp(self):
        super().setUp()
        self.company.backflush_blocked_posting = "queue"
        self._receive(self.component_a, 60)
        self._receive(self.component_b, 30)
        self.operator = self._make_user("bf_queue_operator", "mrp.group_mrp_user")
        self.accountant = self._make_user(
            "bf_queue_accountant", "account.group_account_manager,mrp.group_mrp_user"
        )

    def _complete_as_operator(self, quantity=10):
        production = self._make_mo(quantity)
        self._mark_done(production.with_user(self.operator))
        return production

    def test_new_companies_queue(self):
        company = self.env["res.company"].create({"name": "New plant"})
        self.assertEqual(company.backflush_blocked_posting, "queue")

    def test_completion_is_queued_then_posted_once_on_retry(self):
        self.finished_categ.property_backflush_usage_variance_account_id = False
        production = self._complete_as_operator()

        self.assertEqual(production.state, "done", "the shop floor is not stopped")
        posting = production.backflush_posting_ids
        self.assertEqual(posting.state, "failed")
        self.assertFalse(posting.move_id)
        self.assertFalse(self._backflush_entries(production))
        self.assertIn("Material Usage Variance", posting.failure_reason)
        self.assertIn("was queued", production.message_ids[0].body)
        self.assertTrue(production.activity_ids.user_id.has_group("account.group_account_manager"))

        # The standard changes before the retry: the posting keeps the event's.
        self.component_b.standard_price = 6.0
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(posting.state, "failed", "still missing: stays queued")
        self.assertEqual(posting.retry_count, 1)

        self.finished_categ.property_backflush_usage_variance_account_id = self.usage_variance
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(posting.state, "posted")
        self.assertFalse(posting.failure_reason)
        self.assertEqual(posting.move_id.date, posting.date)
        self.assertEntryBalances(
            posting.move_id, {self.fg: 310.0, self.rip: -190.0, self.applied: -120.0}
        )
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(len(self._backflush_entries(production)), 1, "posted exactly once")

    def test_scheduled_action_retries_every_queued_posting(self):
        self.company.backflush_journal_id = False
        productions = self._complete_as_operator(5) | self._complete_as_operator(5)
        postings = productions.backflush_posting_ids
        self.assertEqual(set(postings.mapped("state")), {"failed"})
        self.env["mrp.backflush.posting"]._cron_retry_failed()
        self.assertEqual(set(postings.mapped("state")), {"failed"}, "nothing to post yet")
        self.company.backflush_journal_id = self.journal
        self.env["mrp.backflush.posting"]._cron_retry_failed()
        self.assertEqual(set(postings.mapped("state")), {"posted"})
        self.assertEqual(len(postings.move_id), 2)

    def test_odoo_scrap_button_is_queued_too(self):
        production = self._complete_as_operator()
        self.finished_categ.property_backflush_scrap_variance_account_id = False
        scrap = self.env["stock.scrap"].create(
            {
                "production_id": production.id,
                "product_id": self.component_a.id,
                "scrap_qty": 2,
                "product_uom_id": self.component_a.uom_id.id,
            }
        )
        scrap.do_scrap()
        self.assertEqual(scrap.state, "done")
        queued = production.backflush_posting_ids.filtered(lambda p: p.kind == "scrap")
        self.assertEqual(queued.state, "failed")
        self.finished_categ.property_backflush_scrap_variance_account_id = self.scrap_variance
        queued.with_user(self.accountant).action_retry()
        self.assertEqual(queued.state, "posted")
        self.assertEntryBalances(queued.move_id, {self.scrap_variance: 14.0, self.rip: -14.0})

    def test_month_end_waits_for_queued_postings(self):
        self.finished_categ.property_backflush_usage_variance_account_id = False
        self._complete_as_operator()
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertEqual(len(check.failed_posting_ids), 1)
        self.assertFalse(check.uncovered_layer_ids, "the queued record holds the moves")
        control = self._make_account("BF.CTL", "Conversion costs control", "expense")
        form = Form(self.env["mrp.backflush.conversion.close.wizard"])
        form.date_to = form.date_from  # any closed range up to today
        form.control_account_ids.add(control)
        wizard = form.save()
        wizard.date_to = check.date
        with self.assertRaisesRegex(UserError, "queued, not posted"):
            wizard.action_post()

    def test_reconciliation_lists_movements_no_posting_holds(self):
        production = self._complete_as_operator()
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertFalse(check.uncovered_layer_ids)
        # A posting lost by hand (SQL, as a broken migration would): the check sees it.
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM mrp_backflush_posting_valuation_layer_rel; "
            "UPDATE stock_valuation_layer SET account_move_id = NULL WHERE id IN %s",
            [
                tuple(
                    (
                        production.move_raw_ids | production.move_finished_ids
                    ).stock_valuation_layer_ids.ids
                )
            ],
        )
        self.env.invalidate_all()
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertEqual(
            check.uncovered_layer_ids,
            (production.move_raw_ids | production.move_finished_ids).stock_valuation_layer_ids,
        )

    def test_delivery_is_queued_then_posted_on_its_day_standard(self):
        self._force_trigger(self.finished_categ, "shipment")
        self._complete_as_operator()
        self.finished_categ.property_backflush_conversion_account_id = False
        picking = self._deliver(self.finished, 4)
        self.assertEqual(picking.state, "done", "the delivery goes through")
        posting = self.env["mrp.backflush.posting"].search([("picking_id", "=", picking.id)])
        self.assertEqual((posting.kind, posting.state), ("shipment", "failed"))
        self.assertFalse(self._picking_entries(picking), "no entry, not even Odoo's")
        self.assertIn("was queued", picking.message_ids[0].body)

        self.component_a.standard_price = 8.0  # after the delivery: not its standard
        self.finished_categ.property_backflush_conversion_account_id = self.applied
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(posting.state, "posted")
        entry = posting.move_id
        self.assertEqual(entry.stock_move_id, picking.move_ids)
        self.assertEntryBalances(
            entry, {self.stock_output: 124.0, self.rip: -76.0, self.applied: -48.0}
        )

    def test_unbuild_waits_for_the_queued_completion(self):
        self.finished_categ.property_backflush_usage_variance_account_id = False
        production = self._complete_as_operator()
        form = Form(self.env["mrp.unbuild"])
        form.mo_id = production
        form.product_qty = 2
        with self.assertRaisesRegex(UserError, "queued, not posted"):
            form.save().action_unbuild()
