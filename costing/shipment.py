"""Journal entry of the shipment of finished units under trigger 'shipment' (variant B).

Under variant B the finished units are not valued in the ledger until they are shipped:
the completion posts only the usage variances (costing.completion), and the shipment of D
units relieves RIP and conversion applied at standard.  Let b_i, c_i be the standard
quantity per unit and price of component i, m = sum b_i c_i and k the conversion cost per
unit.  The entry debits the output account with the value the delivery was given in
stock (round(D x finished standard price)), credits each component's account with
round(D b_i c_i) and conversion applied with round(D k); the production variance is
round(D (m + k)) - delivered value, and the few quanta left over by rounding the lines
separately go to a 'rounding' line on the production variance account.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import InvalidValue, check_decimal
from .entry import Entry, EntryLine
from .kinds import OUTPUT, PRODUCTION_VARIANCE, ZERO, AccountKey, ProductKey
from .lines import optional_line, standard_credits, standard_rounding_line
from .money import round_money, total
from .summary import summarize
from .values import CompletionSummary, UnitStandard


@dataclass(frozen=True)
class ShipmentAccounts:
    """Accounts used by a shipment entry.

    Attributes:
      output: Stock output (interim delivered) account, debited with the delivered value.
      conversion: Conversion costs applied account (credited).
      production_variance: Production variance account; also receives the rounding line.
    """

    output: AccountKey
    conversion: AccountKey
    production_variance: AccountKey


@dataclass(frozen=True)
class Shipment:
    """Everything needed to post the shipment of finished units made under variant B.

    Attributes:
      quantity: Delivered units D > 0, in the finished product's UoM.
      finished_product: The finished product.
      delivered_value: Value of the delivery in stock, >= 0 (a positive number, although
        Odoo's outgoing valuation layer holds it negated); rounded to the quantum.
      standard: Standard cost of one finished unit.
      accounts: The accounts to post to.
      rounding: Rounding quantum of the currency, e.g. Decimal('0.01').
    """

    quantity: Decimal
    finished_product: ProductKey
    delivered_value: Decimal
    standard: UnitStandard
    accounts: ShipmentAccounts
    rounding: Decimal = Decimal("0.01")

    def __post_init__(self) -> None:
        check_decimal(self, "quantity", self.quantity, above=ZERO)
        check_decimal(self, "delivered_value", self.delivered_value, at_least=ZERO)
        check_decimal(self, "rounding", self.rounding, above=ZERO)
        if not isinstance(self.standard, UnitStandard):
            raise InvalidValue("Shipment.standard must be a UnitStandard")
        if not isinstance(self.accounts, ShipmentAccounts):
            raise InvalidValue("Shipment.accounts must be a ShipmentAccounts")


@dataclass(frozen=True)
class ShipmentResult:
    """Outcome of costing a shipment.

    Attributes:
      entry: The balanced journal entry.
      summary: Its key figures, for the delivered quantity: finished_value is the output
        debit, material_standard = material_actual the RIP credit, usage_variance zero.
    """

    entry: Entry
    summary: CompletionSummary


def _money(shipment: Shipment, amount: Decimal) -> Decimal:
    return round_money(amount, shipment.rounding)


def _output_line(shipment: Shipment) -> list[EntryLine]:
    return optional_line(
        shipment.accounts.output,
        _money(shipment, shipment.delivered_value),
        OUTPUT,
        shipment.finished_product,
        shipment.quantity,
    )


def _production_variance_line(shipment: Shipment, output: Decimal) -> list[EntryLine]:
    """Standard cost of what was shipped minus the value it left stock at (+ = debit)."""
    standard_cost = _money(shipment, shipment.quantity * shipment.standard.total_per_unit)
    return optional_line(
        shipment.accounts.production_variance,
        standard_cost - output,
        PRODUCTION_VARIANCE,
        shipment.finished_product,
    )


def shipment_entry(shipment: Shipment) -> ShipmentResult:
    """The balanced journal entry of ``shipment`` and its key figures.

    Lines, in order: output (debit, the delivered value); material (one credit per
    standard component, on its ComponentStandard.account); conversion applied (credit);
    production variance; rounding.  Lines whose amount is zero are left out.  Raises a
    CostingError on inconsistent input (e.g. a component without an account).
    """
    output = _output_line(shipment)
    lines = (
        output
        + standard_credits(
            shipment.quantity,
            shipment.standard,
            shipment.accounts.conversion,
            shipment.finished_product,
            shipment.rounding,
        )
        + _production_variance_line(shipment, total(line.amount for line in output))
    )
    entry = Entry(tuple(lines + standard_rounding_line(shipment, lines)))
    return ShipmentResult(entry, summarize(entry))
