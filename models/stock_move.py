from decimal import Decimal

from odoo import fields, models
from odoo.exceptions import UserError

from ..costing import (
    EVENT_ADJUSTMENT,
    EVENT_REVERSAL,
    EVENT_SHIPMENT,
    NO_ENTRY,
    NO_FIGURES,
    OUTPUT,
    TRIGGER_SHIPMENT,
    CostingError,
    Event,
    Shipment,
    ShipmentAccounts,
    retarget,
    reversal_entry,
    shipment_entry,
    summarize,
    to_decimal,
)
from .internal_context import INTERIM_ONLY


class StockMove(models.Model):
    _inherit = "stock.move"

    def _backflush_replaces_entry(self):
        """Whether backflush costing posts this move's value instead of Odoo's per-move entry.

        True for the component, finished and by-product moves of a manufacturing order
        whose finished product is under a backflush trigger, and for the moves of an
        unbuild that backflush mirrors, and the scrap moves of such an order.
        """
        self.ensure_one()
        if self.scrapped:
            # Scrap of a backflushed order is posted by stock.scrap._backflush_post_scrap.
            scrap = self.scrap_id
            return bool(scrap) and scrap._backflush_is_backflushed()
        production = self.raw_material_production_id or self.production_id
        if production:
            return production._backflush_is_backflushed()
        if self.unbuild_id:
            return self.unbuild_id._backflush_mirrors()
        return False

    def _backflush_shipment_direction(self):
        """How this move of a product costed at shipment enters or leaves the company's
        stock, when backflush costs it instead of Odoo: ``delivery`` and ``return`` (with
        a customer), ``out`` and ``in`` (any other valued movement: an inventory count, a
        vendor receipt or return, a transfer to another company). None for every other
        move: other products, manufacturing and unbuild moves, scrap, internal transfers
        and dropships (which Odoo does not value in stock).

        Under Shipment the finished units on hand are not in the finished goods account:
        their material stays in RIP and their conversion is not applied yet, so each of
        these movements takes them out of (or puts them into) RIP and Conversion Costs
        Applied at standard instead of the finished goods account.
        """
        self.ensure_one()
        if self.raw_material_production_id or self.production_id or self.unbuild_id:
            return None
        if self.scrapped:
            return None  # refused outside an order (stock.scrap), costed with it inside
        # The product first: this runs for every valued move of every product.
        if not self.product_id.with_company(self.company_id)._backflush_is_shipment_costed():
            return None
        is_out, is_in = self._is_out(), self._is_in()
        if not (is_out or is_in):
            return None
        if is_out:
            return "delivery" if self.location_dest_id.usage == "customer" else "out"
        return "return" if self.location_id.usage == "customer" else "in"

    def _account_entry_move(self, qty, description, svl_id, cost):
        # stock_account: the single gate through which every per-move valuation entry is
        # built (first posting, correction layers, FIFO vacuum). The valuation layer is
        # kept; backflush posts these moves itself (shipments: see
        # stock.valuation.layer._validate_accounting_entries).
        if self._backflush_replaces_entry() or self._backflush_shipment_direction():
            return []
        return super()._account_entry_move(qty, description, svl_id, cost)

    # ------------------------------------------------------------------
    # Shipment trigger: Odoo's delivery entry is kept (its debit on the stock output
    # account and its link to the move, which the customer invoice's COGS line
    # reconciles against) and only its finished-goods side is redirected to RIP and
    # Conversion Costs Applied.
    # ------------------------------------------------------------------

    def _backflush_post_shipments(self, layers):
        """Post the event of each of ``layers`` of these moves (see
        _backflush_shipment_direction): a shipment, a return or an adjustment; queue it
        when it cannot be posted now, defer it when the company posts in batches."""
        events, queued, deferred = [], [], []
        standards = {}
        for layer in layers:
            move = layer.stock_move_id.with_company(layer.company_id)
            if layer.company_id.backflush_posting_mode == "deferred":
                skeleton, pending, _problems, _origin = move._backflush_queued_shipment(
                    layer, None, standards
                )
                deferred.append((skeleton, pending))
                continue
            problems = self.env["mrp.backflush.readiness"]._shipment_problems(move)
            if problems and layer.company_id.backflush_blocked_posting == "queue":
                queued.append(move._backflush_queued_shipment(layer, problems, standards))
            else:
                events.append(move._backflush_shipment_event(layer))
        Queue = self.env["mrp.backflush.queue"]
        Queue._queue(queued)
        Queue._defer(deferred)
        return self.env["mrp.backflush.posting.path"]._post_events([e for e in events if e])

    def _backflush_queued_shipment(self, layer, problems, standards=None):
        """What the queue keeps of ``layer``'s event, which is not posted now: the event
        without its entry, the product's standard of the day, and the transfer (or
        product) whose chatter says why (``problems``). ``standards``: a cache
        {(product id, company id): UnitStandard or None} shared by the layers of one
        validation."""
        self.ensure_one()
        product = self.product_id
        standards = {} if standards is None else standards
        key = (product.id, self.company_id.id)
        if key not in standards:
            try:
                standards[key] = product._backflush_unit_standard(product._backflush_bom())
            except (UserError, CostingError):
                standards[key] = None  # taken on the day it is posted
        skeleton = self._backflush_shipment_event(layer, queued=True)
        origin = self.picking_id or product.product_tmpl_id
        return skeleton, {"layer": layer.id, "standard": standards[key]}, problems, origin

    def _backflush_reconcile_interim(self, layers):
        """Reconcile the stock interim items of these moves once their entries posted
        later than their ``layers`` (a deferred or queued shipment), as stock_account
        does when it posts them (stock.valuation.layer._validate_accounting_entries; run
        without posting anything again)."""
        INTERIM_ONLY.on(layers)._validate_accounting_entries()

    def _backflush_retry_event(self, pending, date):
        """The event of the layer a queued posting holds, costed now with the product's
        standard of its day, on Odoo's entry values of that day."""
        self.ensure_one()
        move = self.with_company(self.company_id).with_context(force_period_date=date)
        move._backflush_check_shipment_configuration()
        layer = self.env["stock.valuation.layer"].browse(pending["layer"])
        return move._backflush_shipment_event(layer, standard=pending.get("standard"))

    def _backflush_shipment_kind(self, quantity, resolve=True):
        """(register kind, the shipment posting a return undoes or an empty record).
        ``resolve``: the original as the return's entry mirrors it (posted first if
        deferred); else only which one it is, for a posting recorded to be made later."""
        direction = self._backflush_shipment_direction()
        no_posting = self.env["mrp.backflush.posting"]
        if direction == "delivery":
            return EVENT_SHIPMENT, no_posting
        if direction == "return":
            if not resolve:
                return EVENT_REVERSAL, self._backflush_shipment_posting_returned()
            return EVENT_REVERSAL, self._backflush_original_shipment(quantity)
        return EVENT_ADJUSTMENT, no_posting

    def _backflush_odoo_entry_vals(self, layer):
        """Odoo's own entry values for ``layer`` of this move (stock_account), the base of
        the shipment entry; None when Odoo would post nothing."""
        # Odoo's own values, past this module's override above (which gives none for
        # these moves): the base the shipment entry keeps.
        vals_list = super()._account_entry_move(  # pylint: disable=super-method-mismatch
            layer.quantity, layer.description, layer.id, layer.value
        )
        return vals_list[0] if vals_list else None

    def _backflush_shipment_event(self, layer, standard=None, queued=False):
        """The event of ``layer`` of this move, which enters or leaves stock (see
        _backflush_shipment_direction), or None when Odoo itself would post nothing for
        it. Odoo's own entry is the base: its counterpart line (stock output for a
        delivery, inventory loss for a count, stock input for a receipt) stays, and only
        its finished goods line is replaced by RIP and Conversion Costs Applied.
        ``standard``: the product's UnitStandard to cost it at (a queued event keeps the
        one of its day); by default today's. ``queued``: the event without its entry,
        for a posting that cannot be made now."""
        self.ensure_one()
        quantity = to_decimal(abs(layer.quantity))
        kind, original = self._backflush_shipment_kind(quantity, resolve=not queued)
        if queued:
            entry, base_entry, output_line = NO_ENTRY, {}, None
            date = fields.Date.context_today(self)
        else:
            self._backflush_check_shipment_configuration()
            base_entry = self._backflush_odoo_entry_vals(layer)
            if not base_entry:
                return None
            entry, output_line = self._backflush_shipment_entry(
                layer, base_entry, original, standard
            )
            date = base_entry["date"]
        return Event(
            key=f"{kind}:{layer.id}",
            kind=kind,
            company=self.company_id.id,
            name=self.picking_id.name or self.reference,
            ref=base_entry.get("ref") or self.reference,
            entry=entry,
            summary=summarize(entry) if entry.lines else NO_FIGURES,
            quantity=quantity,
            date=date,
            trigger=TRIGGER_SHIPMENT,
            product=self.product_id.id,
            picking=self.picking_id.id or None,
            stock_move=self.id,
            reversed_posting=original.id or None,
            valuation_layers=(layer.id,),
            journal=base_entry.get("journal_id"),
            base_entry=base_entry or None,
            base_line=output_line,
        )

    def _backflush_shipment_entry(self, layer, base_entry, original, standard):
        """(costing Entry, Odoo's counterpart line) of ``layer``: Odoo's ``base_entry``
        values lose their lines, whose counterpart stays and whose finished goods line
        is replaced by RIP and Conversion Costs Applied at ``standard``."""
        product = self.product_id
        quantity = to_decimal(abs(layer.quantity))
        valuation_account = product.categ_id.property_stock_valuation_account_id.id
        lines = [command[2] for command in base_entry.pop("line_ids")]
        (output_line,) = [line for line in lines if line["account_id"] != valuation_account]
        value = to_decimal(abs(layer.value))
        output_account = output_line["account_id"]
        if self._is_out():
            shipment = self._backflush_shipment(quantity, value, output_account, standard)
            entry = (
                self.env["mrp.backflush.posting.path"]
                ._costing(self.reference, shipment_entry, shipment)
                .entry
            )
        else:
            entry = self._backflush_return_entry(
                original, quantity, value, output_account, standard
            )
        return entry, output_line

    def _backflush_shipment(self, quantity, value, output_account, standard=None):
        product = self.product_id
        category = product.categ_id
        if standard is None:
            standard = product._backflush_unit_standard(product._backflush_bom())
        else:  # a queued event's standard, on today's accounts
            standard = self.env["product.product"]._backflush_fresh_standard(standard)
        return Shipment(
            quantity=quantity,
            finished_product=product.id,
            delivered_value=value,
            standard=standard,
            accounts=ShipmentAccounts(
                output=output_account,
                conversion=category.property_backflush_conversion_account_id.id,
                production_variance=category.property_backflush_production_variance_account_id.id,
            ),
            rounding=to_decimal(self.company_id.currency_id.rounding),
        )

    def _backflush_shipment_posting_returned(self):
        """The shipment posting of the move this customer return returns, whatever its
        state, or an empty record."""
        origin = self.origin_returned_move_id
        if not origin:
            return self.env["mrp.backflush.posting"]
        return (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [("kind", "=", EVENT_SHIPMENT), ("stock_move_id", "=", origin.id)],
                order="id",
                limit=1,
            )
        )

    def _backflush_original_shipment(self, quantity):
        """The shipment posting a customer return undoes, if known and not yet undone."""
        original = self._backflush_shipment_posting_returned()
        if original.state == "pending":  # deferred: post it first, its mirror follows
            self.env["mrp.backflush.queue"]._retry(original, wait=True)
        if original.state == "failed":
            raise UserError(
                self.env._(
                    "%(move)s returns units of %(shipment)s, whose backflush posting is "
                    "queued, not posted: an accountant must retry it first (Backflush "
                    "Register, filter Failed).",
                    move=self.reference,
                    shipment=original.name,
                )
            )
        rounding = self.product_id.uom_id.rounding
        if original and original._open_quantity() < float(quantity) - rounding / 2:
            return self.env["mrp.backflush.posting"]  # more than that shipment still holds
        return original

    def _backflush_return_entry(self, original, quantity, value, output_account, standard=None):
        """Mirror of ``quantity`` / shipped of the original shipment, or, without one, of a
        shipment at today's standard (a return without origin, an inventory gain, a vendor
        receipt); the output line keeps Odoo's value of the movement."""
        PostingPath = self.env["mrp.backflush.posting.path"]
        category = self.product_id.categ_id
        variance_account = category.property_backflush_production_variance_account_id.id
        rounding = to_decimal(self.company_id.currency_id.rounding)
        if original:
            lines = original._entry_lines()
            share = min(quantity / to_decimal(original.quantity), Decimal(1))
        else:
            shipment = self._backflush_shipment(quantity, value, output_account, standard)
            lines = PostingPath._costing(self.reference, shipment_entry, shipment).entry.lines
            share = Decimal(1)
        mirrored = PostingPath._costing(
            self.reference, reversal_entry, lines, share, rounding, variance_account
        )
        return PostingPath._costing(
            self.reference, retarget, mirrored, OUTPUT, -value, variance_account
        )

    def _backflush_check_shipment_configuration(self):
        self.env["mrp.backflush.readiness"]._raise(
            self.env._("the shipment of %s", self.product_id.display_name),
            self.env["mrp.backflush.readiness"]._shipment_problems(self),
        )
