from odoo.tests import tagged

from .tour_common import BackflushTourCommon

# A standard administrator as Community makes one: Settings and each app's administrator,
# without account.group_account_readonly / account.group_account_user.
COMMUNITY_ADMIN_GROUPS = (
    "base.group_system,base.group_partner_manager,mrp.group_mrp_manager,"
    "stock.group_stock_manager,account.group_account_manager,sales_team.group_sale_manager"
)


@tagged("post_install", "-at_install")
class TestBackflushAdminTour(BackflushTourCommon):
    def test_admin_configures_a_category_and_product_and_rolls_up(self):
        admin = self._user("bf_tour_admin", COMMUNITY_ADMIN_GROUPS)
        self.assertFalse(admin.has_group("account.group_account_readonly"))
        self.assertTrue(admin.has_group("account.group_account_manager"))
        self._account("BFT.FG", "BFT Finished Stock", "asset_current")
        self._account("BFT.APP", "BFT Applied")
        self._account("BFT.USE", "BFT Usage")
        self._account("BFT.SCR", "BFT Scrap")
        self._account("BFT.PRV", "BFT Production")
        self.env["product.product"].create(
            {"name": "BFT Component", "is_storable": True, "standard_price": 7.0}
        )

        routed = self._routed_done_order("BFR", 75)

        self.start_tour("/odoo", "mrp_backflush_admin_tour", login=admin.login)

        self.assertEqual(routed.workorder_ids.duration, 75.0, "the tour only read the order")

        category = self.env["product.category"].search([("name", "=", "BFT Finished Goods")])
        self.assertEqual(category.property_backflush_trigger, "shipment")
        self.assertEqual(category.property_backflush_conversion_account_id.code, "BFT.APP")
        self.assertEqual(category.property_backflush_usage_variance_account_id.code, "BFT.USE")
        self.assertEqual(category.property_backflush_scrap_variance_account_id.code, "BFT.SCR")
        self.assertEqual(category.property_backflush_production_variance_account_id.code, "BFT.PRV")
        self.assertEqual(category.property_stock_valuation_account_id.code, "BFT.FG")
        product = self.env["product.product"].search([("name", "=", "BFT Widget")])
        self.assertEqual(product.categ_id, category)
        self.assertEqual(product.backflush_conversion_cost, 12.0)
        self.assertEqual(product.standard_price, 19.0)  # 1 x 7.00 material + 12.00 conversion
