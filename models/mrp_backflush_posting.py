from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..costing import CostingError, completion_entry
from .product_category import BACKFLUSH_TRIGGERS

_lt = LazyTranslate(__name__)

POSTING_KINDS = [
    ("completion", "Completion"),
    ("shipment", "Shipment"),
    ("scrap", "Scrap"),
    ("reversal", "Reversal"),
    ("period_close", "Period close"),
]


# Entry line labels by costing line kind.
LINE_LABELS = {
    "finished": _lt("finished goods at standard"),
    "material": _lt("material consumed"),
    "clearing": _lt("material standard (clearing)"),
    "conversion": _lt("conversion costs applied"),
    "usage_variance": _lt("material usage variance"),
    "production_variance": _lt("production variance"),
    "byproduct": _lt("by-product at standard"),
    "rounding": _lt("rounding difference"),
}


class MrpBackflushPosting(models.Model):
    """The register: one record for every backflush trigger event, with its entry."""

    _name = "mrp.backflush.posting"
    _description = "Backflush Posting"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True)
    kind = fields.Selection(POSTING_KINDS, required=True, readonly=True, index=True)
    trigger = fields.Selection(BACKFLUSH_TRIGGERS, readonly=True)
    state = fields.Selection(
        [("posted", "Posted"), ("failed", "Failed"), ("reversed", "Reversed")],
        required=True,
        default="posted",
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Event Date",
        required=True,
        readonly=True,
        help="The day the event happened (for a completion, the day it was marked done).",
    )
    accounting_date = fields.Date(
        related="move_id.date",
        store=True,
        string="Accounting Date",
        help="The date of the journal entry. It differs from the event date when the "
        "event's period was locked: the entry is then dated on the first open day.",
    )
    date_shifted = fields.Boolean(
        compute="_compute_date_shifted",
        store=True,
        string="Posted in a later period",
    )
    production_id = fields.Many2one(
        "mrp.production", string="Manufacturing Order", readonly=True, index="btree_not_null"
    )
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    finished_move_id = fields.Many2one(
        "stock.move",
        readonly=True,
        index="btree_not_null",
        help="The finished-product move whose completion this posting costs.",
    )
    workcenter_ids = fields.Many2many(
        "mrp.workcenter",
        string="Work Centres",
        readonly=True,
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    material_standard = fields.Monetary(readonly=True)
    material_actual = fields.Monetary(readonly=True)
    conversion_standard = fields.Monetary(readonly=True)
    usage_variance = fields.Monetary(readonly=True)
    production_variance = fields.Monetary(readonly=True)
    rounding_difference = fields.Monetary(readonly=True)
    finished_value = fields.Monetary(readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, index="btree_not_null"
    )
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "completion_unique",
            "UNIQUE(kind, finished_move_id)",
            "This completion has already been posted by backflush costing.",
        ),
    ]

    @api.depends("date", "accounting_date")
    def _compute_date_shifted(self):
        for posting in self:
            posting.date_shifted = bool(
                posting.accounting_date and posting.accounting_date != posting.date
            )

    # ------------------------------------------------------------------
    # The posting path: every trigger ends here.
    # ------------------------------------------------------------------

    @api.model
    def _post_completions(self, productions, done_moves):
        """Post one entry and one register record per order completed by ``done_moves``."""
        standards = {}
        events = []
        moves_by_production = defaultdict(lambda: self.env["stock.move"])
        for move in done_moves:
            moves_by_production[(move.raw_material_production_id or move.production_id).id] |= move
        for production in productions:
            moves = moves_by_production[production.id]
            production = production.with_company(production.company_id)
            finished_move = moves.filtered(
                lambda move, mo=production: (
                    move.production_id == mo and move.product_id == mo.product_id
                )
            ).sorted("id")[:1]
            if not finished_move or not finished_move.quantity:
                continue
            completion = production._backflush_completion(moves, standards)
            events.append(
                {
                    "production": production,
                    "finished_move": finished_move,
                    "moves": moves,
                    "quantity": completion.quantity,
                    "result": self._costing_result(production, completion),
                }
            )
        self._refuse_reposting(events)
        return self._post_events(events)

    def _costing_result(self, production, completion):
        try:
            return completion_entry(completion)
        except CostingError as error:
            raise UserError(
                self.env._(
                    "Backflush costing could not compute the completion entry of %(order)s: "
                    "%(reason)s",
                    order=production.name,
                    reason=error,
                )
            ) from error

    def _refuse_reposting(self, events):
        finished_moves = self.env["stock.move"].concat(*(e["finished_move"] for e in events))
        already = self.sudo().search(
            [("kind", "=", "completion"), ("finished_move_id", "in", finished_moves.ids)]
        )
        if already:
            raise UserError(
                self.env._(
                    "These completions have already been posted by backflush costing: %s. "
                    "Nothing was posted again.",
                    ", ".join(already.mapped("name")),
                )
            )

    def _post_events(self, events):
        """Create and post the entries in one batch, then their register records."""
        if not events:
            return self.browse()
        today = fields.Date.context_today(self)
        AccountMove = self.env["account.move"].sudo()
        entries = AccountMove.create([self._entry_vals(event, today) for event in events])
        entries._post(soft=False)
        postings = self.sudo().create(
            [
                self._posting_vals(event, entry, today)
                for event, entry in zip(events, entries, strict=True)
            ]
        )
        postings._note_shifted_dates()
        return postings

    def _entry_vals(self, event, date):
        production = event["production"]
        ref = self.env._("%(order)s - Backflush completion", order=production.name)
        return {
            "move_type": "entry",
            "journal_id": production.company_id.backflush_journal_id.id,
            "company_id": production.company_id.id,
            "date": date,
            "ref": ref,
            "backflush_production_id": production.id,
            "stock_move_id": event["finished_move"].id,
            "stock_valuation_layer_ids": [
                Command.set(event["moves"].sudo().stock_valuation_layer_ids.ids)
            ],
            "line_ids": [
                Command.create(self._line_vals(line, production, ref))
                for line in event["result"].entry.lines
            ],
        }

    def _line_vals(self, line, production, ref):
        label = str(LINE_LABELS.get(line.kind, line.kind))
        vals = {
            "name": f"{ref}: {label}",
            "account_id": line.account,
            "balance": float(line.amount),
        }
        if line.product:
            vals["product_id"] = line.product
        if line.quantity is not None:
            vals["quantity"] = float(line.quantity)
        return vals

    def _posting_vals(self, event, entry, date):
        production = event["production"]
        summary = event["result"].summary
        return {
            "name": production.name,
            "kind": "completion",
            "trigger": production._backflush_trigger(),
            "company_id": production.company_id.id,
            "date": date,
            "production_id": production.id,
            "product_id": production.product_id.id,
            "finished_move_id": event["finished_move"].id,
            "workcenter_ids": [Command.set(production.workorder_ids.workcenter_id.ids)],
            "quantity": float(event["quantity"]),
            "material_standard": float(summary.material_standard),
            "material_actual": float(summary.material_actual),
            "conversion_standard": float(summary.conversion_standard),
            "usage_variance": float(summary.usage_variance),
            "production_variance": float(summary.production_variance),
            "rounding_difference": float(summary.rounding),
            "finished_value": float(summary.finished_value),
            "move_id": entry.id,
            "state": "posted",
        }

    def _note_shifted_dates(self):
        """A locked period moves the entry to the first open day: say so, on both sides."""
        for posting in self.filtered("date_shifted"):
            note = self.env._(
                "The period of %(event)s was locked when this was posted: the entry is dated "
                "%(accounting)s, the first open day.",
                event=posting.date,
                accounting=posting.accounting_date,
            )
            posting.note = note
            posting.move_id.narration = note

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
