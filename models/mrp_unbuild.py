from decimal import Decimal

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from ..costing import (
    EVENT_COMPLETION,
    EVENT_REVERSAL,
    TRIGGERS,
    ByProduct,
    Event,
    allocate_unbuild,
    completion_entry,
    consumption_at_standard,
    reversal_entry,
    summarize,
    to_decimal,
    unbuild_reversal,
)
from .internal_context import own_context


class MrpUnbuild(models.Model):
    _inherit = "mrp.unbuild"

    def _backflush_mirrors(self):
        """Whether backflush, not Odoo, posts this unbuild: the mirror of what it undoes."""
        self.ensure_one()
        if self.mo_id:
            postings = self.mo_id.backflush_posting_ids
            return bool(postings.filtered(lambda posting: posting.kind == EVENT_COMPLETION))
        category = self.product_id.with_company(self.company_id).categ_id
        return category._backflush_trigger() in TRIGGERS

    def action_unbuild(self):
        # mrp: does the unbuild's moves; their own entries are suppressed by
        # stock.move._backflush_replaces_entry, and the mirror is posted here.
        mirrored = own_context(self.filtered(lambda unbuild: unbuild._backflush_mirrors()))
        mirrored.filtered("mo_id")._backflush_check_open_quantity()
        result = super().action_unbuild()
        for unbuild in mirrored:
            unbuild.with_company(unbuild.company_id)._backflush_post_reversal()
        return result

    def _backflush_quantity(self):
        """The unbuilt quantity in the product's own unit."""
        self.ensure_one()
        return self.product_uom_id._compute_quantity(
            self.product_qty, self.product_id.uom_id, round=False
        )

    def _backflush_check_open_quantity(self):
        """Refuse to unbuild more of an order than its completions still hold.

        The order's completion postings are locked first: of two unbuilds of one order at
        the same time, the second waits, then fails to serialize (the first updated the
        postings' reversed quantity) and is retried by Odoo, which then refuses it here.
        """
        for unbuild in self:
            production = unbuild.mo_id
            production._backflush_lock_completions()
            # Deferred completions are posted now: the unbuild mirrors their entries.
            self.env["mrp.backflush.queue"]._retry(
                production.sudo().backflush_posting_ids.filtered(
                    lambda posting: posting.state == "pending"
                ),
                wait=True,
            )
            queued = production.sudo().backflush_posting_ids.filtered(
                lambda posting: posting.state == "failed"
            )
            if queued:
                raise UserError(
                    self.env._(
                        "%(order)s has backflush postings queued, not posted (%(names)s): an "
                        "accountant must retry them (Backflush Register, filter Failed) before "
                        "its units can be unbuilt.",
                        order=production.name,
                        names=", ".join(queued.mapped("event_key")),
                    )
                )
            open_quantity = production._backflush_open_completed_quantity()
            rounding = unbuild.product_id.uom_id.rounding
            if (
                float_compare(
                    unbuild._backflush_quantity(), open_quantity, precision_rounding=rounding
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "%(order)s has only %(open)s %(unit)s left to unbuild (completed and "
                        "not yet unbuilt or scrapped); %(unbuild)s asks for %(quantity)s. "
                        "Unbuild at most %(open)s, or unbuild the other units without the "
                        "manufacturing order.",
                        order=production.name,
                        open=float_round(open_quantity, precision_rounding=rounding),
                        unit=unbuild.product_id.uom_id.name,
                        unbuild=unbuild.name,
                        quantity=unbuild._backflush_quantity(),
                    )
                )

    def _backflush_post_reversal(self):
        self.ensure_one()
        quantity = self._backflush_quantity()
        if self.mo_id:
            events = [
                self._backflush_reversal_event(posting, taken, completion)
                for posting, taken, completion in self._backflush_shares(quantity)
            ]
        else:
            events = [self._backflush_reversal_event(None, to_decimal(quantity))]
        return self.env["mrp.backflush.posting.path"]._post_events(events)

    def _backflush_shares(self, quantity):
        """(completion posting, quantity undone, UnbuildableCompletion) triples, oldest
        completion first (costing.unbuild.allocate_unbuild)."""
        completions = [
            posting._unbuildable_completion()
            for posting in self.mo_id._backflush_completion_postings()
        ]
        shares = self.env["mrp.backflush.posting.path"]._costing(
            self.name,
            allocate_unbuild,
            to_decimal(quantity),
            completions,
            to_decimal(self.product_id.uom_id.rounding),
        )
        return [(completion.key, taken, completion) for completion, taken in shares]

    def _backflush_reversal_event(self, posting, quantity, completion=None):
        """Undo ``quantity`` (Decimal) of ``posting``, as ``completion`` (its
        UnbuildableCompletion), or, without an order, of a completion at today's
        standard: its entry's lines mirrored with the original amounts."""
        PostingPath = self.env["mrp.backflush.posting.path"]
        category = self.product_id.categ_id
        rounding = to_decimal(self.company_id.currency_id.rounding)
        variance_account = category.property_backflush_production_variance_account_id.id
        if posting:
            if posting.move_id and not completion.lines:
                raise UserError(
                    self.env._(
                        "The entry %(entry)s of %(posting)s has no backflush lines to mirror; "
                        "ask an administrator to update the module (its migration tags them).",
                        entry=posting.sudo().move_id.name,
                        posting=posting.name,
                    )
                )
            unit_rounding = to_decimal(self.product_id.uom_id.rounding)
            entry = PostingPath._costing(
                self.name,
                unbuild_reversal,
                completion,
                quantity,
                rounding,
                variance_account,
                unit_rounding,
            )
        else:
            lines = self._backflush_completion_at_standard(quantity).entry.lines
            entry = PostingPath._costing(
                self.name, reversal_entry, lines, Decimal(1), rounding, variance_account
            )
        production = self.mo_id
        return Event(
            key=f"unbuild:{self.id}:{posting.id if posting else 0}",
            kind=EVENT_REVERSAL,
            company=self.company_id.id,
            name=self.name,
            ref=self.env._("%(unbuild)s - Backflush reversal", unbuild=self.name),
            entry=entry,
            summary=summarize(entry),
            quantity=quantity,
            trigger=posting.trigger if posting else category._backflush_trigger(),
            product=self.product_id.id,
            production=production.id or None,
            unbuild=self.id,
            reversed_posting=posting.id if posting else None,
            valuation_layers=tuple(
                (
                    self.sudo().consume_line_ids | self.sudo().produce_line_ids
                ).stock_valuation_layer_ids.ids
            ),
        )

    def _backflush_byproducts(self, quantity):
        """The by-products an order of ``quantity`` (Decimal) would have made, at standard."""
        bom = self.bom_id
        bom_quantity = to_decimal(
            bom.product_uom_id._compute_quantity(bom.product_qty, self.product_id.uom_id)
        )
        return tuple(
            line.product_id._backflush_valued(
                ByProduct,
                quantity
                / bom_quantity
                * to_decimal(
                    line.product_uom_id._compute_quantity(line.product_qty, line.product_id.uom_id)
                ),
            )
            for line in bom.byproduct_ids
            if line.product_id.is_storable
        )

    def _backflush_completion_at_standard(self, quantity):
        """The completion an order of ``quantity`` made at today's standard would post."""
        product = self.product_id
        standard = product._backflush_unit_standard(self.bom_id)
        consumed = consumption_at_standard(quantity, standard)
        trigger = product.categ_id._backflush_trigger()
        completion = product._backflush_completion_value(
            trigger, quantity, standard, consumed, self._backflush_byproducts(quantity)
        )
        return self.env["mrp.backflush.posting.path"]._costing(
            self.name, completion_entry, completion
        )
