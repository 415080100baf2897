from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mrp_backflush.tests.common import BackflushCommon


class ReworkCommon(BackflushCommon):
    """Finished P (31.00 = 2 A at 7.00 + 1 B at 5.00 + 12.00 conversion) made by a
    backflushed order, then repaired in stock with Odoo's Repairs app."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rework_variance = cls._make_account("BF.RWK", "Rework variance", "expense")
        cls.finished_categ.property_backflush_rework_variance_account_id = cls.rework_variance
        cls.scrap_location = cls.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "in", [cls.company.id, False])],
            limit=1,
        )

    def setUp(self):
        super().setUp()
        self._receive(self.component_a, 10)
        self._receive(self.component_b, 10)
        production = self._produce(self._make_mo(4), 4)
        self._mark_done(production)

    def _repair(self, parts, product=None, user=None, finish=True, tags=None):
        """A repair of 1 ``product`` (P) with ``parts`` [(line type, product, quantity,
        destination or None)], confirmed, started and ended (``finish``) by ``user``."""
        env = self.env(user=user) if user else self.env
        repair = env["repair.order"].create(
            {
                "product_id": (product or self.finished).id,
                "product_qty": 1.0,
                "tag_ids": [Command.set(tags.ids)] if tags else [],
            }
        )
        for line_type, part, quantity, destination in parts:
            values = {
                "repair_id": repair.id,
                "repair_line_type": line_type,
                "product_id": part.id,
                "product_uom_qty": quantity,
            }
            if destination:
                values["location_dest_id"] = destination.id
            env["stock.move"].create(values)
        repair.action_validate()
        repair.action_repair_start()
        if finish:
            repair.action_repair_end()
        return repair

    def _postings(self, repair):
        return self.env["mrp.backflush.posting"].search([("repair_id", "=", repair.id)])


@tagged("post_install", "-at_install")
class TestRepairRework(ReworkCommon):
    def test_motor_replaced_in_stock(self):
        """The README's case: a finished unit fails inspection and is repaired in stock,
        its B replaced (the old one scrapped) and an A fitted: one entry, the parts out of
        RIP to Rework Variance, the scrapped B in Scrap Variance; Odoo's production
        account never used; the unit still at its standard."""
        production_before = self._balance(self.production_cost)
        fg_before = self._balance(self.fg)
        tag = self.env["repair.tags"].create({"name": "Failed inspection"})
        repair = self._repair(
            [
                ("add", self.component_b, 1, None),
                ("add", self.component_a, 1, None),
                ("remove", self.component_b, 1, self.scrap_location),
            ],
            tags=tag,
        )
        self.assertEqual(repair.state, "done")
        posting = self._postings(repair)
        self.assertEqual(len(posting), 1)
        self.assertEqual((posting.kind, posting.state), ("rework", "posted"))
        self.assertEqual(posting.product_id, self.finished)
        self.assertEqual(posting.reason, "Failed inspection")
        self.assertAmount(posting.rework_variance, 7.0, "rework variance column")
        self.assertAmount(posting.scrap_variance, 5.0, "scrap variance column")
        self.assertEntryBalances(
            posting.move_id,
            {self.rip: -12.0, self.scrap_variance: 5.0, self.rework_variance: 7.0},
        )
        self.assertIn(repair.name, posting.move_id.ref)
        self.assertEqual(posting.move_id.journal_id, self.journal)
        self.assertAmount(self._balance(self.production_cost), production_before, "production")
        self.assertAmount(self._balance(self.fg), fg_before, "finished goods")
        self.assertEqual(repair.backflush_posting_count, 1)
        self.assertEqual(posting.origin_name, repair.name)
        self.assertIn(posting.move_id.name, repair.message_ids[:3].mapped("body")[0] or "")
        # The parts' layers are held by the posting: the audit finds nothing uncovered.
        parts_layers = repair.move_ids.stock_valuation_layer_ids
        self.assertEqual(len(parts_layers), 2)
        self.assertEqual(posting.valuation_layer_ids, parts_layers)
        # linked to the rework entry, not to entries of Odoo's own
        self.assertEqual(parts_layers.account_move_id, posting.move_id)
        Books = self.env["mrp.backflush.books"]
        self.assertFalse(Books._uncovered_layers(self.company, posting.date))
        # The accountant's check says where it went, and opens it by product and reason.
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertAmount(check.rework_month_total, 7.0, "rework of the month")
        self.assertAmount(check.scrap_month_total, 5.0, "scrap of the month")
        action = check.action_open_scrap_and_rework()
        self.assertEqual(self.env["mrp.backflush.posting"].search(action["domain"]), posting)
        self.assertEqual(action["context"]["pivot_row_groupby"], ["product_id", "reason"])

    def test_audit_lists_an_uncovered_repair_part(self):
        """The Reconciliation Check's movements without a posting cover repair parts: a
        part layer that no posting held would be listed."""
        repair = self._repair([("add", self.component_b, 1, None)])
        layers = repair.move_ids.stock_valuation_layer_ids
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM mrp_backflush_posting_valuation_layer_rel WHERE layer_id IN %s",
            [tuple(layers.ids)],
        )
        self.env.cr.execute(
            "UPDATE stock_valuation_layer SET account_move_id = NULL WHERE id IN %s",
            [tuple(layers.ids)],
        )
        layers.invalidate_recordset()
        uncovered = self.env["mrp.backflush.books"]._uncovered_layers(
            self.company, self._postings(repair).date
        )
        self.assertEqual(uncovered, layers)

    def test_part_put_back_in_stock(self):
        """A part removed and put back in stock comes back into RIP at standard, out of
        Rework Variance (Odoo's own entry would credit the production account)."""
        repair = self._repair([("recycle", self.component_b, 1, self.stock_location)])
        posting = self._postings(repair)
        self.assertEntryBalances(posting.move_id, {self.rip: 5.0, self.rework_variance: -5.0})
        self.assertAmount(self._balance(self.production_cost), 0.0, "production")

    def test_repair_without_parts_posts_nothing(self):
        repair = self._repair([])
        self.assertEqual(repair.state, "done")
        self.assertFalse(self._postings(repair))

    def test_part_not_valued_is_ignored(self):
        """A consumable part and a part valued manually: Odoo posts nothing for them,
        nor does backflush."""
        consumable = self.env["product.product"].create(
            {"name": "Grease", "is_storable": False, "categ_id": self.components_categ.id}
        )
        manual_categ = self._make_category("Manual parts", self.rip, valuation="manual_periodic")
        manual = self._make_product("Screw", manual_categ, 0.10)
        self._receive(manual, 10)
        repair = self._repair([("add", consumable, 1, None), ("add", manual, 2, None)])
        self.assertEqual(repair.state, "done")
        self.assertFalse(self._postings(repair))
        self.assertAmount(self._balance(self.production_cost), 0.0, "production")

    def test_product_not_backflushed_is_odoos_business(self):
        """A repair of a product under no trigger keeps Odoo's valuation: its added part
        goes to Odoo's production account, no register record."""
        plain_categ = self._make_category("Plain", self.fg)
        plain = self._make_product("Plain product", plain_categ, 10.0)
        self._receive(plain, 1)
        repair = self._repair([("add", self.component_b, 1, None)], product=plain)
        self.assertFalse(self._postings(repair))
        self.assertAmount(self._balance(self.production_cost), 5.0, "production")

    def test_missing_account_stops_or_queues(self):
        """Without a Rework Variance account: under 'stop' the repair is refused before
        anything moves; under 'queue' it goes through and its posting waits, Failed with
        the reason, until the account is set and the posting retried."""
        self.finished_categ.property_backflush_rework_variance_account_id = False
        with self.assertRaisesRegex(UserError, "Rework Variance"):
            self._repair([("add", self.component_b, 1, None)])
        repair = self.env["repair.order"].search([], order="id desc", limit=1)
        self.assertEqual(repair.state, "under_repair")
        self.assertFalse(repair.move_ids.filtered(lambda move: move.state == "done"))

        self.company.backflush_blocked_posting = "queue"
        repair = self._repair([("add", self.component_b, 1, None)])
        self.assertEqual(repair.state, "done")
        posting = self._postings(repair)
        self.assertEqual(posting.state, "failed")
        self.assertIn("Rework Variance", posting.failure_reason)
        self.assertFalse(posting.move_id)
        self.assertAmount(self._balance(self.production_cost), 0.0, "production")

        self.finished_categ.property_backflush_rework_variance_account_id = self.rework_variance
        posting.action_retry()
        self.assertEqual(posting.state, "posted")
        self.assertEntryBalances(posting.move_id, {self.rip: -5.0, self.rework_variance: 5.0})

    def test_part_of_no_quantity_needs_nothing(self):
        """A line left at quantity 0 is cancelled by Odoo when the repair ends: it does
        not stop the repair for an account only it would need."""
        self.finished_categ.property_backflush_scrap_variance_account_id = False
        repair = self._repair(
            [
                ("add", self.component_b, 1, None),
                ("remove", self.component_a, 0, self.scrap_location),
            ]
        )
        self.assertEqual(repair.state, "done")
        self.assertEntryBalances(
            self._postings(repair).move_id, {self.rip: -5.0, self.rework_variance: 5.0}
        )

    def test_parts_that_net_to_nothing_are_recorded_without_entry(self):
        """A part fitted and the same part put back in stock net to nothing on every
        account: the register record has no entry and holds both layers, so the audit
        finds nothing uncovered."""
        repair = self._repair(
            [
                ("add", self.component_a, 1, None),
                ("recycle", self.component_a, 1, self.stock_location),
            ]
        )
        posting = self._postings(repair)
        self.assertEqual((posting.state, bool(posting.move_id)), ("posted", False))
        self.assertEqual(posting.valuation_layer_ids, repair.move_ids.stock_valuation_layer_ids)
        self.assertEqual(len(posting.valuation_layer_ids), 2)
        self.assertFalse(
            self.env["mrp.backflush.books"]._uncovered_layers(self.company, posting.date)
        )

    def test_scrapped_part_needs_scrap_account(self):
        self.company.backflush_blocked_posting = "queue"
        self.finished_categ.property_backflush_scrap_variance_account_id = False
        repair = self._repair([("remove", self.component_b, 1, self.scrap_location)])
        self.assertIn("Scrap Variance", self._postings(repair).failure_reason)

    def test_deferred(self):
        """A company that posts in batches: the rework is Pending, then posted once by
        the scheduled action."""
        self.company.backflush_posting_mode = "deferred"
        repair = self._repair([("add", self.component_b, 2, None)])
        posting = self._postings(repair)
        self.assertEqual(posting.state, "pending")
        self.assertFalse(
            self.env["mrp.backflush.books"]._uncovered_layers(self.company, posting.date)
        )
        self.env["mrp.backflush.queue"]._cron_post_pending()
        self.assertEqual(posting.state, "posted")
        self.assertEntryBalances(posting.move_id, {self.rip: -10.0, self.rework_variance: 10.0})
        self.env["mrp.backflush.queue"]._cron_post_pending()
        self.assertEqual(len(self._postings(repair)), 1)

    def test_cancel(self):
        """Cancelled before it ends, nothing moved and nothing is posted; once done, Odoo
        refuses to cancel it and the posting stands."""
        repair = self._repair([("add", self.component_b, 1, None)], finish=False)
        repair.action_repair_cancel()
        self.assertFalse(self._postings(repair))
        done = self._repair([("add", self.component_b, 1, None)])
        with self.assertRaises(UserError):
            done.action_repair_cancel()
        self.assertEqual(self._postings(done).state, "posted")

    def test_operator_repairs(self):
        """The user who repairs (Inventory / User, no accounting) ends the repair; the
        entry is posted for them; the chatter names it as plain text."""
        operator = self._make_user("bf_repairer", "stock.group_stock_user")
        repair = self._repair([("add", self.component_b, 1, None)], user=operator)
        posting = self._postings(repair)
        self.assertEqual(posting.state, "posted")
        self.assertIn(posting.move_id.name, repair.message_ids[0].body)

    def test_accountant_reviews_the_rework(self):
        """A Backflush Costing / Accountant (no stock rights) opens the rework posting
        from the register, its repair from there, and the repair's Backflush button."""
        repair = self._repair([("add", self.component_b, 1, None)])
        accountant = self._make_user("bf_rework_rev", "mrp_backflush.group_backflush_accountant")
        posting = self._postings(repair).with_user(accountant)
        self.assertEqual(Form(posting).repair_id, repair)
        repair_form = Form(repair.with_user(accountant))
        self.assertEqual(repair_form.backflush_posting_count, 1)
        action = repair.with_user(accountant).action_view_backflush_postings()
        self.assertEqual(
            self.env["mrp.backflush.posting"].with_user(accountant).search(action["domain"]),
            posting,
        )
        with self.assertRaises(AccessError):
            repair.with_user(accountant).write({"internal_notes": "changed"})

    def test_user_without_repair_rights(self):
        """An accountant of the books without stock rights meets Odoo's access error and
        nothing is half-posted."""
        repair = self._repair([("add", self.component_b, 1, None)], finish=False)
        accountant = self._make_user("bf_rework_acc", "mrp_backflush.group_backflush_accountant")
        with self.assertRaises(AccessError):
            repair.with_user(accountant).action_repair_end()
        self.assertEqual(repair.state, "under_repair")
        self.assertFalse(self._postings(repair))


@tagged("post_install", "-at_install")
class TestRepairReworkUnderShipment(ReworkCommon):
    """The same plant under Shipment from the start: the units made are in RIP and
    Conversion Costs Applied until delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished_categ.property_backflush_trigger = "shipment"

    def test_repair_in_stock(self):
        """Under Shipment the unit's material is still in RIP: the rework is the same."""
        repair = self._repair([("add", self.component_b, 1, None)])
        posting = self._postings(repair)
        self.assertEqual(posting.trigger, "shipment")
        self.assertEntryBalances(posting.move_id, {self.rip: -5.0, self.rework_variance: 5.0})

    def test_unit_returned_by_a_customer(self):
        """Under Shipment a unit delivered, returned by the customer (its shipment
        mirrored) and repaired: the rework entry is the same, RIP relieved of the part
        only, and the books still match the floor."""
        picking = self._deliver(self.finished, 1)
        self._return(picking, 1)
        repair = self._repair([("add", self.component_b, 1, None)])
        posting = self._postings(repair)
        self.assertEqual((posting.kind, posting.state), ("rework", "posted"))
        self.assertEntryBalances(posting.move_id, {self.rip: -5.0, self.rework_variance: 5.0})
        self.assertAmount(self._balance(self.production_cost), 0.0, "production")
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertTrue(check.is_balanced, check.status_message)
        self.assertAmount(check.rework_month_total, 5.0, "rework of the month")
