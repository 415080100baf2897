from odoo import models
from odoo.exceptions import UserError

from .internal_context import LOT_SWAP


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def write(self, vals):
        # stock_account revalues a lot change as -quantity then +quantity: for products
        # not valued by lot the value does not change, so it is let through below.
        lot_swap = ("lot_id" in vals or "quant_id" in vals) and "quantity" not in vals
        if lot_swap and not any(self.product_id.mapped("lot_valuated")):
            self = LOT_SWAP.on(self)
        return super().write(vals)

    def _create_correction_svl(self, move, diff):
        if LOT_SWAP.is_on(self):
            return super()._create_correction_svl(move, diff)
        if move._backflush_shipment_direction():
            raise UserError(
                self.env._(
                    "%(transfer)s was costed by backflush when it left or entered stock, so "
                    "its done quantity can no longer be changed. Move the difference with a "
                    "new transfer (a return, a delivery or an inventory adjustment) instead.",
                    transfer=move.picking_id.display_name or move.reference,
                )
            )
        # stock_account calls this when the quantity or lot of a done move changes
        # (an unlocked done order being edited). Backflush already posted the completion
        # from the original quantities, so a silent correction would leave the ledger
        # out of line with the stock valuation.
        if move._backflush_replaces_entry():
            production = move.raw_material_production_id or move.production_id
            raise UserError(
                self.env._(
                    "Manufacturing order %(order)s was costed by backflush when it was "
                    "completed, so its done quantities can no longer be changed. Unbuild the "
                    "finished units, or record the difference as scrap, instead.",
                    order=production.display_name,
                )
            )
        return super()._create_correction_svl(move, diff)
