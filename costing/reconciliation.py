"""Arithmetic of the Reconciliation Check: does each RIP account match the floor?

With backflush costing a RIP (raw and in-process) account holds the components on hand,
valued by their stock valuation layers, and, under trigger 'shipment', also the material
standard of the finished units on hand: it stays in RIP until they are delivered.  The
check compares, per RIP account, the ledger balance with the expected one: components on
hand plus finished material.

The finished material is rounded exactly as a shipment of all the units on hand would
credit RIP (per component, see costing.lines.standard_credits).  Rounding is not
additive, though: after a few partial deliveries (or completions, returns, scrap) the
ledger can be a few quanta away from that figure, each event having been rounded on its
own.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .checks import InvalidValue, check_amounts, check_decimal
from .kinds import MATERIAL, ZERO, AccountKey, ProductKey
from .lines import standard_credits
from .money import check_rounding, round_money
from .values import UnitStandard


def finished_material(
    quantity: Decimal, standard: UnitStandard, rounding: Decimal
) -> dict[AccountKey, Decimal]:
    """{RIP account: material standard of ``quantity`` finished units}.

    Rounded exactly as a shipment of ``quantity`` units would credit each account: per
    component round(quantity x b_i x c_i) (costing.lines.standard_credits), then summed
    per account; two components of 0.5 x 0.25 on one account give 0.13 + 0.13 = 0.26 for
    one unit, not round(0.25).  Components without an account are left out, and so are
    accounts whose amount is zero: a zero quantity gives {}.  A negative quantity (Odoo
    allows negative stock) gives negative amounts.
    """
    check_decimal(None, "quantity", quantity)
    check_rounding(rounding)
    if not isinstance(standard, UnitStandard):
        raise InvalidValue(f"standard must be a UnitStandard, got {type(standard).__name__}")
    if quantity == 0:
        return {}
    with_account = UnitStandard(
        tuple(c for c in standard.components if c.account is not None), ZERO
    )
    material: dict[AccountKey, Decimal] = {}
    for line in standard_credits(quantity, with_account, None, None, rounding):
        if line.kind == MATERIAL:
            material[line.account] = material.get(line.account, ZERO) - line.amount
    return {account: amount for account, amount in material.items() if amount != 0}


@dataclass(frozen=True)
class FinishedOnHand:
    """Finished units on hand of a product made under trigger 'shipment'.

    Attributes:
      product: The finished product.
      quantity: Units on hand at the date of the check (negative with negative stock).
      standard: Its standard cost of one unit (today's standard).
    """

    product: ProductKey
    quantity: Decimal
    standard: UnitStandard

    def __post_init__(self) -> None:
        check_decimal(self, "quantity", self.quantity)
        if not isinstance(self.standard, UnitStandard):
            raise InvalidValue("FinishedOnHand.standard must be a UnitStandard")


@dataclass(frozen=True)
class ReconciliationRow:
    """The check of one RIP account; every amount is rounded to the quantum.

    Attributes:
      account: The RIP account.
      ledger_balance: Its balance in the ledger (debit positive).
      component_value: Value of the components on hand valued in it.
      finished_material: Material standard of the finished units on hand (shipment).
      expected_balance: component_value + finished_material.
      difference: ledger_balance - expected_balance; zero when the books match.
    """

    account: AccountKey
    ledger_balance: Decimal
    component_value: Decimal
    finished_material: Decimal
    expected_balance: Decimal
    difference: Decimal


def held_material(
    finished: Iterable[FinishedOnHand], rounding: Decimal
) -> dict[AccountKey, Decimal]:
    """{account: material standard held for the finished units of ``finished``}: the sum
    of their finished_material, what the check expects beside the components on hand."""
    material: dict[AccountKey, Decimal] = {}
    for item in finished:
        if not isinstance(item, FinishedOnHand):
            raise InvalidValue(f"finished must hold FinishedOnHand items, got {item!r}")
        for account, amount in finished_material(item.quantity, item.standard, rounding).items():
            material[account] = material.get(account, ZERO) + amount
    return material


def reconciliation_rows(
    accounts: Iterable[AccountKey],
    ledger: Mapping[AccountKey, Decimal],
    components: Mapping[AccountKey, Decimal],
    finished: Iterable[FinishedOnHand],
    rounding: Decimal,
) -> tuple[ReconciliationRow, ...]:
    """One ReconciliationRow per account of ``accounts``, in the given order.

    ``ledger`` and ``components`` give the ledger balance and the value of the components
    on hand per account; ``finished`` the finished units on hand of the products made
    under trigger 'shipment', whose material is counted with finished_material.  Missing
    figures are zero; figures of accounts not in ``accounts`` are ignored.  An account
    listed twice raises InvalidValue.
    """
    accounts = tuple(accounts)
    if len(set(accounts)) != len(accounts):
        raise InvalidValue("accounts lists an account more than once")
    check_amounts(None, "ledger", ledger)
    check_amounts(None, "components", components)
    check_rounding(rounding)
    material = held_material(finished, rounding)
    rows = []
    for account in accounts:
        ledger_balance = round_money(ledger.get(account, ZERO), rounding)
        component_value = round_money(components.get(account, ZERO), rounding)
        finished_value = round_money(material.get(account, ZERO), rounding)
        expected = component_value + finished_value
        rows.append(
            ReconciliationRow(
                account=account,
                ledger_balance=ledger_balance,
                component_value=component_value,
                finished_material=finished_value,
                expected_balance=expected,
                difference=ledger_balance - expected,
            )
        )
    return tuple(rows)
