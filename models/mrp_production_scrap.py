"""Scrap against a backflushed order: Odoo's Scrap button and the Record Scrap /
Variance wizard cost it through here, at standard, in one entry per event."""

from odoo import models

from ..costing import (
    EVENT_SCRAP,
    NO_ENTRY,
    NO_FIGURES,
    Event,
    Scrap,
    ScrappedComponent,
    ScrappedFinished,
    scrap_entry,
    summarize,
    to_decimal,
)


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _backflush_scrap_entry(self, items, standard=None):
        """The scrap entry of ``items`` of this order (see _backflush_scrap_value)."""
        self.ensure_one()
        scrap = self._backflush_scrap_value(items, standard)
        return self.env["mrp.backflush.posting.path"]._costing(self.name, scrap_entry, scrap)

    def _backflush_scrap_value(self, items, standard=None):
        """The costing Scrap of ``items`` of this order: ``{product: (quantity in its UoM,
        Decimal value its layers took out or None)}``. ``standard``: the finished
        product's UnitStandard to credit under Shipment (a queued scrap keeps the one of
        its event); by default today's. Accounts are read now."""
        self.ensure_one()
        trigger = self._backflush_trigger()
        category = self.product_id.categ_id
        components, finished = [], []
        for product, (quantity, value) in items.items():
            product = product.with_company(self.company_id)
            if product == self.product_id:
                finished.append(
                    self._backflush_scrapped_finished(to_decimal(quantity), value, standard)
                )
                continue
            components.append(
                product._backflush_valued(
                    ScrappedComponent,
                    quantity,
                    value,
                    of_order=product in self.move_raw_ids.product_id,
                )
            )
        return Scrap(
            trigger=trigger,
            components=tuple(components),
            finished=tuple(finished),
            scrap_variance_account=category.property_backflush_scrap_variance_account_id.id,
            rounding=to_decimal(self.company_id.currency_id.rounding),
            clearing_account=category.property_backflush_clearing_account_id.id or None,
        )

    def _backflush_scrapped_finished(self, quantity, value=None, standard=None):
        product = self.product_id
        category = product.categ_id
        if standard is None:
            standard = product._backflush_unit_standard(self.bom_id)
        else:  # a queued event's standard, on today's accounts
            standard = self.env["product.product"]._backflush_fresh_standard(standard)
        return ScrappedFinished(
            product=product.id,
            quantity=quantity,
            unit_price=to_decimal(product.standard_price),
            account=category.property_stock_valuation_account_id.id,
            standard=standard,
            conversion_account=category.property_backflush_conversion_account_id.id,
            value=value,
        )

    def _backflush_scrap_event(self, scraps, date=None, standard=None, queued=False):
        """The event of ``scraps`` (done, of this order): one entry for all of them.

        ``standard``: see _backflush_scrap_value. ``queued``: the event without its entry,
        for a posting that cannot be made now.
        """
        self.ensure_one()
        moves = scraps.move_ids.filtered(
            lambda move: move.state == "done" and move.product_id.is_storable
        )
        items = self._backflush_stock_totals(moves)
        if queued:
            entry, summary = NO_ENTRY, NO_FIGURES
        else:
            entry = self._backflush_scrap_entry(items, standard)
            summary = summarize(entry)
        finished_quantity = items.get(self.product_id, (0.0, None))[0]
        return Event(
            key="scrap:" + ",".join(str(scrap_id) for scrap_id in sorted(scraps.ids)),
            kind=EVENT_SCRAP,
            company=self.company_id.id,
            name=", ".join(scraps.mapped("name")),
            ref=self.env._("%(order)s - Backflush scrap", order=self.name),
            entry=entry,
            summary=summary,
            quantity=to_decimal(finished_quantity),
            date=date,
            trigger=self._backflush_trigger(),
            product=self.product_id.id,
            production=self.id,
            scraps=tuple(scraps.ids),
            valuation_layers=tuple(moves.sudo().stock_valuation_layer_ids.ids),
            reason=", ".join(scraps.scrap_reason_tag_ids.sorted("name").mapped("name")) or None,
        )

    def _backflush_blocked_scraps(self):
        """{order id: what is missing} for the orders whose scrap cannot be posted now and
        whose company queues such postings; raises for those whose company stops."""
        return self._backflush_blocked(
            self.env["mrp.backflush.readiness"]._completion_problems,
            self.env._("the scrap of %s"),
        )

    def _backflush_scrappable_products(self):
        """The stored products whose scrap against this order is costed at standard."""
        self.ensure_one()
        return (self.move_raw_ids.product_id | self.product_id).filtered("is_storable")

    def _backflush_finished_left_to_scrap(self):
        """Finished units produced by this order and not scrapped or unbuilt yet (its UoM)."""
        self.ensure_one()
        # sudo: an accountant may not read scraps and unbuilds; only counted here.
        production = self.sudo()
        product = production.product_id
        produced = production.product_uom_id._compute_quantity(
            production.qty_produced, product.uom_id, round=False
        )
        scrapped = sum(
            scrap.product_uom_id._compute_quantity(scrap.scrap_qty, product.uom_id, round=False)
            for scrap in production.scrap_ids
            if scrap.state == "done" and scrap.product_id == product
        )
        unbuilt = sum(
            unbuild.product_uom_id._compute_quantity(
                unbuild.product_qty, product.uom_id, round=False
            )
            for unbuild in production.unbuild_ids
            if unbuild.state == "done"
        )
        return produced - scrapped - unbuilt

    def action_open_backflush_variance_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.mrp_backflush_variance_wizard_action"
        )
        action["context"] = {"default_production_id": self.id}
        return action
