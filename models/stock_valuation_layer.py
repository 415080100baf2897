from odoo import models


class StockValuationLayer(models.Model):
    _inherit = "stock.valuation.layer"

    def _change_standart_price_accounting_entries(self, new_price):
        # stock_account posts the revaluation of a standard price change to the
        # product's valuation account. Under the shipment trigger finished goods are not
        # in the ledger (their material stays in RIP until delivered), so that entry
        # would leave a balance on finished goods that nothing clears; the valuation
        # layer still records the new value.
        shipment_layers = self.filtered(lambda layer: layer._backflush_is_shipment_product())
        return super(
            StockValuationLayer, self - shipment_layers
        )._change_standart_price_accounting_entries(new_price)

    def _backflush_is_shipment_product(self):
        self.ensure_one()
        product = self.product_id.with_company(self.company_id)
        return product.categ_id._backflush_trigger() == "shipment" and bool(
            product._backflush_bom()
        )
