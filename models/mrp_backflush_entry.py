from odoo import Command, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate, formatLang

from ..costing import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    CONVERSION_CONTROL,
    EARLIER_PERIODS,
    EVENT_ADJUSTMENT,
    EVENT_COMPLETION,
    EVENT_REVALUATION,
    EVENT_REVERSAL,
    EVENT_REWORK,
    EVENT_SCRAP,
    EVENT_SHIPMENT,
    FINISHED,
    HELD_MATERIAL,
    MATERIAL,
    OUTPUT,
    PRODUCTION_VARIANCE,
    REVALUATION,
    REWORK_VARIANCE,
    ROUNDING,
    SCRAP_VARIANCE,
    STOCK_ON_HAND,
    USAGE_VARIANCE,
    WRITE_OFF,
    condensed,
)
from .internal_context import own_context

_lt = LazyTranslate(__name__)

# Costing line kinds, as stored on journal items (account.move.line.backflush_kind).
LINE_KINDS = [
    (FINISHED, "Finished goods"),
    (MATERIAL, "Material"),
    (CLEARING, "Materials clearing"),
    (CONVERSION, "Conversion costs applied"),
    (USAGE_VARIANCE, "Material usage variance"),
    (PRODUCTION_VARIANCE, "Production variance"),
    (BYPRODUCT, "By-product"),
    (OUTPUT, "Delivered"),
    (SCRAP_VARIANCE, "Scrap variance"),
    (CONVERSION_CONTROL, "Conversion costs control"),
    (ROUNDING, "Rounding difference"),
    (REVALUATION, "Standard cost revaluation"),
    (REWORK_VARIANCE, "Rework variance"),
]
# Journal item labels by line kind.
LINE_LABELS = {
    FINISHED: _lt("finished goods at standard"),
    MATERIAL: _lt("material at standard"),
    CLEARING: _lt("material standard (clearing)"),
    CONVERSION: _lt("conversion costs applied"),
    USAGE_VARIANCE: _lt("material usage variance"),
    PRODUCTION_VARIANCE: _lt("production variance"),
    BYPRODUCT: _lt("by-product at standard"),
    OUTPUT: _lt("delivered at standard"),
    SCRAP_VARIANCE: _lt("scrap variance"),
    CONVERSION_CONTROL: _lt("conversion costs incurred, closed"),
    REVALUATION: _lt("standard cost revaluation"),
    REWORK_VARIANCE: _lt("rework variance"),
    ROUNDING: _lt("rounding difference"),
}
# What the material lines of an entry hold, by event kind: the quantities consumed or
# scrapped (actual) or those of the bill of materials (standard), at standard price.
MATERIAL_LABELS = {
    EVENT_COMPLETION: _lt("material consumed (actual quantity at standard price)"),
    EVENT_SCRAP: _lt("material scrapped (actual quantity at standard price)"),
    EVENT_SHIPMENT: _lt("material at standard (bill of materials)"),
    EVENT_ADJUSTMENT: _lt("material at standard (bill of materials)"),
    EVENT_REVERSAL: _lt("material reversed"),
    EVENT_REVALUATION: _lt("material held for finished units on hand, revalued"),
    EVENT_REWORK: _lt("repair parts fitted, less parts put back in stock"),
}
# Creating an entry logs nothing in its chatter and subscribes nobody: the register
# record and the order's chatter are its trace, and the entry never changes afterwards
# (account.move refuses). It spares mail's queries on every completion. Nothing else of
# the caller's context reaches it (own_context): no default journal, currency or partner,
# no check_move_validity.
ENTRY_CREATE_CONTEXT = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "tracking_disable": True,
}
# Journal item label suffixes by costing line label.
LINE_NOTES = {
    EARLIER_PERIODS: _lt("left over from periods already closed"),
    HELD_MATERIAL: _lt("held for finished units on hand"),
}
# Labels that name a line instead of its kind.
LINE_TITLES = {
    WRITE_OFF: _lt("under-/over-applied conversion costs written off"),
    STOCK_ON_HAND: _lt("units on hand revalued at the new standard"),
}


def _without_layers(vals):
    """Entry values without the valuation layers, which exist only once moves are done."""
    return {name: value for name, value in vals.items() if name != "stock_valuation_layer_ids"}


