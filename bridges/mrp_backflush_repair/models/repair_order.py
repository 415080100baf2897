import dataclasses

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.mrp_backflush.costing import (
    EVENT_REWORK,
    NO_ENTRY,
    NO_FIGURES,
    PART_ADDED,
    PART_RETURNED,
    PART_SCRAPPED,
    TRIGGER_NONE,
    TRIGGERS,
    CostingError,
    Event,
    Rework,
    ReworkPart,
    rework_entry,
    summarize,
    to_decimal,
)
from odoo.addons.mrp_backflush.models.internal_context import own_context


class RepairOrder(models.Model):
    """A repair of a product under a backflush trigger is rework: the unit stays at its
    standard, its parts are costed in one entry (costing.rework) to Rework Variance."""

    _inherit = "repair.order"

    backflush_posting_ids = fields.One2many(
        "mrp.backflush.posting", "repair_id", string="Backflush Postings", readonly=True
    )
    backflush_posting_count = fields.Integer(compute="_compute_backflush_posting_count")

    @api.depends("backflush_posting_ids")
    def _compute_backflush_posting_count(self):
        # sudo: the repair's users (stock users) may not read the register; only counted.
        counts = dict(
            self.env["mrp.backflush.posting"]
            .sudo()
            ._read_group([("repair_id", "in", self.ids)], ["repair_id"], ["__count"])
        )
        for repair in self:
            repair.backflush_posting_count = counts.get(repair, 0)

    def _backflush_trigger(self):
        """The backflush trigger of the repaired product in the repair's company."""
        self.ensure_one()
        if not self.product_id:
            return TRIGGER_NONE
        return self.product_id.with_company(self.company_id).categ_id._backflush_trigger()

    def _backflush_reworks(self):
        """Whether backflush costs this repair's parts (its product is under a trigger)."""
        self.ensure_one()
        return self._backflush_trigger() in TRIGGERS

    def action_repair_done(self):
        # repair: moves every part and the unit in one _action_done; the parts' own
        # entries are suppressed for reworked repairs (stock.move._backflush_replaces_entry)
        # and replaced by one rework entry per repair, posted, queued or deferred as a
        # completion is. The configuration is read first: a company that stops such
        # operations stops it before any stock moves.
        reworked = own_context(self.filtered(lambda repair: repair._backflush_reworks()))
        deferred = reworked.filtered(
            lambda repair: repair.company_id.backflush_posting_mode == "deferred"
        )
        immediate = reworked - deferred
        reworked._backflush_lock_for_ending()
        blocked = immediate._backflush_blocked_reworks()
        result = super().action_repair_done()
        immediate.filtered(lambda repair: repair.id not in blocked)._backflush_post_reworks()
        immediate.filtered(lambda repair: repair.id in blocked)._backflush_queue_reworks(blocked)
        deferred._backflush_queue_reworks()
        return result

    def _backflush_lock_for_ending(self):
        """Refuse a second End Repair of the same repair while the first one runs: the
        repair rows are locked until it commits (the register's unique event key would
        refuse the second posting anyway, with a message that says less). Once the
        first has committed, Odoo's retry of the second finds the repair done."""
        if not self:
            return
        try:
            self.env.cr.execute(
                "SELECT id FROM repair_order WHERE id IN %s FOR UPDATE NOWAIT", [tuple(self.ids)]
            )
        except errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "%s is being ended right now; wait for it to finish.",
                    ", ".join(self.mapped("name")),
                )
            ) from error

    def _backflush_blocked_reworks(self):
        """{repair id: what is missing} for the repairs whose rework cannot be posted now
        and whose company queues such postings; one UserError for the others."""
        Readiness = self.env["mrp.backflush.readiness"]
        return Readiness._blocked(self, Readiness._rework_problems, self.env._("the rework of %s"))

    # ------------------------------------------------------------------
    # The rework: its parts, its entry, its event
    # ------------------------------------------------------------------

    def _backflush_rework_moves(self):
        """The done part moves of this repair that backflush costs."""
        self.ensure_one()
        return self.move_ids.filtered(
            lambda move: move.state == "done" and move._backflush_is_rework_part()
        )

    def _backflush_rework_parts(self):
        """ReworkPart values of this repair's costed parts: a part taken out of stock at
        what its valuation layers took out, a part put back in stock at its standard,
        a part removed to a location not valued (scrap) at its standard."""
        self.ensure_one()
        currency = self.company_id.currency_id
        parts = []
        for move in self._backflush_rework_moves():
            part = move.product_id.with_company(self.company_id)
            layers = move.sudo().stock_valuation_layer_ids
            # The stock side follows the layers (what Odoo put into or took out of a
            # valued location, whatever the line's type); a part without a layer left
            # the unit for a location not valued: scrapped.
            signed = sum(layers.mapped("quantity"))
            quantity = abs(signed)
            if signed < 0:
                direction = PART_ADDED
                value = to_decimal(currency.round(abs(sum(layers.mapped("value")))))
            elif signed > 0:
                direction, value = PART_RETURNED, None
            elif (
                not layers
                and move.repair_line_type != "add"
                and not (move.location_dest_id._should_be_valued())
            ):
                direction, value = PART_SCRAPPED, None
                quantity = move.product_uom._compute_quantity(
                    move.quantity, part.uom_id, round=False
                )
            else:
                continue  # between locations Odoo does not value: nothing moved in value
            if not quantity:
                continue
            parts.append(part._backflush_valued(ReworkPart, quantity, value, direction=direction))
        return tuple(parts)

    def _backflush_rework(self, parts=None):
        """This repair's rework as the costing core's value, on today's accounts
        (``parts``: those of a queued posting, as of the event)."""
        self.ensure_one()
        category = self.product_id.with_company(self.company_id).categ_id
        return Rework(
            parts=self._backflush_rework_parts() if parts is None else parts,
            rework_variance_account=category.property_backflush_rework_variance_account_id.id
            or None,
            scrap_variance_account=category.property_backflush_scrap_variance_account_id.id or None,
            rounding=to_decimal(self.company_id.currency_id.rounding),
        )

    def _backflush_rework_event(self, rework=None, queued=False, moves=None):
        """The rework event of this done repair, or None when it costs no part.
        ``rework``: the value to post (a queued one); by default read now. ``queued``:
        the event without its entry, for a posting that cannot be made now."""
        self.ensure_one()
        moves = self._backflush_rework_moves() if moves is None else moves
        if not moves:
            return None
        if queued:
            entry, summary = NO_ENTRY, NO_FIGURES
        else:
            rework = rework or self._backflush_rework()
            # Parts that cost nothing still get their register record (no entry): it
            # holds their layers for the Reconciliation Check.
            entry = self.env["mrp.backflush.posting.path"]._costing(self.name, rework_entry, rework)
            summary = summarize(entry)
        quantity = self.product_uom._compute_quantity(
            self.product_qty, self.product_id.uom_id, round=False
        )
        return Event(
            key=f"rework:{self.id}",
            kind=EVENT_REWORK,
            company=self.company_id.id,
            name=self.name,
            ref=self.env._("%(repair)s - Backflush rework", repair=self.name),
            entry=entry,
            summary=summary,
            quantity=to_decimal(quantity),
            trigger=self._backflush_trigger(),
            product=self.product_id.id,
            repair=self.id,
            stock_move=self.move_id.id or None,
            valuation_layers=tuple(moves.sudo().stock_valuation_layer_ids.ids),
            reason=", ".join(self.tag_ids.sorted("name").mapped("name")) or None,
        )

    def _backflush_post_reworks(self):
        """Post one rework entry and register record per repair that costs a part."""
        events = []
        for repair in self:
            event = repair.with_company(repair.company_id)._backflush_rework_event()
            if event:
                events.append(event)
        return self.env["mrp.backflush.posting.path"]._post_events(events)

    def _backflush_queue_reworks(self, problems=None):
        """Queue the rework of these repairs with its parts as of now: Failed when it
        cannot be posted now (``problems``: {repair id: sentences}), else Pending (the
        company posts in batches)."""
        queued = []
        for repair in self:
            repair = repair.with_company(repair.company_id)
            skeleton = repair._backflush_rework_event(queued=True)
            if not skeleton:
                continue
            try:
                parts = repair._backflush_rework_parts()
            except (UserError, CostingError):
                parts = None  # read again when it is posted
            pending = {"parts": parts, "moves": repair._backflush_rework_moves().ids}
            if problems is None:
                queued.append((skeleton, pending))
            else:
                queued.append((skeleton, pending, problems[repair.id], repair))
        Queue = self.env["mrp.backflush.queue"]
        return Queue._queue(queued) if problems is not None else Queue._defer(queued)

    def _backflush_retry_event(self, pending, date):
        """The rework a queued posting holds, costed now with its parts as of the event
        (their quantities and standards) and today's accounts."""
        self.ensure_one()
        repair = self.with_company(self.company_id)
        Readiness = self.env["mrp.backflush.readiness"]
        Readiness._raise(
            self.env._("the rework of %s", repair.name), Readiness._rework_problems(repair)
        )
        parts = pending.get("parts")
        if parts is not None:  # the event's figures, on today's accounts of the company
            parts = repair.env["product.product"]._backflush_with_current_accounts(parts)
        moves = self.env["stock.move"].browse(pending.get("moves") or []) or None
        event = repair._backflush_rework_event(rework=repair._backflush_rework(parts), moves=moves)
        return dataclasses.replace(event, date=date) if event else None

    def action_view_backflush_postings(self):
        """The register records of this repair (its rework)."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action["domain"] = [("repair_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
