from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

from ..costing import (
    EVENT_ADJUSTMENT,
    EVENT_COMPLETION,
    EVENT_PERIOD_CLOSE,
    EVENT_REVALUATION,
    EVENT_REVERSAL,
    EVENT_REWORK,
    EVENT_SCRAP,
    EVENT_SHIPMENT,
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
