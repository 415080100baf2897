from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import date_utils

from ..models.mrp_backflush_period_close import CloseRequest

# What the preview (totals and lines) is computed from.
PREVIEW_DEPENDS = (
    "company_id",
    "date_from",
    "date_to",
    "control_account_ids",
    "applied_account_ids",
    "target_account_id",
)


class MrpBackflushConversionCloseWizard(models.TransientModel):
    """The screen of Horngren's period close of conversion costs
    (mrp.backflush.period.close holds its rules, mrp.backflush.period.close.accounts the
    accounts it proposes): a company, a range, the accounts, a preview of the entry and
    Post."""

    _name = "mrp.backflush.conversion.close.wizard"
    _description = "Close Conversion Costs"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: date_utils.start_of(
            date_utils.subtract(fields.Date.context_today(self), months=1), "month"
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: date_utils.end_of(
            date_utils.subtract(fields.Date.context_today(self), months=1), "month"
        ),
        help="Last day of the closed range; the closing entry is dated on this day. A "
        "range cannot end in the future: costs booked later in it could never be closed.",
    )
    control_account_ids = fields.Many2many(
        "account.account",
        "mrp_backflush_close_wizard_control_account_rel",
        "wizard_id",
        "account_id",
        string="Conversion Costs Control",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="The accounts where the actual labour and overhead of the range were booked. "
        "Each is credited with its debit balance over the range.",
    )
    applied_account_ids = fields.Many2many(
        "account.account",
        "mrp_backflush_close_wizard_applied_account_rel",
        "wizard_id",
        "account_id",
        string="Conversion Costs Applied",
        compute="_compute_applied_account_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="The accounts backflush costing credits with the standard conversion cost "
        "(by default, those of every product category of the company). Each is debited "
        "with its credit balance over the range.",
    )
    disposition = fields.Selection(
        [("cogs", "Cost of goods sold"), ("variance", "Variance account")],
        string="Write Off To",
        required=True,
        default="cogs",
        help="Horngren's write-off of the under- or over-applied conversion costs: to cost "
        "of goods sold, or to a variance account of your choice.",
    )
    target_account_id = fields.Many2one(
        "account.account",
        string="Write-off Account",
        required=True,
        compute="_compute_target_account_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('deprecated', '=', False)]",
        help="Debited with under-applied conversion costs, credited with over-applied ones.",
    )
    control_total = fields.Monetary(
        string="Actual Conversion Costs",
        compute="_compute_preview",
        help="Net debit balance of the control accounts over the range (posted entries).",
    )
    applied_total = fields.Monetary(
        string="Applied Conversion Costs",
        compute="_compute_preview",
        help="Net credit balance of the applied accounts over the range (posted entries).",
    )
    difference = fields.Monetary(
        string="Under (+) / Over (-) Applied",
        compute="_compute_preview",
        help="Actual minus applied: positive when under-applied (the write-off account is "
        "debited), negative when over-applied (it is credited).",
    )
    earlier_difference = fields.Monetary(
        string="Of Which Left Over from Closed Periods",
        compute="_compute_preview",
        help="Costs booked into periods already closed, after their close: this close "
        "clears them too (on lines of their own), so that nothing is stranded.",
    )
    problems = fields.Text(
        compute="_compute_preview",
        help="Why this close cannot be posted as it stands; nothing is previewed then.",
    )
    preview_line_ids = fields.One2many(
        "mrp.backflush.conversion.close.wizard.preview",
        "wizard_id",
        string="Entry Preview",
        compute="_compute_preview_line_ids",
        store=True,
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Defaults
    # ------------------------------------------------------------------

    @api.depends("company_id")
    def _compute_applied_account_ids(self):
        Accounts = self.env["mrp.backflush.period.close.accounts"]
        for wizard in self:
            wizard.applied_account_ids = Accounts._applied_accounts(wizard.company_id)

    @api.depends("company_id", "disposition")
    def _compute_target_account_id(self):
        Accounts = self.env["mrp.backflush.period.close.accounts"]
        for wizard in self:
            wizard.target_account_id = Accounts._write_off_account(
                wizard.company_id, wizard.disposition
            )

    # ------------------------------------------------------------------
    # The closing entry: one builder for the preview and the posting
    # ------------------------------------------------------------------

    def _close_request(self):
        self.ensure_one()
        return CloseRequest(
            company_id=self.company_id._origin,
            date_from=self.date_from,
            date_to=self.date_to,
            control_account_ids=self.control_account_ids._origin,
            applied_account_ids=self.applied_account_ids._origin,
            target_account_id=self.target_account_id._origin,
        )

    def _close_result(self):
        return self.env["mrp.backflush.period.close"]._close_result(self._close_request())

    def _close_entry(self):
        """The costing Entry this wizard posts (and previews)."""
        return self._close_result().entry

    def _close_problem(self):
        """Why Post would refuse this close (the rule of mrp.backflush.period.close), or
        False; nothing while the range is being entered."""
        self.ensure_one()
        if not (self.company_id and self.date_from and self.date_to):
            return False
        Close = self.env["mrp.backflush.period.close"].with_company(self.company_id)
        try:
            Close._check_closable(self._close_request())
        except UserError as error:
            return error.args[0]
        return False

    @api.depends(*PREVIEW_DEPENDS)
    def _compute_preview(self):
        for wizard in self:
            result = wizard._close_result()
            wizard.control_total = float(result.control_total)
            wizard.applied_total = float(result.applied_total)
            wizard.difference = float(result.difference)
            wizard.earlier_difference = float(result.earlier_difference)
            wizard.problems = wizard._close_problem()

    @api.depends(*PREVIEW_DEPENDS)
    def _compute_preview_line_ids(self):
        Preview = self.env["mrp.backflush.conversion.close.wizard.preview"]
        Entry = self.env["mrp.backflush.entry"]
        for wizard in self:
            # No preview of an entry that will not post: the problems say why.
            lines = () if wizard.problems else wizard._close_entry().lines
            wizard.preview_line_ids = Preview._commands(lines, Entry._line_label)

    def action_post(self):
        self.ensure_one()
        posting = self.env["mrp.backflush.period.close"]._post_close(self._close_request())
        return {
            "type": "ir.actions.act_window",
            "name": posting.name,
            "res_model": "account.move",
            "res_id": posting.move_id.id,
            "view_mode": "form",
            "target": "main",  # opened from the menu: a new trail, not one more crumb
        }
