from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .tour_common import BackflushTourCommon


@tagged("post_install", "-at_install")
class TestBackflushOperatorTour(BackflushTourCommon):
    def test_operator_produces_with_a_backorder_and_marks_done(self):
        operator = self._user("bf_tour_operator", "mrp.group_mrp_user,stock.group_stock_user")
        self.assertFalse(operator.has_group("account.group_account_invoice"))
        self.assertFalse(operator.has_group("mrp.group_mrp_manager"))
        journal = self.env["account.journal"].create(
            {"name": "Stock (tour)", "code": "BFOS", "type": "general"}
        )
        rip = self._account("BFO.RIP", "BFO RIP", "asset_current")
        fg = self._account("BFO.FG", "BFO Finished", "asset_current")
        common = {
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_journal": journal.id,
            "property_stock_account_input_categ_id": self._account(
                "BFO.IN", "BFO In", "asset_current"
            ).id,
            "property_stock_account_output_categ_id": self._account(
                "BFO.OUT", "BFO Out", "asset_current"
            ).id,
        }
        components = self.env["product.category"].create(
            {"name": "BFO Components", "property_stock_valuation_account_id": rip.id, **common}
        )
        finished = self.env["product.category"].create(
            {
                "name": "BFO Finished",
                "property_stock_valuation_account_id": fg.id,
                "property_backflush_trigger": "completion",
                "property_backflush_conversion_account_id": self._account("BFO.APP", "A").id,
                "property_backflush_usage_variance_account_id": self._account("BFO.USE", "U").id,
                "property_backflush_scrap_variance_account_id": self._account("BFO.SCR", "S").id,
                "property_backflush_production_variance_account_id": self._account(
                    "BFO.PRV", "P"
                ).id,
                **common,
            }
        )
        component = self.env["product.product"].create(
            {
                "name": "BFO Part",
                "is_storable": True,
                "categ_id": components.id,
                "standard_price": 7.0,
            }
        )
        gadget = self.env["product.product"].create(
            {
                "name": "BFT Gadget",
                "is_storable": True,
                "categ_id": finished.id,
                "standard_price": 26.0,
                "backflush_conversion_cost": 12.0,
            }
        )
        # A routed plant (Manufacturing > Work Orders on), the normal case of a plant
        # that costs conversion: one operation, time logged on its work order.
        self.env.ref("base.group_user").implied_ids |= self.env.ref("mrp.group_mrp_routings")
        workcenter = self.env["mrp.workcenter"].create({"name": "BFO Cell", "costs_hour": 60.0})
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": gadget.product_tmpl_id.id,
                "product_qty": 1.0,
                "bom_line_ids": [Command.create({"product_id": component.id, "product_qty": 2})],
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Assemble",
                            "workcenter_id": workcenter.id,
                            "time_cycle_manual": 12,
                        }
                    )
                ],
            }
        )
        self.env["stock.quant"].with_context(inventory_mode=True).create(
            {
                "product_id": component.id,
                "location_id": self.stock_location.id,
                "inventory_quantity": 20,
            }
        ).action_apply_inventory()
        production = self.env["mrp.production"].create(
            {
                "name": "BFO/MO/0001",
                "product_id": gadget.id,
                "bom_id": bom.id,
                "product_qty": 10,
                "user_id": operator.id,
            }
        )
        production.action_confirm()
        self.assertFalse(production.backflush_configuration_warning)
        now = fields.Datetime.now()
        self.env["mrp.workcenter.productivity"].create(
            {
                "workorder_id": production.workorder_ids.id,
                "workcenter_id": workcenter.id,
                "loss_id": self.env.ref("mrp.block_reason7").id,  # Productive
                "date_start": now - timedelta(minutes=45),
                "date_end": now,
            }
        )

        self.start_tour("/odoo", "mrp_backflush_operator_tour", login=operator.login)

        orders = production.procurement_group_id.mrp_production_ids
        self.assertEqual(orders.mapped("state"), ["done", "done"])
        self.assertEqual(sorted(orders.mapped("qty_produced")), [4.0, 6.0])
        postings = orders.backflush_posting_ids
        self.assertEqual(len(postings), 2)
        self.assertEqual(set(postings.mapped("state")), {"posted"})
        # 10 x (2 x 7.00 material + 12.00 conversion) = 260.00 into finished goods
        lines = postings.move_id.line_ids

        def balance(account):
            return sum(lines.filtered(lambda line: line.account_id == account).mapped("balance"))

        self.assertAlmostEqual(balance(fg), 260.0)
        self.assertAlmostEqual(balance(rip), -140.0)
