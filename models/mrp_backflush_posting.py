from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_date, formatLang

from ..costing import (
    EVENT_ADJUSTMENT,
    EVENT_COMPLETION,
    EVENT_PERIOD_CLOSE,
    EVENT_REVALUATION,
    EVENT_REVERSAL,
    EVENT_REWORK,
    EVENT_SCRAP,
    EVENT_SHIPMENT,
    EntryLine,
    UnbuildableCompletion,
    to_decimal,
)
from .internal_context import REGISTER_UPDATE
from .product_category import BACKFLUSH_TRIGGERS

# Register states of a posting that waits for its entry: deferred, or stopped by the
# configuration (see mrp.backflush.queue).
QUEUED_STATES = ("pending", "failed")

POSTING_KINDS = [
    (EVENT_COMPLETION, "Completion"),
    (EVENT_SHIPMENT, "Shipment"),
    (EVENT_SCRAP, "Scrap"),
    (EVENT_REVERSAL, "Reversal"),
    (EVENT_PERIOD_CLOSE, "Period close"),
    (EVENT_ADJUSTMENT, "Stock adjustment"),
    (EVENT_REVALUATION, "Revaluation"),
    (EVENT_REWORK, "Rework"),
]


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
        [
            ("pending", "Pending"),
            ("posted", "Posted"),
            ("failed", "Failed"),
            ("reversed", "Reversed"),
        ],
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
    conversion_standard = fields.Monetary(
        string="Conversion Applied",
        readonly=True,
        help="Conversion cost credited to Conversion Costs Applied at standard by this "
        "completion, shipment, scrap or stock adjustment (negative for a reversal). Zero "
        "for a period close, which has its own columns: the sum over a period is what "
        "its close takes out of the applied accounts.",
    )
    usage_variance = fields.Monetary(readonly=True)
    production_variance = fields.Monetary(
        readonly=True,
        help="Finished product's standard price minus its material and conversion standard "
        "(completions, shipments and their reversals). A period close writes its "
        "difference off in Under/Over-Applied Written Off instead.",
    )
    scrap_variance = fields.Monetary(
        readonly=True, help="Standard cost of the scrapped components and finished units."
    )
    rework_variance = fields.Monetary(
        readonly=True,
        help="Rework: what a repair of finished units cost in parts, beyond the parts it "
        "gave back to stock or scrapped (those scrapped are in Scrap Variance).",
    )
    reason = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="Why it happened: the scrap reasons of a scrap, the tags of a repair.",
    )
    conversion_closed = fields.Monetary(
        string="Conversion Closed (applied)",
        readonly=True,
        help="Period close: the Conversion Costs Applied it zeroes (debited), earlier "
        "periods' leftovers included.",
    )
    conversion_incurred = fields.Monetary(
        readonly=True,
        help="Period close: the actual conversion costs of the Conversion Costs Control "
        "accounts it zeroes (credited), earlier periods' leftovers included.",
    )
    conversion_written_off = fields.Monetary(
        string="Under/Over-Applied Written Off",
        readonly=True,
        help="Period close: incurred minus closed, written off to cost of goods sold or "
        "the chosen variance account (positive: under-applied, debited).",
    )
    scrap_summary = fields.Char(
        string="Scrapped",
        compute="_compute_scrap_summary",
        help="Scrap: every scrapped product with its quantity.",
    )
    rounding_difference = fields.Monetary(readonly=True)
    finished_value = fields.Monetary(readonly=True)
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
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
    valuation_layer_ids = fields.Many2many(
        "stock.valuation.layer",
        "mrp_backflush_posting_valuation_layer_rel",
        "posting_id",
        "layer_id",
        string="Valuation Layers",
        readonly=True,
        help="The stock valuation layers of the moves this posting costs (or, queued, "
        "will cost): the Reconciliation Check lists the layers of backflushed moves that "
        "no posting holds.",
    )
    period_start = fields.Date(readonly=True, help="Period close: first day of the closed range.")
    period_end = fields.Date(readonly=True, help="Period close: last day of the closed range.")
    note = fields.Text(help="A note anyone who may read the register can keep here.")
    # Pending: deferred posting (res.company.backflush_posting_mode), posted by the
    # scheduled action. Failed: the configuration lacked something; an accountant retries.
    failure_reason = fields.Text(
        readonly=True,
        help="Failed: why the posting could not be made (what the configuration lacks). "
        "Fix it, then Retry.",
    )
    pending_data = fields.Text(
        readonly=True,
        copy=False,
        help="Pending or Failed: what the event needs to be posted later exactly as it "
        "would have been (its quantities and standards as of the event), as JSON.",
    )
    retry_count = fields.Integer(readonly=True, help="Failed: retries that did not post.")

    _sql_constraints = [
        (
            "event_key_unique",
            "UNIQUE(event_key)",
            "This event has already been posted by backflush costing.",
        ),
    ]

    # The register is append-only: records are created, and afterwards changed (reversed
    # quantity, state, the note of a shifted date), only by the posting path itself, which
    # turns REGISTER_UPDATE on; anyone else, the superuser included, may edit the note.
    _USER_WRITABLE_FIELDS = frozenset({"note"})

    @api.model_create_multi
    def create(self, vals_list):
        if not REGISTER_UPDATE.is_on(self):
            self.check_access("create")  # a user without rights meets Odoo's access error
            raise UserError(
                self.env._(
                    "Backflush Register records are created by backflush costing itself, "
                    "when an order is completed, a delivery validated, scrap or an unbuild "
                    "posted: they cannot be created by hand or imported."
                )
            )
        postings = super().create(vals_list)
        postings.reversed_posting_id._update_reversed_quantity()
        return postings

    def write(self, vals):
        if not REGISTER_UPDATE.is_on(self) and set(vals) - self._USER_WRITABLE_FIELDS:
            raise UserError(
                self.env._(
                    "The Backflush Register is a record of what was posted: only its note "
                    "can be edited. To change a posting, undo its event (unbuild, return, "
                    "Record Scrap / Variance)."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_register(self):
        raise UserError(
            self.env._(
                "Backflush Register records cannot be deleted: each one is the trace of a "
                "posted or queued event. Undo the event itself instead."
            )
        )

    @api.depends("scrap_ids")
    def _compute_scrap_summary(self):
        for posting in self:
            # sudo: the register's readers may not read stock scraps; only named here.
            quantities = {}
            for scrap in posting.sudo().scrap_ids:
                key = (scrap.product_id, scrap.product_uom_id)
                quantities[key] = quantities.get(key, 0.0) + scrap.scrap_qty
            digits = "Product Unit of Measure"
            posting.scrap_summary = (
                ", ".join(
                    f"{product.display_name}: "
                    f"{formatLang(self.env, quantity, dp=digits)} {uom.name}"
                    for (product, uom), quantity in quantities.items()
                )
                or False
            )

    @api.depends("date", "accounting_date")
    def _compute_date_shifted(self):
        for posting in self:
            posting.date_shifted = bool(
                posting.accounting_date and posting.accounting_date != posting.date
            )

    # ------------------------------------------------------------------
    # Retries and queued postings (the posting path is mrp.backflush.posting.path).
    # ------------------------------------------------------------------

    def _post_queued(self, event):
        """Post ``event`` into this Failed record of the same event (a retry)."""
        self.ensure_one()
        if not event or event.key != self.event_key:
            raise UserError(
                self.env._("%s no longer matches its event: it cannot be posted.", self.name)
            )
        entry = self.env["mrp.backflush.entry"]._create_entries([event]).get(event.key)
        vals = self.env["mrp.backflush.posting.path"]._register_vals(event, entry)
        for name in ("event_key", "scrap_ids", "workcenter_ids", "note"):
            vals.pop(name)
        vals.update({"failure_reason": False, "pending_data": False})
        originals = self.reversed_posting_id
        REGISTER_UPDATE.on(self).write(vals)
        (originals | self.reversed_posting_id)._update_reversed_quantity()
        self._note_shifted_dates()
        self._log_on_origins()
        return self

    def action_retry(self):
        """Post the selected Pending and Failed postings that can be posted now."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("account.group_account_user")
            or user.has_group("account.group_account_manager")
        ):
            raise UserError(self.env._("Only accountants can retry queued backflush postings."))
        failed = self.filtered(lambda posting: posting.state in QUEUED_STATES)
        posted = self.env["mrp.backflush.queue"]._retry(failed)
        still = failed - posted
        message = self.env._(
            "%(posted)s postings posted, %(failed)s not posted (see their reason).",
            posted=len(posted),
            failed=len(still),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not still else "warning",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_retry_failed(self):
        self.env["mrp.backflush.queue"]._cron_retry_failed()

    @api.model
    def _cron_post_pending(self):
        self.env["mrp.backflush.queue"]._cron_post_pending()

    def _origin_document(self):
        """The document whose chatter tells of this posting: its order or transfer (the
        mrp_backflush_repair bridge adds the repair), or an empty recordset."""
        self.ensure_one()
        return self.production_id or self.picking_id

    def _log_on_origins(self):
        """One line per posting with an entry in the chatter of its order (or transfer,
        or repair): the entry, linked, and its amount; written as logs in one batch per
        model, so that nobody is notified and the shop floor's close stays cheap."""
        bodies = defaultdict(lambda: defaultdict(list))
        for posting in self.filtered("move_id"):
            origin = posting.sudo()._origin_document()
            if origin:
                bodies[origin._name][origin.id].append(posting._log_line())
        for model, lines_by_id in bodies.items():
            self.env[model].browse(list(lines_by_id)).sudo()._message_log_batch(
                {record_id: Markup("<br/>").join(lines) for record_id, lines in lines_by_id.items()}
            )

    def _log_line(self):
        """The entry by its number and amount. On an order the number links the register
        record, which everyone who reads the order's chatter may open (Manufacturing /
        User and the readers of the books; the entry itself is for accounting users and
        its link would give the others an Access Error) and which links the entry; on a
        transfer, whose stock users may open neither, it is plain text."""
        entry = self.move_id
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        number = entry.name
        if self.production_id:
            number = Markup(
                '<a href="#" data-oe-model="mrp.backflush.posting" data-oe-id="%s">%s</a>'
            ) % (self.id, entry.name)
        return Markup(self.env._("%(kind)s posted by backflush costing: %(entry)s, %(amount)s")) % {
            "kind": kind,
            "entry": number,
            "amount": formatLang(self.env, entry.amount_total, currency_obj=self.currency_id),
        }

    def _note_shifted_dates(self):
        """A locked period moves the entry to the first open day: say so, on both sides."""
        for posting in self.filtered("date_shifted"):
            note = self.env._(
                "The period of %(event)s was locked when this was posted: the entry is dated "
                "%(accounting)s, the first open day.",
                event=format_date(self.env, posting.date),
                accounting=format_date(self.env, posting.accounting_date),
            )
            REGISTER_UPDATE.on(posting).note = note
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
                amount=to_decimal(line.balance),
                kind=line.backflush_kind,
                product=line.product_id.id or None,
                quantity=to_decimal(line.quantity),
            )
            for line in self.sudo().move_id.line_ids
            if line.backflush_kind
        )

    def _open_quantity(self):
        self.ensure_one()
        return self.quantity - self.reversed_quantity

    def _unbuildable_completion(self):
        """This completion as an unbuild undoes it (costing.unbuild): its lines, and those
        of the reversals posted against it."""
        self.ensure_one()
        posted = self.reversal_ids.filtered(lambda reversal: reversal.state == "posted")
        return UnbuildableCompletion(
            key=self,
            quantity=to_decimal(self.quantity),
            reversed_quantity=to_decimal(self.reversed_quantity),
            lines=self._entry_lines(),
            reversed_lines=tuple(line for reversal in posted for line in reversal._entry_lines()),
        )

    def _update_reversed_quantity(self):
        """Reversed quantity and state from the reversals that are posted: a Pending or
        Failed one undoes nothing yet (it is counted once posted, see _post_queued)."""
        for posting in self:
            posted = posting.reversal_ids.filtered(lambda reversal: reversal.state == "posted")
            reversed_quantity = sum(posted.mapped("quantity"))
            rounding = posting.product_id.uom_id.rounding
            done = float_compare(reversed_quantity, posting.quantity, precision_rounding=rounding)
            REGISTER_UPDATE.on(posting).write(
                {
                    "reversed_quantity": reversed_quantity,
                    "state": "reversed" if done >= 0 else posting.state,
                }
            )

    def action_view_scraps(self):
        """The stock.scrap records this scrap posting costs."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Scraps of %s", self.name),
            "res_model": "stock.scrap",
            "domain": [("id", "in", self.scrap_ids.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "context": {"create": False},
        }

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
