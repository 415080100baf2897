from odoo import models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def _backflush_is_backflushed(self):
        self.ensure_one()
        return bool(self.production_id) and self.production_id._backflush_is_backflushed()

    def do_scrap(self):
        # stock: moves the scrapped quantity; its own valuation entry is suppressed for
        # backflushed orders (stock.move._backflush_replaces_entry) and replaced here.
        backflushed = self.filtered(lambda scrap: scrap._backflush_is_backflushed())
        backflushed.production_id._backflush_check_scrap_configuration()
        result = super().do_scrap()
        if backflushed and not self.env.context.get("backflush_scrap_batch"):
            backflushed._backflush_post_scrap()
        return result

    def _backflush_post_scrap(self, date=None):
        """Post one scrap entry and register record per order for these done scraps."""
        events = [
            production.with_company(production.company_id)._backflush_scrap_event(
                self.filtered(lambda scrap, mo=production: scrap.production_id == mo).with_company(
                    production.company_id
                ),
                date,
            )
            for production in self.production_id
        ]
        return self.env["mrp.backflush.posting"]._post_events(events)
