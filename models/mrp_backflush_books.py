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

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..costing import (
    RIP_TRIGGERS,
    TRIGGER_SHIPMENT,
    TRIGGERS,
    CostingError,
    FinishedOnHand,
    reconciliation_rows,
    to_decimal,
)
from .mrp_backflush_posting import QUEUED_STATES

# The figures of a row, as costing.ReconciliationRow names them.
AMOUNT_FIELDS = (
    "ledger_balance",
    "component_value",
    "finished_material",
    "expected_balance",
    "difference",
)


class MrpBackflushBooks(models.AbstractModel):
    """What the books and the floor say of RIP, read for the Reconciliation Check; the
    arithmetic is costing.reconciliation."""

    _name = "mrp.backflush.books"
    _description = "Backflush Books and Floor"

    @api.model
    def _reconciliation_rows(self, company, date):
        """One row per RIP account, ordered by code, and the notes on what was left out.

        A row is a dict: ``account`` (account.account) and the Decimal amounts
        ``ledger_balance``, ``component_value``, ``finished_material``,
        ``expected_balance`` and ``difference``, each rounded to the company currency.
        """
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You are not allowed to check the books of %s.", company.display_name)
            )
        standards, notes = self._finished_standards(company, date)
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
            ledger=self._ledger_balances(company, date, accounts),
            components=self._component_values(company, date, accounts),
            finished=self._finished_on_hand(company, date, shipment_standards),
            rounding=to_decimal(company.currency_id.rounding),
        )
        return [
            {
                "account": self.env["account.account"].browse(row.account),
                **{name: getattr(row, name) for name in AMOUNT_FIELDS},
            }
            for row in rows
        ], notes

    @api.model
    def _end_of_day_utc(self, date):
        """The end of ``date`` in the user's time zone, as a naive UTC datetime (excluded)."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        local = tz.localize(datetime.combine(date + timedelta(days=1), time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _finished_standards(self, company, date=None):
        """``[(product, trigger, UnitStandard)]`` of the finished products whose trigger
        inventories components in RIP, read in the company, and notes on those whose
        standard could not be computed. Their components at the standards in force on
        ``date`` (mrp.backflush.standard.history), when given."""
        prices = (
            self.env["mrp.backflush.standard.history"]._standards_on(company, date) if date else {}
        )
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
                standard = product._backflush_unit_standard(bom, prices=prices)
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

    @api.model
    def _ledger_balances(self, company, date, accounts):
        """{account id: Decimal balance} of the posted journal items at the date."""
        if not accounts:
            return {}
        groups = (
            self.env["account.move.line"]
            .with_company(company)
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("account_id", "in", accounts.ids),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date),
                ],
                ["account_id"],
                ["balance:sum"],
            )
        )
        return {account.id: to_decimal(balance) for account, balance in groups}

    @api.model
    def _layer_sums(self, company, date, products):
        """{product: (Decimal value, Decimal quantity)} of the company's valuation layers
        created until the end of the date."""
        if not products:
            return {}
        groups = (
            self.env["stock.valuation.layer"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("product_id", "in", products.ids),
                    ("create_date", "<", self._end_of_day_utc(date)),
                ],
                ["product_id"],
                ["value:sum", "quantity:sum"],
            )
        )
        return {
            product.id: (to_decimal(value), to_decimal(quantity))
            for product, value, quantity in groups
        }

    @api.model
    def _component_values(self, company, date, accounts):
        """{account id: Decimal value} of the layers of the products valued in ``accounts``.

        Only categories with automated valuation count: the layers of the others are not
        posted to their valuation account.
        """
        if not accounts:
            return {}
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
        layers = self._layer_sums(company, date, products)
        for product in products:
            if product.id in layers:
                values[account_of[product.categ_id.id]] += layers[product.id][0]
        return dict(values)

    @api.model
    def _finished_on_hand(self, company, date, standards):
        """The finished units on hand at the date of the shipment-trigger products, as
        costing FinishedOnHand values. ``standards``: ``[(product, UnitStandard)]``."""
        if not standards:
            return []
        products = self.env["product.product"].concat(*(product for product, _std in standards))
        layers = self._layer_sums(company, date, products)
        return [
            FinishedOnHand(product.id, layers[product.id][1], standard)
            for product, standard in standards
            if product.id in layers
        ]

    @api.model
    def _failed_postings(self, company, date):
        """The postings of ``company`` for events up to ``date`` that wait for their
        entry (Failed, or Pending: deferred), so that the ledger lacks them."""
        return (
            self.env["mrp.backflush.posting"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", QUEUED_STATES),
                    ("date", "<=", date),
                ]
            )
        )

    @api.model
    def _uncovered_layers(self, company, date):
        """The valuation layers, created until the end of ``date``, of moves that backflush
        costs instead of Odoo (an order, unbuild or scrap of a product under a trigger, a
        movement of a product costed at shipment) that neither an entry nor a posting,
        posted or queued, holds. It must be empty: every movement has its posting."""
        company_key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                SELECT layer.id
                  FROM stock_valuation_layer layer
                  JOIN stock_move move ON move.id = layer.stock_move_id
             LEFT JOIN mrp_production raw_mo ON raw_mo.id = move.raw_material_production_id
             LEFT JOIN mrp_production made_mo ON made_mo.id = move.production_id
             LEFT JOIN mrp_unbuild unbuild ON unbuild.id = move.unbuild_id
             LEFT JOIN stock_scrap scrap ON scrap.id = move.scrap_id
             LEFT JOIN mrp_production scrap_mo ON scrap_mo.id = scrap.production_id
                  JOIN product_product product ON product.id = COALESCE(
                       raw_mo.product_id, made_mo.product_id, unbuild.product_id,
                       scrap_mo.product_id, move.product_id)
                  JOIN product_template template ON template.id = product.product_tmpl_id
                  JOIN product_category category ON category.id = template.categ_id
                 WHERE layer.company_id = %(company)s
                   AND layer.create_date < %(end)s
                   AND layer.account_move_id IS NULL
                   AND (move.scrap_id IS NULL OR scrap.production_id IS NOT NULL)
                   AND CASE
                       WHEN COALESCE(raw_mo.id, made_mo.id, unbuild.id, scrap_mo.id) IS NULL
                       THEN category.property_backflush_trigger ->> %(key)s = %(shipment)s
                       ELSE category.property_backflush_trigger ->> %(key)s IN %(triggers)s
                       END
                   AND NOT EXISTS (
                       SELECT 1 FROM mrp_backflush_posting_valuation_layer_rel held
                        WHERE held.layer_id = layer.id)
              ORDER BY layer.id
                """,
                company=company.id,
                end=self._end_of_day_utc(date),
                key=company_key,
                shipment=TRIGGER_SHIPMENT,
                triggers=TRIGGERS,
            )
        )
        return self.env["stock.valuation.layer"].browse([row[0] for row in self.env.cr.fetchall()])
