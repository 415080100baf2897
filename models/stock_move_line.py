from odoo import models
from odoo.exceptions import UserError


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _create_correction_svl(self, move, diff):
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
