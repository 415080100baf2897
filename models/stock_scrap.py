import math
from collections import defaultdict, namedtuple

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang

from ..costing import CostingError
from .internal_context import SCRAP_BATCH, own_context

ScrapRequest = namedtuple("ScrapRequest", "product quantity lot reasons location")
ScrapRequest.__doc__ = """Something to scrap from a backflushed order, before it is scrapped.

product: product.product; quantity: float, in the product's own unit; lot: stock.lot or
an empty recordset; reasons: stock.scrap.reason.tag records; location: the stock.location
it is scrapped from.
"""

# States of an order whose scrap backflush posts (Odoo's Scrap button is offered in these).
SCRAP_STATES = ("confirmed", "progress", "to_close", "done")


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    def _compute_scrap_qty(self):  # pylint: disable=missing-return
        # mrp: its compute sets every scrap of the batch to 1 and returns after the first
        # one without a bill of materials, so a batch of scraps done together (the Record
        # scrap / variance wizard's) kept 1 for all but the first. One at a time.
        for scrap in self:
            super(StockScrap, scrap)._compute_scrap_qty()

    def _backflush_is_backflushed(self):
        self.ensure_one()
        return bool(self.production_id) and self.production_id._backflush_is_backflushed()

    def do_scrap(self):
        # stock: moves the scrapped quantity; its own valuation entry is suppressed for
        # backflushed orders (stock.move._backflush_replaces_entry) and replaced here.
        self._backflush_refuse_unattached_shipment_scrap()
        backflushed = own_context(self.filtered(lambda scrap: scrap._backflush_is_backflushed()))
        blocked = backflushed.production_id._backflush_blocked_scraps()
        backflushed._backflush_check_scrap()
        result = super().do_scrap()
        if backflushed and not SCRAP_BATCH.is_on(self):
            backflushed._backflush_post_scrap(blocked=blocked)
        return result

    def _backflush_requests(self):
        return [
            ScrapRequest(
                product=scrap.product_id,
                quantity=scrap.product_uom_id._compute_quantity(
                    scrap.scrap_qty, scrap.product_id.uom_id, round=False
                ),
                lot=scrap.lot_id,
                reasons=scrap.scrap_reason_tag_ids,
                location=scrap.location_id,
            )
            for scrap in self
        ]

    def _backflush_check_scrap(self):
        """Refuse these scraps of backflushed orders, with every reason, if any applies."""
        problems = []
        for production in self.production_id:
            scraps = self.filtered(lambda scrap, mo=production: scrap.production_id == mo)
            problems += self._backflush_scrap_problems(production, scraps._backflush_requests())
        if problems:
            raise UserError("\n".join(problems))

    @api.model
    def _backflush_scrap_problems(self, production, requests, date=None, states=SCRAP_STATES):
        """Why ``requests`` (ScrapRequest) cannot be scrapped from ``production`` and posted
        at standard (dated ``date``, if given), as sentences; none when they can.

        Both entry points run these: Odoo's Scrap button (stock.scrap.do_scrap) and the
        Record Scrap / Variance wizard, which also previews them before Post.
        """
        problems = []
        if production.state not in states:
            problems.append(
                self.env._(
                    "%(order)s is %(state)s: scrap is recorded against orders in progress or done.",
                    order=production.name,
                    state=dict(production._fields["state"]._description_selection(self.env))[
                        production.state
                    ],
                )
            )
        for request in requests:
            problems += self._backflush_request_problems(production, request)
        problems += self._backflush_quantity_problems(production, requests)
        if date:
            problems += self.env["mrp.backflush.posting.path"]._date_problems(
                production.company_id, date
            )
        return problems

    @api.model
    def _backflush_request_problems(self, production, request):
        name = request.product.display_name or self.env._("A line")
        rounding = request.product.uom_id.rounding or 0.01
        problems = []
        if not math.isfinite(request.quantity):
            problems.append(self.env._("%(product)s: the quantity must be a number.", product=name))
        elif float_compare(request.quantity, 0.0, precision_rounding=rounding) <= 0:
            problems.append(self.env._("%(product)s: the quantity must be positive.", product=name))
        costed = request.product.is_storable  # consumables were expensed when bought
        if costed and request.product not in production._backflush_scrappable_products():
            problems.append(
                self.env._(
                    "%(product)s is neither a component nor the finished product of %(order)s.",
                    product=name,
                    order=production.name,
                )
            )
        if production.company_id.backflush_scrap_reason_required and not request.reasons:
            problems.append(
                self.env._(
                    "%(product)s: give a scrap reason (your company requires one).",
                    product=name,
                )
            )
        if request.product.tracking in ("lot", "serial") and not request.lot:
            problems.append(
                self.env._("%(product)s is tracked: choose its lot or serial number.", product=name)
            )
        return problems

    @api.model
    def _backflush_quantity_problems(self, production, requests):
        """More than is on hand, or more finished units than the order has left."""
        requested = defaultdict(float)
        for request in requests:
            if math.isfinite(request.quantity) and request.product.is_storable:
                requested[(request.product, request.lot, request.location)] += request.quantity
        problems = []
        for (product, lot, location), quantity in requested.items():
            rounding = product.uom_id.rounding
            on_hand = self._backflush_on_hand(product, location, lot)
            if float_compare(quantity, on_hand, precision_rounding=rounding) > 0:
                problems.append(
                    self.env._(
                        "%(product)s: %(quantity)s %(unit)s requested but only %(on_hand)s on "
                        "hand in %(location)s.",
                        product=product.display_name,
                        quantity=self._backflush_format_quantity(quantity),
                        unit=product.uom_id.name,
                        on_hand=self._backflush_format_quantity(on_hand),
                        location=location.display_name,
                    )
                )
            if product == production.product_id:
                left = production._backflush_finished_left_to_scrap()
                if float_compare(quantity, left, precision_rounding=rounding) > 0:
                    problems.append(
                        self.env._(
                            "%(product)s: %(quantity)s finished units requested but the order "
                            "has produced only %(left)s that were not scrapped or unbuilt "
                            "already.",
                            product=product.display_name,
                            quantity=self._backflush_format_quantity(quantity),
                            left=self._backflush_format_quantity(left),
                        )
                    )
        return problems

    @api.model
    def _backflush_on_hand(self, product, location, lot=None):
        """Quantity of ``product`` (and ``lot``) on hand in ``location`` and its children,
        reserved or not: scrapping reserved components is the usual case."""
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._gather(product, location, lot_id=lot or None, strict=False)
        )
        return sum(quants.mapped("quantity"))

    @api.model
    def _backflush_format_quantity(self, quantity):
        """A quantity as the user reads it (language's separators, unit precision)."""
        return formatLang(self.env, quantity, dp="Product Unit of Measure")

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

    def _backflush_post_scrap(self, date=None, blocked=None):
        """Post one scrap entry and register record per order for these done scraps; the
        orders in ``blocked`` ({order id: what is missing}) are queued instead."""
        blocked = blocked or {}
        events, queued = [], []
        for production in self.production_id:
            production = production.with_company(production.company_id)
            scraps = self.filtered(
                lambda scrap, mo=production: scrap.production_id == mo
            ).with_company(production.company_id)
            if production.id not in blocked:
                events.append(production._backflush_scrap_event(scraps, date))
                continue
            skeleton = production._backflush_scrap_event(scraps, date, queued=True)
            try:
                standard = production.product_id._backflush_unit_standard(production.bom_id)
            except (UserError, CostingError):
                standard = None  # no standard to keep: today's is taken when retried
            pending = {"standard": standard}
            queued.append((skeleton, pending, blocked[production.id], production))
        self.env["mrp.backflush.queue"]._queue(queued)
        return self.env["mrp.backflush.posting.path"]._post_events(events)

    def _backflush_retry_event(self, pending, date):
        """The event of these scraps of one order that a queued posting holds, costed now
        with the finished product's standard as of the event and today's accounts."""
        production = self.production_id.with_company(self.production_id.company_id)
        production._backflush_check_configuration(self.env._("the scrap of %s"))
        return production._backflush_scrap_event(
            self.with_company(production.company_id), date, standard=pending.get("standard")
        )
