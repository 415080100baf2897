from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import date_utils

from ..models.internal_context import REGISTER_UPDATE
from ..models.mrp_backflush_period_close import CloseRequest
from .common import ConversionCloseCommon


@tagged("post_install", "-at_install")
class TestDeferredPosting(ConversionCloseCommon):
    """Deferred posting, so that the shop floor closes orders at the cost of the stock
    moves alone: closing an order or validating a delivery records a Pending posting;
    the scheduled action posts it exactly once, as the event would have been posted."""

    def setUp(self):
        super().setUp()
        self.company.backflush_posting_mode = "deferred"
        self.company.backflush_blocked_posting = "queue"
        self.Posting = self.env["mrp.backflush.posting"]
        self.accountant = self._make_user(
            "bf_deferred_accountant", "account.group_account_manager,mrp.group_mrp_user"
        )

    def _complete(self, quantity):
        self._receive(self.component_a, 2 * quantity)
        self._receive(self.component_b, quantity)
        production = self._make_mo(quantity)
        self._mark_done(production)
        return production

    def test_completion_is_pending_then_posted_once_by_the_scheduled_action(self):
        production = self._complete(10)

        posting = production.backflush_posting_ids
        self.assertRecordValues(
            posting, [{"kind": "completion", "state": "pending", "move_id": False}]
        )
        self.assertFalse(self._backflush_entries(production))
        self.assertAmount(self._balance(self.fg), 0.0, "nothing posted at the close")
        # The standard changes before the batch runs: the posting keeps the event's.
        self.finished.backflush_conversion_cost = 20.0

        self.Posting._cron_post_pending()

        self.assertEqual(posting.state, "posted")
        self.assertFalse(posting.pending_data)
        self.assertEqual(posting.move_id.date, posting.date)
        self.assertEntryBalances(
            posting.move_id, {self.fg: 310.0, self.rip: -190.0, self.applied: -120.0}
        )
        self.Posting._cron_post_pending()
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(len(self._backflush_entries(production)), 1, "posted exactly once")

    def test_a_busy_shift_wakes_the_scheduled_action_once(self):
        cron = self.env.ref("mrp_backflush.ir_cron_backflush_post_pending")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()

        first, second = self._complete(2), self._complete(3)

        self.assertEqual(
            Trigger.search_count([("cron_id", "=", cron.id)]),
            1,
            "the second close finds the first's wake-up due and adds none",
        )
        self.assertEqual((first | second).backflush_posting_ids.mapped("state"), ["pending"] * 2)
        self.Posting._cron_post_pending()
        self.assertEqual((first | second).backflush_posting_ids.mapped("state"), ["posted"] * 2)

    def test_missing_configuration_at_posting_time_fails_and_says_so(self):
        production = self._complete(10)
        self.finished_categ.property_backflush_usage_variance_account_id = False

        self.Posting._cron_post_pending()

        posting = production.backflush_posting_ids
        self.assertEqual(posting.state, "failed")
        self.assertIn("Material Usage Variance", posting.failure_reason)
        self.assertIn("was queued", production.message_ids[0].body)
        self.finished_categ.property_backflush_usage_variance_account_id = self.usage_variance
        posting.with_user(self.accountant).action_retry()
        self.assertEqual(posting.state, "posted")

    def test_unbuild_posts_the_pending_completion_first(self):
        production = self._complete(10)
        unbuild_form = Form(self.env["mrp.unbuild"])
        unbuild_form.mo_id = production
        unbuild_form.product_qty = 4
        unbuild_form.save().action_unbuild()

        completion, reversal = production.backflush_posting_ids.sorted("id")
        self.assertEqual(completion.state, "posted")
        self.assertEqual(completion.reversed_quantity, 4.0)
        self.assertEqual(reversal.kind, "reversal")
        self.assertEntryBalances(
            reversal.move_id, {self.fg: -124.0, self.rip: 76.0, self.applied: 48.0}
        )

    def test_conversion_close_posts_pending_postings_first(self):
        production = self._complete(10)
        self._incur_conversion(130.0)
        request = CloseRequest(
            company_id=self.company,
            date_from=date_utils.start_of(self.today, "month"),
            date_to=self.today,
            control_account_ids=self.control,
            applied_account_ids=self.applied,
            target_account_id=self.production_variance,
        )
        self.env["mrp.backflush.period.close"]._post_close(request)
        self.assertEqual(production.backflush_posting_ids[:1].state, "posted")
        self.assertAmount(self._balance(self.applied), 0.0, "the 120 applied is closed")
        self.assertAmount(self._balance(self.control), 0.0, "the 130 incurred is closed")
        self.assertAmount(self._balance(self.production_variance), 10.0, "under-applied")

    def test_delivery_is_pending_then_posted_and_its_return_mirrors_it(self):
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete(100)
        self.Posting._cron_post_pending()  # the completion (deviations only: none)
        picking = self._deliver(self.finished, 60)
        shipment = self.Posting.search([("picking_id", "=", picking.id)])
        self.assertEqual(shipment.state, "pending")
        self.assertFalse(self._picking_entries(picking))

        returned = self._return(picking, 10)
        reversal = self.Posting.search([("picking_id", "=", returned.id)])
        self.assertRecordValues(
            reversal, [{"kind": "reversal", "state": "pending", "reversed_posting_id": shipment.id}]
        )
        self.assertEqual(shipment.state, "pending", "the return waits with it")
        self.assertEqual(shipment.reversed_quantity, 0.0, "nothing undone before it is posted")
        self.Posting._cron_post_pending()

        self.assertEntryBalances(
            self._picking_entries(picking),
            {self.stock_output: 1860.0, self.rip: -1140.0, self.applied: -720.0},
        )
        self.assertEntryBalances(
            self._picking_entries(returned),
            {self.stock_output: -310.0, self.rip: 190.0, self.applied: 120.0},
        )
        self.assertEqual(shipment.reversed_quantity, 10.0)

    def test_deferred_return_of_the_whole_delivery_mirrors_it(self):
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete(100)
        picking = self._deliver(self.finished, 60)
        returned = self._return(picking, 60)

        self.Posting._cron_post_pending()

        shipment = self.Posting.search([("picking_id", "=", picking.id)])
        reversal = self.Posting.search([("picking_id", "=", returned.id)])
        self.assertRecordValues(
            shipment + reversal,
            [
                {"state": "reversed", "reversed_quantity": 60.0, "reversed_posting_id": False},
                {"state": "posted", "reversed_quantity": 0.0, "reversed_posting_id": shipment.id},
            ],
        )
        self.assertEntryBalances(
            self._picking_entries(returned),
            {self.stock_output: -1860.0, self.rip: 1140.0, self.applied: 720.0},
        )

    def test_deviations_that_net_to_zero_per_account_post_no_entry(self):
        # Shipment trigger: the completion posts only its deviations. 5 A fewer (-35.00)
        # and 7 B more (+35.00), both on RIP and the usage variance account, net to zero.
        self.finished_categ.property_backflush_trigger = "shipment"
        self.company.backflush_posting_mode = "immediate"
        self._receive(self.component_a, 20)
        self._receive(self.component_b, 20)
        production = self._make_mo(10)
        self._produce(production, 10, {self.component_a: 15, self.component_b: 17})
        self._mark_done(production)

        posting = production.backflush_posting_ids
        self.assertEqual(production.state, "done")
        self.assertRecordValues(posting, [{"state": "posted", "move_id": False}])

    def test_an_unreadable_pending_posting_fails_alone(self):
        broken = self._complete(10).backflush_posting_ids
        good = self._complete(10).backflush_posting_ids
        REGISTER_UPDATE.on(broken).pending_data = '{"moves": "x"'

        queue_logger = "odoo.addons.mrp_backflush.models.mrp_backflush_queue"
        with self.assertLogs(queue_logger, level="ERROR") as logged:
            self.Posting._cron_post_pending()

        self.assertIn(f"{broken.name} could not be posted", logged.output[0])
        self.assertEqual(broken.state, "failed")
        self.assertIn("Unexpected error while posting", broken.failure_reason)
        self.assertEqual(good.state, "posted", "the scheduled action went on")

    def test_invoice_posted_before_the_deferred_delivery_entry_is_reconciled(self):
        if "sale.order" not in self.env:
            self.skipTest("needs sale_stock (tools/test installs it in the test database)")
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete(100)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.finished.id, "product_uom_qty": 99, "price_unit": 45}
                    )
                ],
            }
        )
        order.action_confirm()
        self._validate(order.picking_ids, 99)
        invoice = order._create_invoices()
        invoice.action_post()  # before the delivery's entry exists

        self.Posting._cron_post_pending()

        interim = self.env["account.move.line"].search(
            [("account_id", "=", self.stock_output.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(len(interim), 2, "the delivery's debit and the invoice's COGS credit")
        self.assertTrue(all(line.reconciled for line in interim))
        self.assertAmount(self._balance(self.stock_output), 0.0, "interim delivered")

    def test_trigger_change_posts_pending_postings_first_and_waits_for_failed_ones(self):
        production = self._complete(10)
        self.finished_categ.property_backflush_trigger = "completion_only"
        posting = production.backflush_posting_ids
        self.assertEqual(posting.state, "posted", "posted first, under its event's trigger")
        self.assertEntryBalances(
            posting.move_id, {self.fg: 310.0, self.rip: -190.0, self.applied: -120.0}
        )

        self.finished_categ.property_backflush_trigger = "completion"
        self.company.backflush_posting_mode = "immediate"
        self.finished_categ.property_backflush_usage_variance_account_id = False
        failed = self._complete(10).backflush_posting_ids
        self.assertEqual(failed.state, "failed")
        with self.assertRaisesRegex(UserError, f"retry the queued backflush posting {failed.name}"):
            self.finished_categ.property_backflush_trigger = "none"
        self.assertEqual(self.finished_categ.property_backflush_trigger, "completion")

    def test_return_of_a_queued_shipment_is_queued_until_the_shipment_is_posted(self):
        self.company.backflush_posting_mode = "immediate"
        self.finished_categ.property_backflush_trigger = "shipment"
        self._complete(100)
        self.finished_categ.property_backflush_conversion_account_id = False
        picking = self._deliver(self.finished, 60)
        shipment = self.Posting.search([("picking_id", "=", picking.id)])
        self.assertEqual(shipment.state, "failed")
        self.finished_categ.property_backflush_conversion_account_id = self.applied

        returned = self._return(picking, 10)

        self.assertEqual(returned.state, "done", "the return goes through")
        reversal = self.Posting.search([("picking_id", "=", returned.id)])
        self.assertEqual(reversal.state, "failed")
        self.assertIn(f"The shipment {shipment.name} this return undoes", reversal.failure_reason)
        (shipment | reversal).with_user(self.accountant).action_retry()
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(shipment.reversed_quantity, 10.0)
        self.assertEntryBalances(
            reversal.move_id, {self.stock_output: -310.0, self.rip: 190.0, self.applied: 120.0}
        )
