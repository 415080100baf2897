import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..costing import (
    EVENT_REVALUATION,
    TRIGGER_SHIPMENT,
    ZERO,
    CostingError,
    Event,
    FinishedOnHand,
    revaluation_entry,
    to_decimal,
)


class MrpBackflushRevaluation(models.AbstractModel):
    """A change of standard revalued where Odoo does not revalue it.

    Odoo revalues a product's own units on hand when its standard price changes
    (stock_account product.product.write -> _change_standard_price). Under the shipment
    trigger the material of finished units on hand stays in RIP and in the account of
    each sub-assembly they hold, at the standards their shipment will relieve: this posts
    the change of that material, in the same transaction, as one entry of the backflush
    journal with a register record of kind Revaluation (costing.revaluation)."""

    _name = "mrp.backflush.revaluation"
    _description = "Backflush Revaluation of a Change of Standard"

    @api.model
    def _used_in_boms(self, products):
        """Those of ``products`` on a bill of materials (one query for them all): the
        others can be held by no finished unit."""
        if not products:
            return products
        lines = self.env["mrp.bom.line"].sudo().search([("product_id", "in", products.ids)])
        return products & lines.product_id

    @api.model
    def _holders(self, product):
        """The products costed at shipment in the current company whose unit standard
        holds ``product``: on their bill of materials, or in a kit on it."""
        Line = self.env["mrp.bom.line"].sudo()
        found, kits, seen = self.env["product.product"], product, set()
        while kits:
            seen |= set(kits.ids)
            boms = Line.search([("product_id", "in", kits.ids)]).bom_id
            kit_boms = boms.filtered(lambda bom: bom.type == "phantom")
            for bom in boms - kit_boms:
                found |= bom.product_id or bom.product_tmpl_id.product_variant_ids
            kit_products = kit_boms.product_id | kit_boms.product_tmpl_id.product_variant_ids
            kits = kit_products.browse([kit.id for kit in kit_products if kit.id not in seen])
        # product._backflush_is_shipment_costed, with one search of bills for them all.
        company = self.env.company
        shipment = (
            found.sudo()
            .with_company(company)
            .filtered(lambda holder: holder.categ_id._backflush_trigger() == TRIGGER_SHIPMENT)
        )
        boms = (
            self.env["mrp.bom"].sudo()._bom_find(shipment, bom_type="normal", company_id=company.id)
        )
        return shipment.filtered(lambda holder: boms.get(holder))

    @api.model
    def _held_standards(self, holders, *price_sets):
        """``[(holder, UnitStandard)]`` as the standards are now, or one such list per
        map of ``price_sets`` ({product id: standard}, a standard cost update's new
        standards): the holders' bills and their kits are found once for them all.
        Holders whose standard cannot be computed are left out (the Reconciliation Check
        names them)."""
        company = self.env.company
        boms = (
            self.env["mrp.bom"].sudo()._bom_find(holders, bom_type="normal", company_id=company.id)
        )
        made = holders.filtered(lambda holder: boms.get(holder))
        kits = (
            self.env["mrp.backflush.standard.rollup"]
            .sudo()
            ._kits_of(made, [boms[holder] for holder in made], company)
        )
        results = []
        for prices in price_sets or (None,):
            standards = []
            for holder in made:
                try:
                    standard = holder._backflush_unit_standard(
                        boms[holder], prices=prices, kits=kits
                    )
                except (UserError, CostingError):
                    continue
                standards.append((holder, standard))
            results.append(standards)
        return results if price_sets else results[0]

    @api.model
    def _revalue(self, product, holders, standards_before, old_price):
        """Post the revaluation of ``product``'s change of standard from ``old_price``:
        ``holders`` and their ``standards_before`` were read before it. Returns the
        register record, or None when nothing held moves."""
        company = self.env.company
        Books = self.env["mrp.backflush.books"].sudo().with_company(company)
        # A change of price moves no quantity: the units on hand are read once.
        held_before = Books._finished_on_hand(
            company, fields.Date.context_today(self), standards_before
        )
        standard_after = {holder.id: standard for holder, standard in self._held_standards(holders)}
        # A holder whose standard cannot be computed on either side is left out of both.
        held_before = [item for item in held_before if item.product in standard_after]
        held_after = [
            FinishedOnHand(item.product, item.quantity, standard_after[item.product])
            for item in held_before
        ]
        result = revaluation_entry(
            held_before,
            held_after,
            self._revaluation_account(product).id or None,
            to_decimal(company.currency_id.rounding),
        )
        if not result.entry.lines:
            return None
        event = self._event(product, old_price, result)
        return self.env["mrp.backflush.posting.path"]._post_events([event])

    @api.model
    def _revaluation_account(self, product):
        """The company's Standard Cost Revaluation account, else Odoo's own counterpart of
        a standard price change: the product's expense account."""
        account = self.env.company.backflush_revaluation_account_id
        if not account:
            account = product.product_tmpl_id.get_product_accounts()["expense"]
        if not account:
            raise UserError(
                self.env._(
                    "Changing the standard of %(product)s revalues the material held for "
                    "finished units on hand costed at shipment, and no account takes the "
                    "difference: set the Standard Cost Revaluation account (Settings > "
                    "Manufacturing > Backflush Costing) or an expense account on its "
                    "category.",
                    product=product.display_name,
                )
            )
        return account

    @api.model
    def _event(self, product, old_price, result):
        new_price = product.standard_price
        name = self.env._(
            "Revaluation %(product)s: %(old)s -> %(new)s",
            product=product.display_name,
            old=product._backflush_amount(old_price),
            new=product._backflush_amount(new_price),
        )
        note = self.env._(
            "The standard of %(product)s changed from %(old)s to %(new)s: the material held "
            "for the finished units on hand costed at shipment moves by %(amount)s.",
            product=product.display_name,
            old=product._backflush_amount(old_price),
            new=product._backflush_amount(new_price),
            amount=product._backflush_amount(result.difference),
        )
        return Event(
            # A change of standard has no record of its own to key on: one key per change.
            key=f"{EVENT_REVALUATION}:{self.env.company.id}:{product.id}:{uuid.uuid4().hex}",
            kind=EVENT_REVALUATION,
            company=self.env.company.id,
            name=name,
            ref=name,
            entry=result.entry,
            summary=result.summary,
            quantity=ZERO,
            date=fields.Date.context_today(self),
            trigger=TRIGGER_SHIPMENT,
            product=product.id,
            note=note,
        )
