from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestShipment(BackflushCommon):
    """Shipment trigger (Horngren's variant B) at 1/1000 of the textbook example."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished_categ.property_backflush_trigger = "shipment"

    def _move_done(self, name, quantity, source, destination):
        """A stock move of ``quantity`` finished units done outside a transfer."""
        move = self.env["stock.move"].create(
            {
                "name": name,
                "product_id": self.finished.id,
                "product_uom_qty": quantity,
                "product_uom": self.finished.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = quantity
        move.picked = True
        move._action_done()
        return move

    def test_completion_posts_nothing_without_variance(self):
        production = self._complete_textbook_units()
        self.assertFalse(self._backflush_entries(production))
        posting = production.backflush_posting_ids
        self.assertEqual(posting.kind, "completion")
        self.assertEqual(posting.trigger, "shipment")
        self.assertFalse(posting.move_id)
        self.assertEqual(self.finished.qty_available, 100)
        # Materials of finished units on hand stay in RIP; nothing reaches finished goods.
        self.assertAmount(self._balance(self.rip), 1950.0, "RIP")
        self.assertFalse(self._balance(self.fg))

    def test_completion_posts_usage_variance_only(self):
        production = self._complete_textbook_units(consumed={self.component_a: 210}, a=210, b=100)

        entry = self._backflush_entries(production)
        self.assertEntryBalances(entry, {self.rip: -70.0, self.usage_variance: 70.0})
        self.assertAmount(self._balance(self.rip), 1900.0, "RIP after the variance")

    def test_textbook_delivery(self):
        self._complete_textbook_units()
        picking = self._deliver(self.finished, 99)

        entry = self._picking_entries(picking)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.stock_move_id, picking.move_ids)
        self.assertEntryBalances(
            entry, {self.stock_output: 3069.0, self.rip: -1881.0, self.applied: -1188.0}
        )
        self.assertAmount(self._balance(self.rip), 69.0, "RIP at the end")
        self.assertFalse(self._balance(self.fg), "finished goods untouched")
        posting = entry.backflush_posting_ids
        self.assertRecordValues(
            posting,
            [
                {
                    "kind": "shipment",
                    "picking_id": picking.id,
                    "stock_move_id": picking.move_ids.id,
                    "quantity": 99.0,
                    "material_standard": 1881.0,
                    "conversion_standard": 1188.0,
                    "finished_value": 3069.0,
                    "state": "posted",
                }
            ],
        )
        # One journal item per account and kind: both components' standard on RIP.
        rip_line = entry.line_ids.filtered(lambda line: line.account_id == self.rip)
        self.assertEqual(len(rip_line), 1)
        self.assertEqual(
            rip_line.name, "Backflush: material at standard (bill of materials), 2 products"
        )

    def test_partial_deliveries_with_backorder_and_two_at_once(self):
        self._complete_textbook_units()
        first = self._deliver(self.finished, 99, done_quantity=60)
        self.assertEntryBalances(
            self._picking_entries(first),
            {self.stock_output: 1860.0, self.rip: -1140.0, self.applied: -720.0},
        )
        backorder = first.backorder_ids
        self.assertEqual(backorder.move_ids.product_uom_qty, 39)
        other = self._deliver(self.finished, 1, validate=False)
        together = backorder | other
        for picking in together:
            picking.move_ids.quantity = picking.move_ids.product_uom_qty
        together.move_ids.picked = True
        together.button_validate()

        self.assertEqual(set(together.mapped("state")), {"done"})
        self.assertEntryBalances(
            self._picking_entries(backorder),
            {self.stock_output: 1209.0, self.rip: -741.0, self.applied: -468.0},
        )
        self.assertEntryBalances(
            self._picking_entries(other),
            {self.stock_output: 31.0, self.rip: -19.0, self.applied: -12.0},
        )
        # All 100 units are delivered: RIP keeps only the materials never used.
        self.assertAmount(self._balance(self.rip), 50.0, "RIP")

    def test_return_reverses_its_share_of_the_shipment(self):
        self._complete_textbook_units()
        picking = self._deliver(self.finished, 60)
        shipment = self._picking_entries(picking).backflush_posting_ids

        returned = self._return(picking, 10)

        entry = self._picking_entries(returned)
        self.assertEntryBalances(
            entry, {self.stock_output: -310.0, self.rip: 190.0, self.applied: 120.0}
        )
        reversal = entry.backflush_posting_ids
        self.assertEqual(reversal.kind, "reversal")
        self.assertEqual(reversal.reversed_posting_id, shipment)
        self.assertEqual(shipment.reversed_quantity, 10.0)
        self.assertEqual(shipment.state, "posted")
        self.assertFalse(self._balance(self.fg))

    def test_bought_product_keeps_odoo_valuation(self):
        bought = self._make_product("Bought P", self.finished_categ, 31.0)
        self._receive(bought, 5)
        picking = self._deliver(bought, 5)
        entry = self._picking_entries(picking)
        self.assertEntryBalances(entry, {self.stock_output: 155.0, self.fg: -155.0})
        self.assertFalse(entry.backflush_posting_ids)

    def test_inventory_user_ships(self):
        self._complete_textbook_units()
        clerk = self._make_user("bf_clerk", "stock.group_stock_user")
        picking = self._deliver(self.finished, 10, user=clerk)
        self.assertEntryBalances(
            self._picking_entries(picking),
            {self.stock_output: 310.0, self.rip: -190.0, self.applied: -120.0},
        )

    def test_customer_invoice_reconciles_the_interim_account(self):
        if "sale.order" not in self.env:
            self.skipTest("needs sale_stock (tools/test installs it in the test database)")
        self.assertTrue(self.company.anglo_saxon_accounting)
        self._complete_textbook_units()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "order_line": [
                    (
                        0,
                        0,
                        {"product_id": self.finished.id, "product_uom_qty": 99, "price_unit": 45.0},
                    )
                ],
            }
        )
        order.action_confirm()
        self._validate(order.picking_ids, 99)
        invoice = order._create_invoices()
        invoice.action_post()

        interim = self.env["account.move.line"].search(
            [("account_id", "=", self.stock_output.id), ("parent_state", "=", "posted")]
        )
        self.assertEqual(len(interim), 2, "the delivery's debit and the invoice's COGS credit")
        self.assertTrue(all(line.reconciled for line in interim))
        self.assertAmount(self._balance(self.stock_output), 0.0, "interim delivered")
        cogs = invoice.line_ids.filtered(lambda line: line.display_type == "cogs")
        self.assertAmount(sum(cogs.mapped("balance")), 0.0, "COGS lines net")
        self.assertAmount(max(cogs.mapped("balance")), 3069.0, "COGS")

    def test_return_without_origin_uses_todays_standard(self):
        self._complete_textbook_units()
        customers = self.env.ref("stock.stock_location_customers")
        move = self._move_done("unannounced return", 2, customers, self.stock_location)

        entry = move.account_move_ids
        self.assertEntryBalances(
            entry, {self.stock_output: -62.0, self.rip: 38.0, self.applied: 24.0}
        )
        reversal = entry.backflush_posting_ids
        self.assertEqual(reversal.kind, "reversal")
        self.assertFalse(reversal.reversed_posting_id)

    def test_dropship_and_other_triggers_are_not_shipments(self):
        self._complete_textbook_units()
        suppliers = self.env.ref("stock.stock_location_suppliers")
        customers = self.env.ref("stock.stock_location_customers")
        dropship = self._move_done("dropship", 1, suppliers, customers)
        self.assertFalse(dropship.account_move_ids.backflush_posting_ids)
        self.assertFalse(
            dropship.account_move_ids.line_ids.filtered(
                lambda line: line.account_id in (self.rip | self.applied)
            )
        )

        self._force_trigger(self.finished_categ, "completion")
        picking = self._deliver(self.finished, 5)
        entry = self._picking_entries(picking)
        self.assertEntryBalances(entry, {self.stock_output: 155.0, self.fg: -155.0})
        self.assertFalse(entry.backflush_posting_ids)

    def test_done_delivery_quantity_cannot_be_corrected(self):
        self._complete_textbook_units()
        picking = self._deliver(self.finished, 10)
        with self.assertRaisesRegex(Exception, "costed by backflush when it left or entered stock"):
            picking.move_ids.move_line_ids.quantity = 8

    def test_standard_price_change_posts_nothing_to_finished_goods(self):
        self._complete_textbook_units()
        self.finished.standard_price = 33.0
        self.assertFalse(self._balance(self.fg))

    def test_transfer_between_warehouses_is_not_a_shipment(self):
        self._complete_textbook_units()
        other = self.env["stock.warehouse"].create(
            {"name": "Second warehouse", "code": "WH2", "company_id": self.company.id}
        )
        move = self._move_done(
            "to the second warehouse", 5, self.stock_location, other.lot_stock_id
        )
        self.assertEqual(move.state, "done")
        self.assertFalse(move.account_move_ids)
        self.assertFalse(
            self.env["mrp.backflush.posting"].search([("stock_move_id", "=", move.id)])
        )
        self.assertAmount(self._balance(self.rip), 1950.0, "RIP untouched")

    def test_lot_change_on_a_done_delivery_posts_nothing_more(self):
        self._buy_textbook_materials()
        self._complete_in_a_lot(10)
        picking = self._deliver(self.finished, 4)
        other_lot = self.env["stock.lot"].create(
            {"name": "LOT-OTHER", "product_id": self.finished.id, "company_id": self.company.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.finished, self.stock_location, 4, lot_id=other_lot
        )
        picking.move_ids.move_line_ids.lot_id = other_lot

        postings = self.env["mrp.backflush.posting"].search([("picking_id", "=", picking.id)])
        self.assertEqual(len(postings), 1)
        self.assertAmount(self._balance(self.applied), -120.0 * 0.4, "applied once")

    def test_scrap_of_shipped_product_outside_an_order_is_refused(self):
        self._complete_textbook_units()
        scrap = self.env["stock.scrap"].create(
            {"product_id": self.finished.id, "scrap_qty": 1, "product_uom_id": self.uom_unit.id}
        )
        with self.assertRaisesRegex(UserError, "Scrap them from a manufacturing order"):
            scrap.do_scrap()


@tagged("post_install", "-at_install")
class TestShipmentOtherMovements(BackflushCommon):
    """Under Shipment the finished goods account is never used, whatever moves the
    finished units: their material stays in RIP and their conversion in the applied
    account until they leave, so every movement is costed as a shipment or not at all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finished_categ.property_backflush_trigger = "shipment"
        cls.inventory_loss = cls.env["stock.location"].search(
            [("usage", "=", "inventory"), ("company_id", "in", (cls.company.id, False))],
            limit=1,
        )

    def setUp(self):
        super().setUp()
        self._receive(self.component_a, 50)
        self._receive(self.component_b, 25)
        self.production = self._make_mo(25)
        self._mark_done(self.production)

    def _adjustments(self):
        return self.env["mrp.backflush.posting"].search([("kind", "=", "adjustment")])

    def _count(self, quantity):
        quant = self.env["stock.quant"].search(
            [("product_id", "=", self.finished.id), ("location_id", "=", self.stock_location.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = quantity
        quant.action_apply_inventory()

    def assertBooksMatchTheFloor(self):
        check = self.env["mrp.backflush.reconciliation"].create({})
        self.assertTrue(check.is_balanced, check.status_message)

    def test_inventory_count_loss_leaves_rip_and_applied(self):
        self._count(22)
        posting = self._adjustments()
        self.assertEqual(len(posting), 1)
        entry = posting.move_id
        lines = entry.line_ids
        counterpart = lines.filtered(lambda line: line.backflush_kind == "output")
        self.assertAmount(counterpart.balance, 93.0, "3 units at 31.00 to the loss account")
        self.assertNotIn(self.fg, lines.account_id, "finished goods untouched")
        rip = sum(lines.filtered(lambda line: line.account_id == self.rip).mapped("balance"))
        self.assertAmount(rip, -57.0, "3 x 19 material out of RIP")
        applied = lines.filtered(lambda line: line.account_id == self.applied)
        self.assertAmount(applied.balance, -36.0, "3 x 12 conversion applied")
        self.assertFalse(self._balance(self.fg))
        self.assertBooksMatchTheFloor()

    def test_inventory_count_gain_and_vendor_receipt_put_material_back_in_rip(self):
        self._count(27)
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.stock_location.warehouse_id.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Bought finished units",
                            "product_id": self.finished.id,
                            "product_uom_qty": 4,
                            "product_uom": self.finished.uom_id.id,
                            "location_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": self.stock_location.id,
                        },
                    )
                ],
            }
        )
        receipt.action_confirm()
        self._validate(receipt, 4)
        postings = self._adjustments()
        self.assertEqual(len(postings), 2)
        self.assertFalse(self._balance(self.fg), "finished goods untouched")
        self.assertAmount(self._balance(self.rip), 25 * 19 + 6 * 19, "RIP holds 31 units")
        self.assertBooksMatchTheFloor()

    def test_a_bill_consuming_a_product_costed_at_shipment_is_refused(self):
        # Refused where the contradiction is made (tests/test_readiness.py has the rest).
        assembly = self._make_product("Assembly", self.components_categ, 40.0)
        with self.assertRaisesRegex(ValidationError, "costed by backflush when shipped"):
            self._make_bom(assembly, [(self.finished, 1)])
