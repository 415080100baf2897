from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, date_utils, format_amount, format_date

from ..costing import ConversionClose, close_entry, is_zero
from ..costing.event import Event
from ..costing.money import to_decimal
from ..costing.values import EVENT_PERIOD_CLOSE, ZERO


class MrpBackflushConversionCloseWizard(models.TransientModel):
    """Horngren's period close of conversion costs.

    For a company and a date range, the actual conversion costs booked on the Conversion
    Costs Control accounts are compared with the Conversion Costs Applied at standard by
    backflush costing. One entry zeroes both for the range and writes the under-applied
    (debit) or over-applied (credit) difference off to cost of goods sold or to a chosen
    variance account. The preview and the posted entry come from ``_close_entry``.
    """

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
        for wizard in self:
            wizard.applied_account_ids = wizard._category_accounts(
                "property_backflush_conversion_account_id"
            )

    @api.depends("company_id", "disposition")
    def _compute_target_account_id(self):
        for wizard in self:
            if not wizard.company_id:
                wizard.target_account_id = False
            elif wizard.disposition == "cogs":
                wizard.target_account_id = wizard._default_cogs_account()
            else:
                wizard.target_account_id = wizard._default_variance_account()

    def _default_cogs_account(self):
        """The company's cost of goods sold: the expense account of the default product
        category when it is a direct cost, else the company's first direct cost account."""
        company = self.company_id
        Account = self.env["account.account"].with_company(company)
        category = self.env.ref("product.product_category_all", raise_if_not_found=False)
        expense = (
            category.with_company(company).property_account_expense_categ_id
            if category
            else Account
        )
        if expense.account_type == "expense_direct_cost":
            return expense
        direct_cost = Account.search(
            [
                *Account._check_company_domain(company),
                ("account_type", "=", "expense_direct_cost"),
                ("deprecated", "=", False),
            ],
            limit=1,
        )
        return direct_cost or expense

    def _default_variance_account(self):
        """The production variance account of the company's categories, if there is one."""
        accounts = self._category_accounts("property_backflush_production_variance_account_id")
        return accounts if len(accounts) == 1 else accounts.browse()

    def _category_accounts(self, field_name):
        """The accounts set in ``field_name`` (company-dependent) on the company's product
        categories."""
        categories = (
            self.env["product.category"]
            .with_company(self.company_id)
            .search([(field_name, "!=", False)])
        )
        return categories.mapped(field_name)

    # ------------------------------------------------------------------
    # The closing entry: one builder for the preview and the posting
    # ------------------------------------------------------------------

    def _balances(self, accounts):
        """{account id: Decimal balance (debit positive)} over the range, posted entries
        of the company."""
        self.ensure_one()
        account_ids = accounts._origin.ids
        if not (account_ids and self.company_id and self.date_from and self.date_to):
            return {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company_id._origin.id),
                ("parent_state", "=", "posted"),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("account_id", "in", account_ids),
            ],
            groupby=["account_id"],
            aggregates=["balance:sum"],
        )
        return {account.id: to_decimal(balance) for account, balance in groups}

    def _close_result(self):
        """The costing CloseResult of this close: its entry (previewed and posted) and
        its totals."""
        self.ensure_one()
        return close_entry(
            ConversionClose(
                applied=self._balances(self.applied_account_ids),
                control=self._balances(self.control_account_ids),
                write_off_account=self.target_account_id._origin.id or None,
                rounding=to_decimal(self.currency_id.rounding or 0.01),
            )
        )

    def _close_entry(self):
        """The costing Entry this wizard posts (and previews)."""
        return self._close_result().entry

    @api.depends(
        "company_id",
        "date_from",
        "date_to",
        "control_account_ids",
        "applied_account_ids",
        "target_account_id",
    )
    def _compute_preview(self):
        for wizard in self:
            result = wizard._close_result()
            wizard.control_total = float(result.control_total)
            wizard.applied_total = float(result.applied_total)
            wizard.difference = float(result.difference)

    @api.depends(
        "company_id",
        "date_from",
        "date_to",
        "control_account_ids",
        "applied_account_ids",
        "target_account_id",
    )
    def _compute_preview_line_ids(self):
        labels = dict(self.env["account.move.line"]._fields["backflush_kind"].selection)
        for wizard in self:
            wizard.preview_line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": sequence,
                        "account_id": line.account or False,
                        "label": labels[line.kind],
                        "debit": float(line.debit),
                        "credit": float(line.credit),
                    }
                )
                for sequence, line in enumerate(wizard._close_entry().lines, start=1)
            ]

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def _event_key(self):
        return f"period_close:{self.company_id.id}:{self.date_from}:{self.date_to}"

    def _range_label(self):
        return self.env._(
            "%(start)s to %(end)s",
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
        )

    def _check_closable(self):
        """Raise a UserError saying why this close cannot be posted, if it cannot."""
        self.ensure_one()
        company = self.company_id
        if self.date_from > self.date_to:
            raise UserError(
                self.env._(
                    "The range starts on %(start)s, after its end %(end)s.",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        today = fields.Date.context_today(self)
        if self.date_to > today:
            raise UserError(
                self.env._(
                    "The range ends on %(end)s, after today: costs booked in it later could "
                    "never be closed (a range may not overlap a closed one). Close it once it "
                    "is over.",
                    end=format_date(self.env, self.date_to),
                )
            )
        if not self.control_account_ids:
            raise UserError(
                self.env._(
                    "Choose the Conversion Costs Control accounts, where the actual labour "
                    "and overhead were booked."
                )
            )
        if not company.backflush_journal_id:
            raise UserError(
                self.env._(
                    "Company %s has no backflush journal: set it in Settings > Companies.",
                    company.name,
                )
            )
        Posting = self.env["mrp.backflush.posting"]
        earlier = Posting.search([("event_key", "=", self._event_key())], limit=1)
        if earlier:
            raise UserError(
                self.env._(
                    "The conversion costs of %(range)s were already closed by %(close)s "
                    "(entry %(entry)s). Nothing was posted again.",
                    range=self._range_label(),
                    close=earlier.name,
                    entry=earlier.move_id.name or "-",
                )
            )
        overlapping = Posting.search(
            [
                ("kind", "=", EVENT_PERIOD_CLOSE),
                ("company_id", "=", company.id),
                ("period_start", "<=", self.date_to),
                ("period_end", ">=", self.date_from),
            ],
            limit=1,
        )
        if overlapping:
            raise UserError(
                self.env._(
                    "The range %(range)s overlaps %(close)s, which closed %(start)s to "
                    "%(end)s (entry %(entry)s). Choose a range that does not overlap a closed "
                    "one.",
                    range=self._range_label(),
                    close=overlapping.name,
                    start=format_date(self.env, overlapping.period_start),
                    end=format_date(self.env, overlapping.period_end),
                    entry=overlapping.move_id.name or "-",
                )
            )
        both = self.control_account_ids & self.applied_account_ids
        if both:
            raise UserError(
                self.env._(
                    "%s cannot be both a control and an applied account.",
                    ", ".join(both.mapped("display_name")),
                )
            )
        if self.target_account_id in self.control_account_ids | self.applied_account_ids:
            raise UserError(
                self.env._(
                    "The write-off account %s is one of the control or applied accounts: "
                    "choose another one.",
                    self.target_account_id.display_name,
                )
            )
        locks = company._get_violated_lock_dates(self.date_to, False, company.backflush_journal_id)
        if locks:
            raise UserError(
                self.env._(
                    "The closing entry would be dated %(date)s, which is locked: "
                    "%(locks)s. Close the conversion costs before locking the period.",
                    date=format_date(self.env, self.date_to),
                    locks=company._format_lock_dates(locks),
                )
            )

    def _lock_company_closes(self):
        """Serialize the period closes of the company: a concurrent close, which touched
        the same row, makes this transaction fail and be retried (then it sees that close
        and refuses an overlapping range)."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET write_date = write_date WHERE id = %s",
                self.company_id.id,
            )
        )

    def _close_event(self):
        self.ensure_one()
        result = self._close_result()
        difference = result.difference
        company = self.company_id
        target = self.target_account_id
        if is_zero(difference, to_decimal(self.currency_id.rounding)):
            note = self.env._("Applied conversion costs equal the actual ones: no write-off.")
        else:
            note = self.env._(
                "%(kind)s conversion costs of %(amount)s written off to %(account)s (%(side)s).",
                kind=self.env._("Under-applied") if difference > 0 else self.env._("Over-applied"),
                amount=format_amount(self.env, float(abs(difference)), self.currency_id),
                account=target.display_name,
                side=self.env._("debit") if difference > 0 else self.env._("credit"),
            )
        name = self.env._("Conversion close %(range)s", range=self._range_label())
        return Event(
            key=self._event_key(),
            kind=EVENT_PERIOD_CLOSE,
            company=company.id,
            name=name,
            ref=name,
            entry=result.entry,
            summary=result.summary,
            quantity=ZERO,
            date=self.date_to,
            period_start=self.date_from,
            period_end=self.date_to,
            note=note,
        )

    def action_post(self):
        self.ensure_one()
        if not (self.env.su or self.env.user.has_group("account.group_account_manager")):
            raise AccessError(
                self.env._("Only accounting administrators can close conversion costs.")
            )
        wizard = self.with_company(self.company_id)
        wizard._lock_company_closes()
        wizard._check_closable()
        if not wizard._close_entry().lines:
            raise UserError(
                self.env._(
                    "Nothing to close: the control and applied accounts have no balance "
                    "from %(range)s.",
                    range=wizard._range_label(),
                )
            )
        posting = wizard.env["mrp.backflush.posting"]._post_events([wizard._close_event()])
        return {
            "type": "ir.actions.act_window",
            "name": posting.name,
            "res_model": "account.move",
            "res_id": posting.move_id.id,
            "view_mode": "form",
            "target": "current",
        }


class MrpBackflushConversionCloseWizardPreview(models.TransientModel):
    _name = "mrp.backflush.conversion.close.wizard.preview"
    _description = "Close Conversion Costs Entry Preview"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "mrp.backflush.conversion.close.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    account_id = fields.Many2one("account.account", string="Account", readonly=True)
    label = fields.Char(readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
