import dataclasses
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..costing import (
    EVENT_COMPLETION,
    NO_ENTRY,
    NO_FIGURES,
    TRIGGER_NONE,
    TRIGGERS,
    ByProduct,
    Consumption,
    CostingError,
    Event,
    completion_entry,
    to_decimal,
)
from .internal_context import own_context


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    backflush_posting_ids = fields.One2many(
        "mrp.backflush.posting", "production_id", string="Backflush Postings", readonly=True
    )
    backflush_posting_count = fields.Integer(compute="_compute_backflush_posting_count")

    @api.depends("backflush_posting_ids")
    def _compute_backflush_posting_count(self):
        counts = dict(
            self.env["mrp.backflush.posting"]._read_group(
                [("production_id", "in", self.ids)], ["production_id"], ["__count"]
            )
        )
        for production in self:
            production.backflush_posting_count = counts.get(production, 0)

    def _backflush_trigger(self):
        """The backflush trigger of the finished product in the order's company."""
        self.ensure_one()
        if "subcontractor_id" in self._fields and self.subcontractor_id:
            return TRIGGER_NONE  # subcontracting keeps Odoo's valuation
        category = self.product_id.with_company(self.company_id).categ_id
        return category._backflush_trigger()

    def _backflush_is_backflushed(self):
        self.ensure_one()
        return self._backflush_trigger() in TRIGGERS

    def _post_inventory(self, cancel_backorder=False):
        # mrp: runs once per order and completion, after any backorder split, and is the
        # only place where component and finished moves are done together.
        backflushed = own_context(
            self.filtered(lambda production: production._backflush_is_backflushed())
        )
        if not backflushed:
            return super()._post_inventory(cancel_backorder=cancel_backorder)
        deferred = backflushed.filtered(
            lambda production: production.company_id.backflush_posting_mode == "deferred"
        )
        immediate = backflushed - deferred
        blocked = immediate._backflush_blocked_completions()
        postable = immediate.filtered(lambda production: production.id not in blocked)
        moves = backflushed.move_raw_ids | backflushed.move_finished_ids
        pending_moves = moves.filtered(lambda move: move.state not in ("done", "cancel"))
        standards = {}
        prepared = postable._backflush_prepare_completions(own_context(pending_moves), standards)
        result = super()._post_inventory(cancel_backorder=cancel_backorder)
        done_now = own_context(pending_moves.filtered(lambda move: move.state == "done"))
        postable._backflush_post_completions(done_now, standards, prepared)
        immediate.filtered(lambda production: production.id in blocked)._backflush_queue(
            done_now, blocked
        )
        deferred._backflush_queue(done_now)
        return result

    def _backflush_moves_by_order(self, moves):
        """{order id: its moves among ``moves``} (read them in the order's company)."""
        moves_by_production = defaultdict(lambda: self.env["stock.move"])
        for move in moves:
            production = move.raw_material_production_id or move.production_id
            moves_by_production[production.id] |= move
        return moves_by_production

    def _backflush_post_completions(self, done_moves, standards=None, prepared=None):
        """Post one entry and one register record per order completed by ``done_moves``.
        ``prepared``: the drafts _backflush_prepare_completions made ahead."""
        events = self._backflush_completion_events(
            done_moves, {} if standards is None else standards
        )
        return self.env["mrp.backflush.posting.path"]._post_events(events, prepared)

    def _backflush_prepare_completions(self, pending_moves, standards):
        """Draft entries of the completions ``pending_moves`` are about to make, foreseen
        from their quantities before Odoo values them (mrp.backflush.entry._prepare_entries);
        an order whose completion cannot be foreseen gets none."""
        try:
            events = self._backflush_completion_events(pending_moves, standards)
        except (UserError, CostingError):
            return {}
        return self.env["mrp.backflush.entry"]._prepare_entries(events)

    def _backflush_completion_events(self, moves, standards):
        """The completion events of these orders by ``moves`` (see _backflush_completion)."""
        moves_by_production = self._backflush_moves_by_order(moves)
        events = []
        for production in self:
            production = production.with_company(production.company_id)
            event = production._backflush_completion_event(
                moves_by_production[production.id].with_company(production.company_id), standards
            )
            if event:
                events.append(event)
        return events

    def _backflush_queue(self, done_moves, problems=None):
        """Queue the completion of these orders by ``done_moves`` with the costing value
        as of now: as Failed when it cannot be posted now (``problems``: {order id:
        sentences}), else as Pending, for the scheduled action (deferred posting)."""
        moves_by_production = self._backflush_moves_by_order(done_moves)
        standards = {}
        queued = []
        for production in self:
            production = production.with_company(production.company_id)
            moves = moves_by_production[production.id].with_company(production.company_id)
            skeleton = production._backflush_completion_event(moves, standards, queued=True)
            if not skeleton:
                continue
            try:
                value = production._backflush_completion(moves, standards)
            except (UserError, CostingError):
                value = None  # no standard to keep (e.g. no bill of materials): taken later
            pending = {"moves": moves.ids, "value": value}
            if problems is None:
                queued.append((skeleton, pending))
            else:
                queued.append((skeleton, pending, problems[production.id], production))
        Queue = self.env["mrp.backflush.queue"]
        return Queue._queue(queued) if problems is not None else Queue._defer(queued)

    def _backflush_completion_event(self, moves, standards, completion=None, queued=False):
        """The completion event of this order's ``moves`` done now, or None if none.

        ``completion``: the costing value to post (a queued one, with its standards as of
        the event); by default read now. ``queued``: the event without its entry, for a
        posting that cannot be made now.
        """
        self.ensure_one()
        finished_move = moves.filtered(
            lambda move: move.production_id == self and move.product_id == self.product_id
        ).sorted("id")[:1]
        if not finished_move or not finished_move.quantity:
            return None
        if queued:
            quantity = self._backflush_stock_totals(finished_move)[self.product_id][0]
            entry, summary, quantity = NO_ENTRY, NO_FIGURES, to_decimal(quantity)
        else:
            completion = completion or self._backflush_completion(moves, standards)
            result = self.env["mrp.backflush.posting.path"]._costing(
                self.name, completion_entry, completion
            )
            entry, summary, quantity = result.entry, result.summary, completion.quantity
        return Event(
            key=f"completion:{finished_move.id}",
            kind=EVENT_COMPLETION,
            company=self.company_id.id,
            name=self.name,
            ref=self.env._("%(order)s - Backflush completion", order=self.name),
            entry=entry,
            summary=summary,
            quantity=quantity,
            trigger=self._backflush_trigger(),
            product=self.product_id.id,
            production=self.id,
            stock_move=finished_move.id,
            workcenters=tuple(self.workorder_ids.workcenter_id.ids),
            valuation_layers=tuple(moves.sudo().stock_valuation_layer_ids.ids),
        )

    def _backflush_retry_event(self, pending, date):
        """The completion event a queued posting holds (see _backflush_queue), costed now
        with its standards as of the event and today's accounts."""
        self.ensure_one()
        production = self.with_company(self.company_id)
        production._backflush_check_configuration()
        moves = self.env["stock.move"].browse(pending["moves"]).with_company(self.company_id)
        value = pending["value"]
        if value is not None:
            value = production._backflush_fresh_accounts(value)
        event = production._backflush_completion_event(moves, {}, completion=value)
        return dataclasses.replace(event, date=date) if event else None

    def _backflush_fresh_accounts(self, completion):
        """``completion`` with the accounts configured now (a queued posting was stopped by
        missing ones); its quantities and standard prices stay those of the event."""
        Product = self.env["product.product"]
        return dataclasses.replace(
            completion,
            accounts=self.product_id._backflush_completion_accounts(),
            standard=Product._backflush_fresh_standard(completion.standard),
            consumed=Product._backflush_with_current_accounts(completion.consumed),
            byproducts=Product._backflush_with_current_accounts(completion.byproducts),
        )

    def _post_labour(self):
        # mrp_account posts the work centre cost on top of the valuation; under backflush
        # conversion is applied at standard by the completion entry instead.
        not_backflushed = self.filtered(
            lambda production: not production._backflush_is_backflushed()
        )
        return super(MrpProduction, not_backflushed)._post_labour()

    def _backflush_completion(self, done_moves, standards):
        """This order's completion as the costing core's value.

        ``done_moves``: the moves of this order done by this completion.
        ``standards``: cache {(product, bom): UnitStandard} shared by a batch of orders.
        Read in the order's company.
        """
        self.ensure_one()
        product = self.product_id
        finished_moves = done_moves.filtered(
            lambda move: move.production_id == self and move.product_id == product
        )
        quantity, finished_value = self._backflush_stock_totals(finished_moves).get(
            product, (0.0, None)
        )
        key = (product, self.bom_id, self.company_id)
        if key not in standards:
            standards[key] = product._backflush_unit_standard(self.bom_id)
        return product._backflush_completion_value(
            trigger=self._backflush_trigger(),
            quantity=to_decimal(quantity),
            finished_value=finished_value,
            standard=standards[key],
            consumed=self._backflush_valued_quantities(
                done_moves.filtered(lambda move: move.raw_material_production_id == self),
                Consumption,
            ),
            byproducts=self._backflush_valued_quantities(
                done_moves.filtered(
                    lambda move: move.production_id == self and move.product_id != product
                ),
                ByProduct,
            ),
        )

    def _backflush_valued_quantities(self, moves, value_type):
        """Done stored products of ``moves`` at standard, as ``value_type`` values.

        Quantity and value are those of the moves' valuation layers (what Odoo put into
        or took out of stock, rounded as it rounded them, e.g. after a unit of measure
        conversion), so that the ledger follows the layers; a move without layers counts
        its quantity, and its product's value is then left to the core.
        """
        totals = self._backflush_stock_totals(moves)
        return tuple(
            product._backflush_valued(value_type, quantity, value)
            for product, (quantity, value) in totals.items()
            if quantity
        )

    def _backflush_stock_totals(self, moves):
        """{product: (quantity in its UoM, Decimal value or None)} of the done stored
        ``moves``, from their valuation layers where they have some."""
        currency = self.company_id.currency_id
        quantities = defaultdict(float)
        values = defaultdict(float)
        without_layers = set()
        for move in moves.filtered(lambda move: move.product_id.is_storable):
            product = move.product_id
            layers = move.sudo().stock_valuation_layer_ids
            if layers:
                quantities[product] += abs(sum(layers.mapped("quantity")))
                values[product] += abs(sum(layers.mapped("value")))
            else:
                quantities[product] += move.product_uom._compute_quantity(
                    move.quantity, product.uom_id, round=False
                )
                without_layers.add(product)
        return {
            product: (
                quantity,
                None if product in without_layers else to_decimal(currency.round(values[product])),
            )
            for product, quantity in quantities.items()
        }

    def action_view_backflush_postings(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action["domain"] = [("production_id", "=", self.id)]
        action["context"] = {"default_production_id": self.id}
        return action

    def _backflush_completion_postings(self):
        """The posted completion records of this order, oldest first."""
        self.ensure_one()
        return (
            self.sudo()
            .backflush_posting_ids.filtered(
                lambda posting: posting.kind == EVENT_COMPLETION and posting.state == "posted"
            )
            .sorted("id")
        )

    def _backflush_lock_completions(self):
        """Lock this order's completion records until the transaction ends."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM mrp_backflush_posting WHERE production_id IN %s AND kind = %s "
                "FOR UPDATE",
                tuple(self.ids),
                EVENT_COMPLETION,
            )
        )

    def _backflush_open_completed_quantity(self):
        """Finished units completed (and posted) by this order that no unbuild or scrap
        has taken back yet, in the product's unit: what may still be unbuilt."""
        self.ensure_one()
        completions = self._backflush_completion_postings()
        completed = sum(posting._open_quantity() for posting in completions)
        product = self.product_id
        scrapped = sum(
            scrap.product_uom_id._compute_quantity(scrap.scrap_qty, product.uom_id, round=False)
            for scrap in self.sudo().scrap_ids
            if scrap.state == "done" and scrap.product_id == product
        )
        return completed - scrapped
