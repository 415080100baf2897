from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..costing import CostingError
from .internal_context import UPDATE_FIGURES

# Written by the update's own code only (UPDATE_FIGURES): over RPC a caller could
# otherwise schedule an update for the scheduled action to post, or mark one posted.
PROTECTED_FIELDS = {"state", "problems", "posting_id", "cancel_posting_id"}
# What the preview is computed from: a change sends a computed update back to draft.
PREVIEW_FIELDS = {"product_ids", "category_ids", "revaluation_account_id", "company_id"}

UPDATE_STATES = [
    ("draft", "Draft"),
    ("computed", "Computed"),
    ("scheduled", "Scheduled"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]


class MrpBackflushStandardUpdate(models.Model):
    """A standard cost update: new standards for bought products, the made products above
    them rolled up level by level, previewed (Compute) and then set in one go with one
    revaluation entry per company (Post), on its effective date.

    Compute changes nothing in the books. Post writes each new standard through Odoo's
    own standard price change (stock_account product.product.write ->
    _change_standard_price, so that the valuation layers stay true) while a
    StandardChanges collects Odoo's layers and the history rows; the entry of the layers
    and of the material held for finished units on hand costed at shipment is posted by
    the register's one posting path (mrp.backflush.standard.update.post, a key per
    update: a second posting is refused by the database)."""

    _name = "mrp.backflush.standard.update"
    _inherit = [
        "mail.thread",
        "mrp.backflush.standard.update.compute",
        "mrp.backflush.standard.update.post",
    ]
    _description = "Standard Cost Update"
    _order = "effective_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    effective_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The day the new standards take effect: the revaluation entry is dated on it. "
        "A future date schedules the update, which a scheduled action posts on that day.",
    )
    revaluation_account_id = fields.Many2one(
        "account.account",
        string="Standard Cost Revaluation Account",
        check_company=True,
        default=lambda self: self.env.company.backflush_revaluation_account_id,
        tracking=True,
        help="Takes the difference of every revaluation. Empty: Odoo's own counterpart of "
        "a standard price change, the expense account of each product's category.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        domain=[("type", "=", "consu")],
        help="The products in scope: Compute walks every bill of materials below them.",
    )
    category_ids = fields.Many2many(
        "product.category",
        string="Categories",
        help="Every product of these categories is in scope too.",
    )
    state = fields.Selection(
        UPDATE_STATES, required=True, default="draft", readonly=True, copy=False, tracking=True
    )
    line_ids = fields.One2many("mrp.backflush.standard.update.line", "update_id", copy=False)
    total_ids = fields.One2many(
        "mrp.backflush.standard.update.total", "update_id", string="Entry Preview", copy=False
    )
    problems = fields.Text(readonly=True, copy=False)
    line_count = fields.Integer(compute="_compute_line_count")
    amount = fields.Monetary(
        string="Revaluation", compute="_compute_amount", help="The debits of the entry."
    )
    posting_id = fields.Many2one(
        "mrp.backflush.posting", string="Register Record", readonly=True, copy=False
    )
    move_id = fields.Many2one(related="posting_id.move_id", string="Journal Entry")
    cancel_posting_id = fields.Many2one(
        "mrp.backflush.posting", string="Cancellation Record", readonly=True, copy=False
    )
    cancel_move_id = fields.Many2one(related="cancel_posting_id.move_id", string="Reversal Entry")

    @api.depends("line_ids")
    def _compute_line_count(self):
        for update in self:
            update.line_count = len(update.line_ids)

    @api.depends("total_ids.debit")
    def _compute_amount(self):
        for update in self:
            update.amount = sum(update.total_ids.mapped("debit"))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_protected(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "mrp.backflush.standard.update"
                ) or self.env._("Standard Cost Update")
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")  # Odoo's access error before any rule of this model
        self._refuse_protected(vals)
        if not UPDATE_FIGURES.is_on(self):
            self._refuse_settled(vals)
        if UPDATE_FIGURES.is_on(self) or not set(vals) & PREVIEW_FIELDS:
            return super().write(vals)
        # Another scope or account makes the preview stale: compute again.
        computed = self.filtered(lambda update: update.state == "computed")
        result = super().write(vals)
        UPDATE_FIGURES.on(computed).write({"state": "draft"})
        return result

    def _refuse_settled(self, vals):
        """A posted or cancelled update stays as it was posted; a scheduled one only
        changes its date, by someone who may post it (the post checks it all again)."""
        scope = set(vals) & (PREVIEW_FIELDS | {"effective_date"})
        if not scope:
            return
        settled = self.filtered(lambda update: update.state in ("posted", "cancelled"))
        scheduled = self.filtered(lambda update: update.state == "scheduled")
        if scheduled and scope == {"effective_date"}:
            scheduled._check_post_rights()
            scheduled = scheduled.browse()
        if settled or scheduled:
            raise UserError(
                self.env._(
                    "%s is scheduled, posted or cancelled: set it back to draft to change it "
                    "(a posted one is cancelled and a new update made).",
                    ", ".join((settled | scheduled).mapped("name")),
                )
            )

    def _refuse_protected(self, vals):
        if set(vals) & PROTECTED_FIELDS and not UPDATE_FIGURES.is_on(self):
            raise UserError(
                self.env._(
                    "A standard cost update changes state through its buttons (Compute, Post, "
                    "Cancel, Reset to Draft), never by a write."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if self.filtered("posting_id"):
            raise UserError(self.env._("A posted standard cost update stays: cancel it instead."))

    # ------------------------------------------------------------------
    # States
    # ------------------------------------------------------------------

    def action_draft(self):
        for update in self:
            if update.state not in ("computed", "scheduled", "cancelled") or update.posting_id:
                raise UserError(self.env._("%s cannot go back to draft.", update.name))
        UPDATE_FIGURES.on(self).write({"state": "draft"})
        return True

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of %s", self.name),
            "res_model": "mrp.backflush.standard.update.line",
            "view_mode": "pivot,list",
            "views": [(False, "pivot"), (False, "list")],
            "domain": [("update_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_move(self):
        self.ensure_one()
        return self.posting_id.action_view_move()

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _check_post_rights(self):
        user = self.env.user
        if not (self.env.su or user.has_group("account.group_account_manager")):
            raise AccessError(
                self.env._(
                    "Only an accounting administrator (Invoicing / Administrator) posts or "
                    "cancels a standard cost update; a manufacturing administrator prepares "
                    "and computes it."
                )
            )

    def _refuse_locked(self, date):
        company = self.company_id
        violated = company._get_violated_lock_dates(date, False, company.backflush_journal_id)
        if violated:
            raise UserError(
                self.env._(
                    "%(update)s would be dated %(date)s, in a locked period (%(locks)s): "
                    "choose an effective date after the lock date.",
                    update=self.name,
                    date=format_date(self.env, date),
                    locks=company._format_lock_dates(violated),
                )
            )

    @api.model
    def _cron_post_scheduled(self):
        """Post the scheduled updates whose effective date has come, each on its own: one
        that cannot be posted says why in its chatter and stays scheduled."""
        due = self.search(
            [("state", "=", "scheduled"), ("effective_date", "<=", fields.Date.context_today(self))]
        )
        for update in due:
            try:
                with self.env.cr.savepoint():
                    UPDATE_FIGURES.on(update.with_company(update.company_id))._post_now()
            except (UserError, CostingError) as error:
                update._message_log(
                    body=self.env._("Not posted on its effective date: %s", error.args[0])
                )
