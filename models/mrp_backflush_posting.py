from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate, float_compare

from ..costing import CostingError, EntryLine
from .product_category import BACKFLUSH_TRIGGERS

_lt = LazyTranslate(__name__)

POSTING_KINDS = [
    ("completion", "Completion"),
    ("shipment", "Shipment"),
    ("scrap", "Scrap"),
    ("reversal", "Reversal"),
    ("period_close", "Period close"),
]

# Costing line kinds, as stored on journal items (account.move.line.backflush_kind).
LINE_KINDS = [
    ("finished", "Finished goods"),
    ("material", "Material"),
    ("clearing", "Materials clearing"),
    ("conversion", "Conversion costs applied"),
    ("usage_variance", "Material usage variance"),
    ("production_variance", "Production variance"),
    ("byproduct", "By-product"),
    ("output", "Delivered"),
    ("scrap_variance", "Scrap variance"),
    ("conversion_control", "Conversion costs control"),
    ("rounding", "Rounding difference"),
]
# Journal item labels by line kind.
LINE_LABELS = {
    "finished": _lt("finished goods at standard"),
    "material": _lt("material at standard"),
    "clearing": _lt("material standard (clearing)"),
    "conversion": _lt("conversion costs applied"),
    "usage_variance": _lt("material usage variance"),
    "production_variance": _lt("production variance"),
    "byproduct": _lt("by-product at standard"),
    "output": _lt("delivered at standard"),
    "scrap_variance": _lt("scrap variance"),
    "conversion_control": _lt("conversion costs incurred, closed"),
    "rounding": _lt("rounding difference"),
}


