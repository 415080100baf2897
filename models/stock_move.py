from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _backflush_replaces_entry(self):
        """Whether backflush costing posts this move's value instead of Odoo's per-move entry.

        True for the component and finished (and by-product) moves of a manufacturing order
        whose finished product is under a backflush trigger. Scrap moves are not.
        """
        self.ensure_one()
        production = self.raw_material_production_id or self.production_id
        if not production or self.scrapped:
            return False
        return production._backflush_is_backflushed()

    def _account_entry_move(self, qty, description, svl_id, cost):
        # stock_account: the single gate through which every per-move valuation entry is
        # built (first posting, correction layers, FIFO vacuum). The valuation layer is kept.
        if self._backflush_replaces_entry():
            return []
        return super()._account_entry_move(qty, description, svl_id, cost)
