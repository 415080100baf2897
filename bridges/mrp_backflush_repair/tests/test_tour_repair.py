from odoo import Command
from odoo.tests import tagged

from odoo.addons.mrp_backflush.tests.tour_common import BackflushTourCommon


@tagged("post_install", "-at_install")
class TestBackflushRepairTour(BackflushTourCommon):
    def test_repair_user_reworks_a_unit(self):
        """The user who repairs (Inventory / User, no accounting, no manufacturing)
        confirms, starts and ends the repair of a backflushed unit in the browser; the
        rework entry is posted for them and named in the repair's chatter."""
        repairer = self._user("bf_tour_repairer", "stock.group_stock_user")
        self.assertFalse(repairer.has_group("account.group_account_invoice"))
        self.assertFalse(repairer.has_group("mrp.group_mrp_user"))
        rip = self._account("BFR.RIP", "BFR RIP", "asset_current")
        rework = self._account("BFR.RWK", "BFR Rework variance")
        common = {
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_account_input_categ_id": self._account(
                "BFR.IN", "BFR In", "asset_current"
            ).id,
            "property_stock_account_output_categ_id": self._account(
                "BFR.OUT", "BFR Out", "asset_current"
            ).id,
        }
        parts = self.env["product.category"].create(
            {"name": "BFR Parts", "property_stock_valuation_account_id": rip.id, **common}
        )
        finished = self.env["product.category"].create(
            {
                "name": "BFR Finished",
                "property_stock_valuation_account_id": self._account(
                    "BFR.FG", "BFR Finished", "asset_current"
                ).id,
                "property_backflush_trigger": "completion",
                "property_backflush_conversion_account_id": self._account("BFR.APP", "A").id,
                "property_backflush_usage_variance_account_id": self._account("BFR.USE", "U").id,
                "property_backflush_scrap_variance_account_id": self._account("BFR.SCR", "S").id,
                "property_backflush_production_variance_account_id": self._account(
                    "BFR.PRV", "P"
                ).id,
                "property_backflush_rework_variance_account_id": rework.id,
                **common,
            }
        )
        motor = self.env["product.product"].create(
            {"name": "BFR Motor", "is_storable": True, "categ_id": parts.id, "standard_price": 5}
        )
        gadget = self.env["product.product"].create(
            {
                "name": "BFR Gadget",
                "is_storable": True,
                "categ_id": finished.id,
                "standard_price": 31,
            }
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": gadget.product_tmpl_id.id,
                "bom_line_ids": [Command.create({"product_id": motor.id, "product_qty": 1})],
            }
        )
        for product in (motor, gadget):
            self.env["stock.quant"].with_context(inventory_mode=True).create(
                {
                    "product_id": product.id,
                    "location_id": self.stock_location.id,
                    "inventory_quantity": 3,
                }
            ).action_apply_inventory()
        repair = self.env["repair.order"].create({"product_id": gadget.id, "product_qty": 1})
        self.env["stock.move"].create(
            {
                "repair_id": repair.id,
                "repair_line_type": "add",
                "product_id": motor.id,
                "product_uom_qty": 1,
            }
        )
        self.start_tour("/odoo", "mrp_backflush_repair_tour", login=repairer.login)
        self.assertEqual(repair.state, "done")
        posting = self.env["mrp.backflush.posting"].search([("repair_id", "=", repair.id)])
        self.assertEqual((posting.kind, posting.state), ("rework", "posted"))
        currency = self.company.currency_id
        balances = {line.account_id: line.balance for line in posting.move_id.line_ids}
        self.assertEqual(set(balances), {rip, rework})
        self.assertEqual(currency.compare_amounts(balances[rip], -5.0), 0)
        self.assertEqual(currency.compare_amounts(balances[rework], 5.0), 0)
