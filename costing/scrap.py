"""Journal entry of scrap recorded against a manufacturing order (backflush).

Scrapped components leave RIP at their standard price (under 'completion_only' the
order's own components leave the materials clearing account, see component_account);
scrapped finished units leave finished goods at the finished product's standard price,
or, under 'shipment' where finished goods are not in the ledger, RIP at the material
standard and Conversion Costs Applied at the conversion standard. The scrap variance
account is debited with the total. Every line is rounded on its own and the debit is
their sum, so the entry balances exactly.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import InvalidValue, check_decimal, freeze_tuple
from .entry import Entry, EntryLine
from .kinds import (
    FINISHED,
    MATERIAL,
    SCRAP_VARIANCE,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_SHIPMENT,
    TRIGGERS,
    AccountKey,
)
from .lines import standard_credits
from .money import total
from .values import UnitStandard, ValuedQuantity


@dataclass(frozen=True)
class ScrappedComponent(ValuedQuantity):
    """Components scrapped (quantity > 0), credited on their account (RIP).

    Attributes:
      of_order: Whether it is one of the order's own components: under
        'completion_only' those leave the materials clearing account instead.
    """

    of_order: bool = False

    quantity_may_be_zero = False


@dataclass(frozen=True)
class ScrappedFinished(ValuedQuantity):
    """Finished units scrapped (quantity > 0), credited on their finished goods account
    at their value or standard price, unless the trigger is 'shipment'.

    Attributes:
      standard: Its unit standard (used under 'shipment').
      conversion_account: Conversion Costs Applied (used under 'shipment').
    """

    standard: UnitStandard
    conversion_account: AccountKey

    quantity_may_be_zero = False


@dataclass(frozen=True)
class Scrap:
    """Scrap recorded in one go against one order.

    Attributes:
      trigger: The finished product's backflush trigger.
      components: ScrappedComponent items.
      finished: ScrappedFinished items.
      scrap_variance_account: The account debited.
      rounding: The currency's rounding quantum.
      clearing_account: Materials clearing, which the order's own components leave
        under 'completion_only' (required then, when there are such components).
    """

    trigger: str
    components: tuple[ScrappedComponent, ...]
    finished: tuple[ScrappedFinished, ...]
    scrap_variance_account: AccountKey
    rounding: Decimal = Decimal("0.01")
    clearing_account: AccountKey | None = None

    def __post_init__(self) -> None:
        if self.trigger not in TRIGGERS:
            raise InvalidValue(f"Scrap.trigger must be one of {TRIGGERS}, got {self.trigger!r}")
        check_decimal(self, "rounding", self.rounding)
        freeze_tuple(self, "components", ScrappedComponent)
        freeze_tuple(self, "finished", ScrappedFinished)


def _credit(scrap: Scrap, item, kind: str, account: AccountKey) -> list[EntryLine]:
    """Credit ``item`` (scrapped component or finished units) on ``account``: the layers'
    value when known, else its quantity at its standard price."""
    value = item.booked_value(scrap.rounding)
    return [EntryLine(account, -value, kind, item.product, item.quantity)] if value else []


def component_account(scrap: Scrap, item: ScrappedComponent) -> AccountKey:
    """The account a scrapped component leaves: under 'completion_only' the order's own
    components never reached RIP (their bills went to materials clearing), so they
    leave clearing; any other component leaves its valuation account."""
    if scrap.trigger != TRIGGER_COMPLETION_ONLY or not item.of_order:
        return item.account
    if scrap.clearing_account is None:
        raise InvalidValue(f"component {item.product!r} needs the materials clearing account")
    return scrap.clearing_account


def _component_lines(scrap: Scrap) -> list[EntryLine]:
    lines = []
    for item in scrap.components:
        lines += _credit(scrap, item, MATERIAL, component_account(scrap, item))
    return lines


def _finished_lines(scrap: Scrap, item: ScrappedFinished) -> list[EntryLine]:
    if scrap.trigger != TRIGGER_SHIPMENT:
        return _credit(scrap, item, FINISHED, item.account)
    return standard_credits(
        item.quantity, item.standard, item.conversion_account, item.product, scrap.rounding
    )


def scrap_entry(scrap: Scrap) -> Entry:
    """Dr scrap variance / Cr RIP, finished goods or conversion applied, at standard."""
    credits = _component_lines(scrap)
    for item in scrap.finished:
        credits += _finished_lines(scrap, item)
    variance = -total(line.amount for line in credits)
    debit = [EntryLine(scrap.scrap_variance_account, variance, SCRAP_VARIANCE)] if variance else []
    return Entry(tuple(credits + debit))
