from odoo import models
from odoo.exceptions import UserError


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def _backflush_is_backflushed(self):
        self.ensure_one()
        return bool(self.production_id) and self.production_id._backflush_is_backflushed()

    def do_scrap(self):
        # stock: moves the scrapped quantity; its own valuation entry is suppressed for
        # backflushed orders (stock.move._backflush_replaces_entry) and replaced here.
        self._backflush_refuse_unattached_shipment_scrap()
        backflushed = self.filtered(lambda scrap: scrap._backflush_is_backflushed())
        backflushed.production_id._backflush_check_scrap_configuration()
        result = super().do_scrap()
        if backflushed and not self.env.context.get("backflush_scrap_batch"):
            backflushed._backflush_post_scrap()
        return result

    def _backflush_refuse_unattached_shipment_scrap(self):
        """Under the shipment trigger finished units are not in the ledger: Odoo's scrap
        entry would credit finished goods. They are scrapped against an order instead."""
        for scrap in self.filtered(lambda scrap: not scrap.production_id):
            product = scrap.product_id.with_company(scrap.company_id)
            if product._backflush_is_shipment_costed():
                raise UserError(
                    self.env._(
                        "%(product)s is costed by backflush when shipped, so its units in "
                        "stock are not in the finished goods account. Scrap them from a "
                        "manufacturing order that made them (Scrap, or Record scrap / "
                        "variance), so that RIP and Conversion Costs Applied are relieved.",
                        product=product.display_name,
                    )
                )

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
