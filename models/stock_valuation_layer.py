from odoo import models

from .internal_context import INTERIM_ONLY, LOT_SWAP, StandardChanges, own_context


class StockValuationLayer(models.Model):
    _inherit = "stock.valuation.layer"

    def _validate_accounting_entries(self):
        # stock_account: turns layers into Odoo's per-move entries, then reconciles the
        # interim accounts of the moves. Shipment-costed deliveries and returns are posted
        # first by backflush's one posting path (stock.move._account_entry_move gives
        # Odoo nothing for them), so that super() reconciles their entries as Odoo's own.
        if not INTERIM_ONLY.is_on(self):
            shipment_layers = own_context(
                self.filtered(lambda layer: layer._backflush_is_shipment_layer())
            )
            shipment_layers.stock_move_id._backflush_post_shipments(shipment_layers)
        # The layers of a backflushed order's moves get no entry of Odoo's (see
        # stock.move._account_entry_move) and have none to reconcile: super() would
        # still read accounts and look for related items per layer and product, a cost
        # that grows with the bill of materials. They are posted by the completion.
        replaced = self.filtered(lambda layer: layer._backflush_is_production_layer())
        return super(StockValuationLayer, self - replaced)._validate_accounting_entries()

    def _backflush_is_production_layer(self):
        """A layer of a component, finished or by-product move of a backflushed order."""
        self.ensure_one()
        move = self.stock_move_id
        production = move.raw_material_production_id or move.production_id
        return bool(production) and production._backflush_is_backflushed()

    def _backflush_is_shipment_layer(self):
        """A layer of a delivery or return that backflush costs, with a value to post."""
        self.ensure_one()
        if LOT_SWAP.is_on(self) or self.currency_id.is_zero(self.value):
            return False
        move = self.stock_move_id.with_company(self.company_id)
        return bool(move) and bool(move._backflush_shipment_direction())

    def _change_standart_price_accounting_entries(self, new_price):
        # stock_account posts the revaluation of a standard price change to the
        # product's valuation account. Under the shipment trigger finished goods are not
        # in the ledger (their material stays in RIP until delivered), so that entry
        # would leave a balance on finished goods that nothing clears; the valuation
        # layer still records it. A standard cost update posts the others in its one
        # entry, on its date and revaluation account, instead of one entry per layer
        # (mrp.backflush.standard.update.post._post_now).
        shipment_layers = self.filtered(
            lambda layer: layer.product_id.with_company(
                layer.company_id
            )._backflush_is_shipment_costed()
        )
        changes = StandardChanges.of(self)
        if changes is not None:
            changes.layer_ids.extend(self.ids)
            changes.posted_layer_ids.extend((self - shipment_layers).ids)
            return None
        return super(
            StockValuationLayer, self - shipment_layers
        )._change_standart_price_accounting_entries(new_price)
