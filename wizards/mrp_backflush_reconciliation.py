"""Reconciliation check: the RIP ledger beside the floor (valuation layers and standards).

Under backflush costing, RIP (Materials and In-Process) is the stock valuation account of
the component categories. The check sets side by side, for each RIP account of a company
at the end of a date:

- **ledger**: the balance of the posted journal items of that company dated on or before
  the date;
- **components**: the value of the stock valuation layers created until the end of that
  date (user's time zone) of the products whose category values them, automatically, in
  that account;
- **finished material**: under the *Shipment* trigger, finished units on hand are not in
  the finished goods account: their material standard stays in RIP until they are
  delivered. It is the quantity on hand at the date (sum of the finished product's
  valuation layer quantities) times the material standard of one unit, split by each
  component's valuation account. The standard is today's (the product's bill of materials
  and its components' standard prices now), as a delivery today would post it;
- **expected** = components + finished material, and **difference** = ledger - expected.

Which accounts are RIP: the valuation accounts of the stored components (kits exploded,
consumables left out) of the bills of materials of the finished products whose category
trigger is *Completion* or *Shipment* in the company. *Completion only* components are
not inventoried (manual valuation) and have no RIP account.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from ..costing import CostingError, FinishedOnHand, reconciliation_rows
from ..costing.money import to_decimal
from ..costing.values import RIP_TRIGGERS, TRIGGER_SHIPMENT

AMOUNT_FIELDS = (
    "ledger_balance",
    "component_value",
    "finished_material",
    "expected_balance",
    "difference",
)


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
            rows, notes = wizard._reconciliation_rows()
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

    @api.depends(
        "currency_id",
        "line_ids.ledger_balance",
        "line_ids.component_value",
        "line_ids.finished_material",
        "line_ids.expected_balance",
        "line_ids.difference",
    )
    def _compute_totals(self):
        for wizard in self:
            currency = wizard.currency_id or wizard.env.company.currency_id
            lines = wizard.line_ids
            wizard.ledger_total = currency.round(sum(lines.mapped("ledger_balance")))
            wizard.component_total = currency.round(sum(lines.mapped("component_value")))
            wizard.finished_total = currency.round(sum(lines.mapped("finished_material")))
            wizard.expected_total = currency.round(sum(lines.mapped("expected_balance")))
            difference = currency.round(sum(lines.mapped("difference")))
            wizard.difference_total = difference
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
    # The check itself, on plain values.
    # ------------------------------------------------------------------

    def _reconciliation_rows(self):
        """One row per RIP account, ordered by code, and the notes on what was left out.

        A row is a dict: ``account`` (account.account) and the Decimal amounts
        ``ledger_balance``, ``component_value``, ``finished_material``,
        ``expected_balance`` and ``difference``, each rounded to the company currency.
        """
        self.ensure_one()
        company = self.company_id
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You are not allowed to check the books of %s.", company.display_name)
            )
        standards, notes = self._finished_standards()
        accounts = (
            self.env["account.account"]
            .browse(
                {
                    component.account
                    for _product, _trigger, standard in standards
                    for component in standard.components
                    if component.account
                }
            )
            .sorted(lambda account: (account.code or "", account.id))
        )
        shipment_standards = [
            (product, standard)
            for product, trigger, standard in standards
            if trigger == TRIGGER_SHIPMENT
        ]
        rows = reconciliation_rows(
            accounts=accounts.ids,
            ledger=self._ledger_balances(accounts),
            components=self._component_values(accounts),
            finished=self._finished_on_hand(shipment_standards),
            rounding=to_decimal(company.currency_id.rounding),
        )
        return [
            {
                "account": self.env["account.account"].browse(row.account),
                **{name: getattr(row, name) for name in AMOUNT_FIELDS},
            }
            for row in rows
        ], notes

    def _end_of_day_utc(self):
        """The end of ``date`` in the user's time zone, as a naive UTC datetime (excluded)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        local = tz.localize(datetime.combine(self.date + timedelta(days=1), time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _finished_standards(self):
        """``[(product, trigger, UnitStandard)]`` of the finished products whose trigger
        inventories components in RIP, read in the company, and notes on those whose
        standard could not be computed."""
        company = self.company_id
        categories = (
            self.env["product.category"]
            .sudo()
            .with_company(company)
            .search([("property_backflush_trigger", "in", RIP_TRIGGERS)])
        )
        if not categories:
            return [], []
        products = (
            self.env["product.product"]
            .sudo()
            .with_company(company)
            .with_context(active_test=False)  # archived products may still be on hand
            .search([("categ_id", "in", categories.ids)], order="id")
            .with_context(active_test=True)  # but only active bills of materials count
        )
        standards, notes = [], []
        for product in products:
            bom = product._backflush_bom()
            if not bom:
                continue  # bought, not made: Odoo's valuation
            try:
                standard = product._backflush_unit_standard(bom)
            except (UserError, CostingError) as error:
                notes.append(
                    self.env._(
                        "%(product)s is left out: its standard cannot be computed (%(reason)s).",
                        product=product.display_name,
                        reason=error,
                    )
                )
                continue
            standards.append((product, product.categ_id._backflush_trigger(), standard))
        return standards, notes

    def _ledger_balances(self, accounts):
        """{account id: Decimal balance} of the posted journal items at the date."""
        if not accounts:
            return {}
        company = self.company_id
        groups = (
            self.env["account.move.line"]
            .with_company(company)
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("account_id", "in", accounts.ids),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", self.date),
                ],
                ["account_id"],
                ["balance:sum"],
            )
        )
        return {account.id: to_decimal(balance) for account, balance in groups}

    def _layer_sums(self, products):
        """{product: (Decimal value, Decimal quantity)} of the company's valuation layers
        created until the end of the date."""
        if not products:
            return {}
        groups = (
            self.env["stock.valuation.layer"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("product_id", "in", products.ids),
                    ("create_date", "<", self._end_of_day_utc()),
                ],
                ["product_id"],
                ["value:sum", "quantity:sum"],
            )
        )
        return {
            product.id: (to_decimal(value), to_decimal(quantity))
            for product, value, quantity in groups
        }

    def _component_values(self, accounts):
        """{account id: Decimal value} of the layers of the products valued in ``accounts``.

        Only categories with automated valuation count: the layers of the others are not
        posted to their valuation account.
        """
        if not accounts:
            return {}
        company = self.company_id
        categories = (
            self.env["product.category"]
            .sudo()
            .with_company(company)
            .search([("property_stock_valuation_account_id", "in", accounts.ids)])
            .filtered(lambda category: category.property_valuation == "real_time")
        )
        if not categories:
            return {}
        products = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search([("categ_id", "in", categories.ids)])
        )
        account_of = {
            category.id: category.property_stock_valuation_account_id.id for category in categories
        }
        values = defaultdict(Decimal)
        layers = self._layer_sums(products)
        for product in products:
            if product.id in layers:
                values[account_of[product.categ_id.id]] += layers[product.id][0]
        return dict(values)

    def _finished_on_hand(self, standards):
        """The finished units on hand at the date of the shipment-trigger products, as
        costing FinishedOnHand values. ``standards``: ``[(product, UnitStandard)]``."""
        if not standards:
            return []
        products = self.env["product.product"].concat(*(product for product, _std in standards))
        layers = self._layer_sums(products)
        return [
            FinishedOnHand(product.id, layers[product.id][1], standard)
            for product, standard in standards
            if product.id in layers
        ]

    # ------------------------------------------------------------------
    # Buttons.
    # ------------------------------------------------------------------

    def action_refresh(self):
        """Check again (new postings since the check was opened), in a new check."""
        self.ensure_one()
        check = self.create({"company_id": self.company_id.id, "date": self.date})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Backflush Reconciliation Check"),
            "res_model": self._name,
            "res_id": check.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_register(self):
        """The Backflush Register of the company, up to the date."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mrp_backflush.mrp_backflush_posting_action"
        )
        action["domain"] = [
            ("company_id", "=", self.company_id.id),
            ("accounting_date", "<=", self.date),
        ]
        action["target"] = "current"
        return action


class MrpBackflushReconciliationLine(models.TransientModel):
    _name = "mrp.backflush.reconciliation.line"
    _description = "Backflush Reconciliation Check Line"
    _order = "sequence, id"

    reconciliation_id = fields.Many2one(
        "mrp.backflush.reconciliation", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer()
    currency_id = fields.Many2one(related="reconciliation_id.currency_id")
    account_id = fields.Many2one("account.account", string="RIP Account", readonly=True)
    ledger_balance = fields.Monetary(
        string="Ledger", readonly=True, help="Balance of the posted journal items at the date."
    )
    component_value = fields.Monetary(
        string="Components on Hand",
        readonly=True,
        help="Value of the stock valuation layers of the products valued in this account.",
    )
    finished_material = fields.Monetary(
        string="Finished Material on Hand",
        readonly=True,
        help="Shipment trigger: material standard of the finished units on hand, which "
        "stays in RIP until they are delivered (today's standard).",
    )
    expected_balance = fields.Monetary(
        string="Expected", readonly=True, help="Components on hand plus finished material."
    )
    difference = fields.Monetary(readonly=True, help="Ledger minus expected.")
    has_difference = fields.Boolean(compute="_compute_has_difference")

    @api.depends("difference", "currency_id")
    def _compute_has_difference(self):
        for line in self:
            currency = line.currency_id or line.env.company.currency_id
            line.has_difference = not currency.is_zero(line.difference)

    def action_open_journal_items(self):
        """The posted journal items behind the ledger balance."""
        self.ensure_one()
        check = self.reconciliation_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Items of %s", self.account_id.display_name),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("company_id", "=", check.company_id.id),
                ("account_id", "=", self.account_id.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", check.date),
            ],
            "context": {"create": False},
            "target": "current",
        }
