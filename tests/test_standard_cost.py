from odoo.tests import tagged

from .common import BackflushCommon


@tagged("post_install", "-at_install")
class TestStandardCost(BackflushCommon):
    def test_kit_component_and_other_uom(self):
        """P2 = 1 kit K (1 A + 1 B) + 500 g of C (C is kept in kg at 4.00/kg)."""
        uom_gram = self.env.ref("uom.product_uom_gram")
        uom_kg = self.env.ref("uom.product_uom_kgm")
        component_c = self._make_product(
            "Component C", self.components_categ, 4.0, uom_id=uom_kg.id, uom_po_id=uom_kg.id
        )
        kit = self.env["product.product"].create(
            {"name": "Kit K", "is_storable": False, "categ_id": self.components_categ.id}
        )
        self._make_bom(kit, [(self.component_a, 1), (self.component_b, 1)], bom_type="phantom")
        finished = self._make_product(
            "Finished P2", self.finished_categ, 16.0, backflush_conversion_cost=2.0
        )
        bom = self._make_bom(
            finished, [(kit, 1), (component_c, 500, {"product_uom_id": uom_gram.id})]
        )
        standard = finished._backflush_unit_standard(bom)
        self.assertEqual(standard.material_per_unit, 14)  # 7 + 5 + 0.5 kg x 4
        self.assertEqual(standard.conversion_per_unit, 2)

        self._receive(self.component_a, 10)
        self._receive(self.component_b, 10)
        self._receive(component_c, 10)
        production = self._make_mo(10, bom=bom)
        self._mark_done(production)

        entry = self._backflush_entries(production)
        # FG 10 x 16 = 160; RIP 10 x 14 = 140; applied 10 x 2 = 20.
        self.assertEntryBalances(entry, {self.fg: 160.0, self.rip: -140.0, self.applied: -20.0})
        # One journal item on RIP; the detail per component is in the posting's layers.
        material_line = entry.line_ids.filtered(lambda line: line.account_id == self.rip)
        self.assertEqual(len(material_line), 1)
        self.assertIn("3 products", material_line.name)
        posting = production.backflush_posting_ids
        self.assertEqual(
            posting.valuation_layer_ids.product_id,
            self.component_a | self.component_b | component_c | finished,
        )

    def test_conversion_from_operations_and_roll_up(self):
        workcenter = self.env["mrp.workcenter"].create(
            {"name": "Assembly", "costs_hour": 60.0, "time_efficiency": 100.0}
        )
        self.finished.backflush_conversion_cost = 0.0
        self.bom.operation_ids = [
            (0, 0, {"name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 12.0})
        ]
        self.finished.standard_price = 1.0

        self.finished.product_tmpl_id.action_backflush_roll_up()

        # 2 x 7 + 1 x 5 = 19 material; 12 minutes at 60/hour = 12 conversion.
        self.assertEqual(self.finished.standard_price, 31.0)
        standard = self.finished._backflush_unit_standard(self.bom)
        self.assertEqual(standard.conversion_per_unit, 12)

    def test_roll_up_needs_a_bom(self):
        with self.assertRaisesRegex(Exception, "bill of materials"):
            self.component_a.action_backflush_roll_up()
