from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _backflush_is_rework_part(self):
        """A part move of a repair that backflush costs (a repair of a product under a
        trigger) whose part Odoo values in an entry: storable, automated valuation.
        Odoo values the other parts in no entry, and so does backflush."""
        self.ensure_one()
        if not (self.repair_id and self.repair_line_type):
            return False
        part = self.product_id.with_company(self.company_id)
        return (
            part.is_storable
            and part.categ_id.property_valuation == "real_time"
            and self.repair_id._backflush_reworks()
        )

    def _backflush_replaces_entry(self):
        # mrp_backflush: the part moves of a reworked repair are posted by the repair's
        # one rework entry (repair.order._backflush_post_reworks), not by Odoo's per-move
        # entry to the production account (mrp_account's stock.move._get_dest_account).
        return super()._backflush_replaces_entry() or self._backflush_is_rework_part()

    def _backflush_shipment_direction(self):
        # A Shipment-costed product fitted as a part is costed by the rework, not as a
        # stock adjustment of its own.
        if self._backflush_is_rework_part():
            return None
        return super()._backflush_shipment_direction()