class MrpBackflushEntry(models.AbstractModel):
    """The journal entries of the posting path (mrp.backflush.posting.path._post_events):
    a costing Event's lines as one posted account.move, labelled item by item."""

    _name = "mrp.backflush.entry"
    _description = "Backflush Journal Entry Builder"

    @api.model
    def _create_entries(self, events, prepared=None):
        """Create and post the entries of ``events`` that have lines: {event key: entry}.
        Lines that net to zero per account and kind are left out (costing.condensed): an
        event whose lines all do has no entry, as one without lines. ``prepared``: the
        drafts _prepare_entries made for some of them; one is posted when it holds what
        its event's entry would, the others are deleted."""
        prepared = prepared or {}
        entry_of, to_create = {}, []
        for event in events:
            lines = condensed(event.entry).lines
            if not lines:
                continue
            vals = self._entry_vals(event, lines)
            draft, draft_vals = prepared.get(event.key, (None, None))
            # The same values written, not an amount compared: both sides are float() of
            # the core's Decimals, so any difference at all means the draft is replaced.
            if draft and draft_vals == _without_layers(vals):
                if vals.get("stock_valuation_layer_ids"):
                    draft.write({"stock_valuation_layer_ids": vals["stock_valuation_layer_ids"]})
                entry_of[event.key] = draft
            else:
                to_create.append((event.key, vals))
        posted_drafts = {entry.id for entry in entry_of.values()}
        unused = [draft.id for draft, _vals in prepared.values() if draft.id not in posted_drafts]
        if unused:
            self._entry_creator().browse(unused).unlink()
        if to_create:
            created = self._entry_creator().create([vals for _key, vals in to_create])
            entry_of.update(zip((key for key, _vals in to_create), created, strict=True))
        keys = [event.key for event in events if event.key in entry_of]
        entries = self._entry_creator().browse([entry_of[key].id for key in keys])
        entries._post(soft=False)
        return dict(zip(keys, entries, strict=True))

    @api.model
    def _prepare_entries(self, events):
        """Draft entries of ``events`` foreseen before their stock moves are done:
        {event key: (draft, its values)}, for _create_entries to post once the events are
        known. stock_account's FIFO run updates the candidate valuation layer of every
        component a close consumes, and a concurrent close of the same component waits
        for that row until this transaction ends (then fails, to be retried): an entry
        created before the moves are done keeps its creation out of that wait. A draft
        that cannot be made is left out ({} at worst): its entry is made afterwards."""
        foreseen = [(event, condensed(event.entry).lines) for event in events]
        vals_list = [_without_layers(self._entry_vals(e, lines)) for e, lines in foreseen if lines]
        if not vals_list:
            return {}
        self.env.cr.flush()  # what is pending is not the drafts' to refuse
        try:
            with self.env.cr.savepoint(flush=False):
                drafts = self._entry_creator().create(vals_list)
                self.env.flush_all()
        except (UserError, ValidationError):
            return {}
        keys = [event.key for event, lines in foreseen if lines]
        return {
            key: (draft, vals) for key, draft, vals in zip(keys, drafts, vals_list, strict=True)
        }

    @api.model
    def _entry_creator(self):
        return own_context(self.env["account.move"].sudo(), **ENTRY_CREATE_CONTEXT)

    @api.model
    def _entry_vals(self, event, lines):
        """The journal entry values of ``event``: ``lines``, its costing lines condensed to
        one journal item per account and kind (the per-component detail stays in the
        valuation layers the register links to), on Odoo's own entry values when the
        event keeps them (a delivery), else on the backflush journal."""
        company = self.env["res.company"].browse(event.company)
        products_of = {}
        for line in event.entry.lines:
            products = products_of.setdefault((line.account, line.kind, line.label), set())
            if line.product:
                products.add(line.product)
        vals = {
            "move_type": "entry",
            "journal_id": event.journal or company.backflush_journal_id.id,
            "ref": event.ref,
            **(event.base_entry or {}),
            "company_id": company.id,
            "date": self.env["mrp.backflush.posting.path"]._event_date(event),
            "line_ids": [
                Command.create(
                    self._line_vals(
                        line, event, len(products_of[line.account, line.kind, line.label])
                    )
                )
                for line in lines
            ],
        }
        if event.production:
            vals["backflush_production_id"] = event.production
        if event.stock_move:
            vals["stock_move_id"] = event.stock_move
        if event.valuation_layers:
            vals["stock_valuation_layer_ids"] = [Command.set(list(event.valuation_layers))]
        return vals

    @api.model
    def _line_vals(self, line, event, product_count=1):
        """Journal item values of a costing EntryLine, tagged with its kind.
        ``product_count``: how many products the line gathers (see _entry_vals). With a
        base line (Odoo's delivery item), every item takes its partner, and the
        ``output`` item is that very item with the backflush amount."""
        base = event.base_line or {}
        if line.kind == OUTPUT and base:
            return {**base, "balance": float(line.amount), "backflush_kind": OUTPUT}
        vals = {
            "name": self._item_label(line, event, product_count),
            "account_id": line.account,
            "balance": float(line.amount),
            "backflush_kind": line.kind,
        }
        if base.get("partner_id"):
            vals["partner_id"] = base["partner_id"]
        if line.product:
            vals["product_id"] = line.product
        if line.quantity is not None:
            vals["quantity"] = float(line.quantity)
        return vals

    @api.model
    def _item_label(self, line, event, product_count=1):
        """A journal item's label: "Backflush Frame: 2.00 Units at standard" for a line of
        one product, "Backflush: material consumed (...), 3 products" for one gathering
        several, with what the amount is."""
        what = self._line_label(line)
        if line.kind == MATERIAL and event.kind in MATERIAL_LABELS and line.label != STOCK_ON_HAND:
            what = str(MATERIAL_LABELS[event.kind])
        if line.kind == FINISHED:
            what = self.env._("at standard")
        if line.product and line.quantity is not None:
            product = self.env["product.product"].browse(line.product)
            quantity = formatLang(self.env, float(line.quantity), dp="Product Unit of Measure")
            return self.env._(
                "Backflush %(product)s: %(quantity)s %(unit)s %(what)s",
                product=product.display_name,
                quantity=quantity,
                unit=product.uom_id.name,
                what=what,
            )
        if product_count > 1:
            return self.env._(
                "Backflush: %(what)s, %(count)s products", what=what, count=product_count
            )
        return self.env._("Backflush: %(what)s", what=what)

    @api.model
    def _line_label(self, line):
        """What a costing EntryLine is, in words: its kind, and its label if it has one."""
        if line.label in LINE_TITLES:
            return str(LINE_TITLES[line.label])
        if line.label:
            return f"{LINE_LABELS[line.kind]} ({LINE_NOTES[line.label]})"
        return str(LINE_LABELS[line.kind])