class MrpBackflushPosting(models.Model):
    """The register: one record for every backflush trigger event, with its entry."""

    _name = "mrp.backflush.posting"
    _description = "Backflush Posting"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True)
    event_key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Identifies the event this posting costs (kind and stock move or layer); "
        "the database refuses a second posting with the same key.",
    )
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
    picking_id = fields.Many2one("stock.picking", string="Transfer", readonly=True, index=True)
    unbuild_id = fields.Many2one("mrp.unbuild", string="Unbuild Order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    stock_move_id = fields.Many2one(
        "stock.move",
        readonly=True,
        index="btree_not_null",
        help="The finished-product move (completion) or the delivered or returned move "
        "(shipment, return) this posting costs.",
    )
    workcenter_ids = fields.Many2many("mrp.workcenter", string="Work Centres", readonly=True)
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    material_standard = fields.Monetary(readonly=True)
    material_actual = fields.Monetary(readonly=True)
    conversion_standard = fields.Monetary(readonly=True)
    usage_variance = fields.Monetary(readonly=True)
    production_variance = fields.Monetary(readonly=True)
    scrap_variance = fields.Monetary(readonly=True)
    rounding_difference = fields.Monetary(readonly=True)
    finished_value = fields.Monetary(readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, index="btree_not_null"
    )
    reversed_posting_id = fields.Many2one(
        "mrp.backflush.posting",
        string="Reverses",
        readonly=True,
        index="btree_not_null",
        help="The posting whose share this reversal undoes.",
    )
    reversal_ids = fields.One2many(
        "mrp.backflush.posting", "reversed_posting_id", string="Reversals", readonly=True
    )
    reversed_quantity = fields.Float(
        digits="Product Unit of Measure",
        readonly=True,
        help="How much of this posting's quantity has been undone by reversals.",
    )
    scrap_ids = fields.Many2many("stock.scrap", string="Scraps", readonly=True)
    period_start = fields.Date(readonly=True, help="Period close: first day of the closed range.")
    period_end = fields.Date(readonly=True, help="Period close: last day of the closed range.")
    note = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "event_key_unique",
            "UNIQUE(event_key)",
            "This event has already been posted by backflush costing.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        postings = super().create(vals_list)
        postings.reversed_posting_id._update_reversed_quantity()
        postings._note_shifted_dates()  # entries posted before their register record
        return postings

    @api.depends("date", "accounting_date")
    def _compute_date_shifted(self):
        for posting in self:
            posting.date_shifted = bool(
                posting.accounting_date and posting.accounting_date != posting.date
            )

    # ------------------------------------------------------------------
    # The posting path: every trigger ends here.
    #
    # An event is a dict: key (unique event key), kind, company, name (register
    # reference), ref (entry reference), entry (costing Entry), summary (costing
    # CompletionSummary), quantity (Decimal), register (extra register values),
    # move (extra journal entry values) and, optionally, date (default: today).
    # ------------------------------------------------------------------

    @api.model
    def _raise_configuration_problems(self, event, problems):
        """One UserError listing every missing setting for ``event`` (a short phrase
        such as "the completion of WH/MO/00001"), or nothing when there are none."""
        problems = list(dict.fromkeys(problems))  # the same gap reached twice
        if not problems:
            return
        raise UserError(
            self.env._(
                "Backflush costing cannot post %(event)s: the configuration is "
                "incomplete.\n\n%(problems)s\n\nAn accounting or inventory administrator can "
                "set these in Inventory > Configuration > Product Categories (accounts and "
                "costing method), on the product form (standard price, storable) and in "
                "Settings > Manufacturing > Backflush Costing (journal).",
                event=event,
                problems="\n".join(f"- {problem}" for problem in problems),
            )
        )

    @api.model
    def _costing(self, reference, compute, *args):
        """Run a costing-core function; its errors become a UserError naming ``reference``."""
        try:
            return compute(*args)
        except CostingError as error:
            raise UserError(
                self.env._(
                    "Backflush costing could not compute the entry of %(reference)s: %(reason)s",
                    reference=reference,
                    reason=error,
                )
            ) from error

    @api.model
    def _post_events(self, events):
        """Post the entries of ``events`` in one batch, then their register records."""
        if not events:
            return self.browse()
        self._refuse_reposting([event["key"] for event in events])
        today = fields.Date.context_today(self)
        with_lines = [event for event in events if event["entry"].lines]
        entries = (
            self.env["account.move"]
            .sudo()
            .create([self._entry_vals(event, event.get("date", today)) for event in with_lines])
        )
        entries._post(soft=False)
        entry_of = {id(event): entry for event, entry in zip(with_lines, entries, strict=True)}
        postings = self.sudo().create(
            [
                self._register_vals(event, event.get("date", today), entry_of.get(id(event)))
                for event in events
            ]
        )
        return postings

    def _refuse_reposting(self, event_keys):
        already = self.sudo().search([("event_key", "in", event_keys)])
        if already:
            raise UserError(
                self.env._(
                    "These events have already been posted by backflush costing: %s. "
                    "Nothing was posted again.",
                    ", ".join(already.mapped("name")),
                )
            )

    def _entry_vals(self, event, date):
        company = event["company"]
        return {
            "move_type": "entry",
            "journal_id": company.backflush_journal_id.id,
            "company_id": company.id,
            "date": date,
            "ref": event["ref"],
            "line_ids": [
                Command.create(self._line_vals(line, event["ref"])) for line in event["entry"].lines
            ],
            **event.get("move", {}),
        }

    @api.model
    def _line_vals(self, line, ref):
        """Journal item values of a costing EntryLine, tagged with its kind."""
        vals = {
            "name": f"{ref}: {LINE_LABELS.get(line.kind, line.kind)}",
            "account_id": line.account,
            "balance": float(line.amount),
            "backflush_kind": line.kind,
        }
        if line.product:
            vals["product_id"] = line.product
        if line.quantity is not None:
            vals["quantity"] = float(line.quantity)
        return vals

    @api.model
    def _register_vals(self, event, date, entry=None):
        summary = event["summary"]
        return {
            "name": event["name"],
            "event_key": event["key"],
            "kind": event["kind"],
            "company_id": event["company"].id,
            "date": date,
            "quantity": float(event["quantity"]),
            "material_standard": float(summary.material_standard),
            "material_actual": float(summary.material_actual),
            "conversion_standard": float(summary.conversion_standard),
            "usage_variance": float(summary.usage_variance),
            "production_variance": float(summary.production_variance),
            "rounding_difference": float(summary.rounding),
            "scrap_variance": float(event["entry"].amount_of("scrap_variance")),
            "finished_value": float(summary.finished_value),
            "move_id": entry.id if entry else False,
            "state": "posted",
            **event.get("register", {}),
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

    # ------------------------------------------------------------------
    # Reversals: the mirror of a share of earlier postings.
    # ------------------------------------------------------------------

    def _entry_lines(self):
        """This posting's entry as costing EntryLines (from its kind-tagged journal items)."""
        self.ensure_one()
        return tuple(
            EntryLine(
                account=line.account_id.id,
                amount=Decimal(repr(line.balance)),
                kind=line.backflush_kind,
                product=line.product_id.id or None,
                quantity=Decimal(repr(line.quantity)),
            )
            for line in self.sudo().move_id.line_ids
            if line.backflush_kind
        )

    def _open_quantity(self):
        self.ensure_one()
        return self.quantity - self.reversed_quantity

    def _update_reversed_quantity(self):
        for posting in self:
            reversed_quantity = sum(posting.reversal_ids.mapped("quantity"))
            rounding = posting.product_id.uom_id.rounding
            done = float_compare(reversed_quantity, posting.quantity, precision_rounding=rounding)
            posting.write(
                {
                    "reversed_quantity": reversed_quantity,
                    "state": "reversed" if done >= 0 else posting.state,
                }
            )

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
