"""Reconciliation Check: the RIP ledger beside the floor, a screen over
mrp.backflush.books (which reads both) and costing.reconciliation (the arithmetic)."""

from odoo import Command, api, fields, models
from odoo.tools import date_utils
from odoo.tools.misc import format_date, formatLang

from ..costing import EVENT_REWORK, EVENT_SCRAP
from ..models.mrp_backflush_books import AMOUNT_FIELDS

# The check's totals, each the sum of a figure of its lines (AMOUNT_FIELDS).
TOTAL_OF = {
    "ledger_total": "ledger_balance",
    "component_total": "component_value",
    "finished_total": "finished_material",
    "expected_total": "expected_balance",
    "difference_total": "difference",
}


class MrpBackflushReconciliation(models.TransientModel):
    _name = "mrp.backflush.reconciliation"
    _description = "Backflush Reconciliation Check"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The books and the floor are compared at the end of this day.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many(
        "mrp.backflush.reconciliation.line",
        "reconciliation_id",
        string="RIP Accounts",
        compute="_compute_line_ids",
        compute_sudo=False,  # read the ledger with the user's rights
        store=True,
        precompute=True,
        readonly=True,
    )
    note = fields.Text(
        compute="_compute_line_ids",
        compute_sudo=False,
        store=True,
        precompute=True,
        readonly=True,
        help="Finished products whose standard could not be computed, left out of the check.",
    )
    failed_posting_ids = fields.Many2many(
        "mrp.backflush.posting",
        string="Queued Postings",
        compute="_compute_open_items",
        help="Postings not posted yet for events up to the date: Failed ones (retry them "
        "before the month is closed) and Pending ones (deferred, posted by the scheduled "
        "action in moments); the ledger lacks exactly them.",
    )
    uncovered_layer_ids = fields.Many2many(
        "stock.valuation.layer",
        string="Movements Without a Posting",
        compute="_compute_open_items",
        help="Valuation layers of moves that backflush costs instead of Odoo which no "
        "posting, posted or queued, holds. This list must be empty.",
    )
    scrap_month_total = fields.Monetary(
        string="Scrap Variance This Month",
        compute="_compute_scrap_and_rework",
        help="What scrap took out of RIP and finished goods from the first of the date's "
        "month up to the date, at standard (posted scrap and rework postings).",
    )
    rework_month_total = fields.Monetary(
        string="Rework Variance This Month",
        compute="_compute_scrap_and_rework",
        help="What repairs of finished units cost in parts from the first of the date's "
        "month up to the date: the parts they fitted out of RIP, less those they gave "
        "back to stock or scrapped (in Scrap Variance).",
    )
    ledger_total = fields.Monetary(string="Ledger", compute="_compute_totals")
    component_total = fields.Monetary(string="Components on Hand", compute="_compute_totals")
    finished_total = fields.Monetary(string="Finished Material on Hand", compute="_compute_totals")
    expected_total = fields.Monetary(string="Expected", compute="_compute_totals")
    difference_total = fields.Monetary(string="Difference", compute="_compute_totals")
    is_balanced = fields.Boolean(string="Books Match the Floor", compute="_compute_totals")
    status_message = fields.Char(string="Status", compute="_compute_totals")

    @api.depends("company_id", "date")
    def _compute_line_ids(self):
        for wizard in self:
            if not wizard.company_id or not wizard.date:
                wizard.line_ids = [Command.clear()]
                wizard.note = False
                continue
            rows, notes = wizard.env["mrp.backflush.books"]._reconciliation_rows(
                wizard.company_id, wizard.date
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": sequence,
                        "account_id": row["account"].id,
                        **{name: float(row[name]) for name in AMOUNT_FIELDS},
                    }
                )
                for sequence, row in enumerate(rows, start=1)
            ]
            wizard.note = "\n".join(notes) or False

    @api.depends("company_id", "date")
    def _compute_open_items(self):
        Books = self.env["mrp.backflush.books"]
        for wizard in self:
            if not wizard.company_id or not wizard.date:
                wizard.failed_posting_ids = wizard.uncovered_layer_ids = False
                continue
            wizard.failed_posting_ids = Books._failed_postings(wizard.company_id, wizard.date)
            wizard.uncovered_layer_ids = Books._uncovered_layers(wizard.company_id, wizard.date)

    def _scrap_and_rework_domain(self):
        return [
            ("company_id", "=", self.company_id.id),
            ("kind", "in", (EVENT_SCRAP, EVENT_REWORK)),
            ("state", "in", ("posted", "reversed")),
            # By the entry's date, as the ledger has it (a locked period moves it).
            ("accounting_date", ">=", date_utils.start_of(self.date, "month")),
            ("accounting_date", "<=", self.date),
        ]

    @api.depends("company_id", "date")
    def _compute_scrap_and_rework(self):
        for wizard in self:
            if not wizard.company_id or not wizard.date:
                wizard.scrap_month_total = wizard.rework_month_total = 0.0
                continue
            totals = (
                wizard.env["mrp.backflush.posting"]
                .sudo()
                ._read_group(
                    wizard._scrap_and_rework_domain(),
                    aggregates=["scrap_variance:sum", "rework_variance:sum"],
                )
            )
            wizard.scrap_month_total, wizard.rework_month_total = totals[0]

    @api.depends("currency_id", *(f"line_ids.{name}" for name in AMOUNT_FIELDS))
    def _compute_totals(self):
        for wizard in self:
            currency = wizard.currency_id or wizard.env.company.currency_id
            lines = wizard.line_ids
            totals = {name: currency.round(sum(lines.mapped(of))) for name, of in TOTAL_OF.items()}
            wizard.update(totals)
            difference = totals["difference_total"]
            # Every account must match: two differences may cancel out in the total.
            wizard.is_balanced = not any(lines.mapped("has_difference"))
            if not lines:
                wizard.status_message = wizard.env._(
                    "No RIP account to check: no finished product with a bill of materials "
                    "has the Completion or Shipment trigger in this company."
                )
            elif wizard.is_balanced:
                wizard.status_message = wizard.env._("Books match the floor.")
            elif currency.is_zero(difference):
                wizard.status_message = wizard.env._(
                    "The RIP accounts differ from the floor, though their differences "
                    "cancel out in total."
                )
            else:
                wizard.status_message = wizard.env._(
                    "Difference of %(amount)s between the RIP ledger and the floor.",
                    amount=formatLang(wizard.env, difference, currency_obj=currency),
                )

    # ------------------------------------------------------------------
    # Buttons.
    # ------------------------------------------------------------------

    @api.model
    def action_open_check(self):
        """Open a check of today, saved, so that its lines' Journal Items drill-down works
        from the first open (a button of an unsaved line has no record to run on)."""
        check = self.create({})
        return check._action_open()

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Backflush Reconciliation Check"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (self.env.ref("mrp_backflush.mrp_backflush_reconciliation_view_form").id, "form")
            ],
            "target": "new",
        }

    def action_refresh(self):
        """Check again (new postings since the check was opened), in a new check."""
        self.ensure_one()
        check = self.create({"company_id": self.company_id.id, "date": self.date})
        return check._action_open()

    def action_open_register(self):
        """The Backflush Register of the company, up to the date: the date is a search
        facet the user sees (and may remove), not a hidden domain."""
        self.ensure_one()
        return self._register_action(
            self.env._("Backflush Register accounted up to %s", format_date(self.env, self.date)),
            domain=[("company_id", "=", self.company_id.id)],
            context={
                "search_default_accounted_up_to_check": 1,
                "backflush_accounted_up_to": fields.Date.to_string(self.date),
            },
        )

    def action_open_scrap_and_rework(self):
        """The register's scrap and rework of the date's month, as a pivot by product and
        reason."""
        self.ensure_one()
        return self._register_action(
            self.env._(
                "Scrap and rework, %(start)s - %(end)s",
                start=format_date(self.env, date_utils.start_of(self.date, "month")),
                end=format_date(self.env, self.date),
            ),
            domain=self._scrap_and_rework_domain(),
            context={
                "pivot_row_groupby": ["product_id", "reason"],
                "pivot_column_groupby": ["kind"],
                "pivot_measures": ["scrap_variance", "rework_variance"],
            },
            views=[(False, "pivot"), (False, "list"), (False, "form")],
        )

    def _register_action(self, name, **values):
        """The Backflush Register action, named ``name``, with ``values`` (its domain,
        context, views) in place of its own, in the main window's trail."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action.update(values, target="current")
        # The web client titles an action by its display_name first.
        action["name"] = action["display_name"] = name
        return action
