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

from .lines import standard_credits
from .money import round_money
from .values import (
    FINISHED,
    MATERIAL,
    SCRAP_VARIANCE,
    TRIGGER_COMPLETION_ONLY,
    TRIGGER_SHIPMENT,
    TRIGGERS,
    AccountKey,
    Entry,
    EntryLine,
    InvalidValue,
    ProductKey,
    UnitStandard,
    _check_decimal,
    _freeze_tuple,
    _sum,
)


@dataclass(frozen=True)
class ScrappedComponent:
    """Components scrapped.

    Attributes:
      product: The component.
      quantity: Quantity scrapped, in its own UoM (> 0).
      unit_price: Its standard price per unit of its UoM.
      account: Its valuation account (RIP).
      value: What its valuation layers took out of stock (positive), or None: when given,
        the account is credited exactly this; else round(quantity x unit_price).
      of_order: Whether it is one of the order's own components: under
        'completion_only' those leave the materials clearing account instead.
    """

    product: ProductKey
    quantity: Decimal
    unit_price: Decimal
    account: AccountKey
    value: Decimal | None = None
    of_order: bool = False

    def __post_init__(self) -> None:
        if self.value is not None:
            _check_decimal(self, "value", self.value)
        _check_decimal(self, "quantity", self.quantity)
        _check_decimal(self, "unit_price", self.unit_price)
        if self.quantity <= 0:
            raise InvalidValue(f"scrapped quantity must be positive, got {self.quantity}")


@dataclass(frozen=True)
class ScrappedFinished:
    """Finished units scrapped.

    Attributes:
      product: The finished product.
      quantity: Units scrapped, in its UoM (> 0).
      unit_price: Its standard price (used unless the trigger is 'shipment').
      account: Its finished goods (valuation) account.
      standard: Its unit standard (used under 'shipment').
      conversion_account: Conversion Costs Applied (used under 'shipment').
      value: What its valuation layers took out of stock (positive), or None: when given,
        finished goods are credited exactly this (unless the trigger is 'shipment').
    """

    product: ProductKey
    quantity: Decimal
    unit_price: Decimal
    account: AccountKey
    standard: UnitStandard
    conversion_account: AccountKey
    value: Decimal | None = None

    def __post_init__(self) -> None:
        if self.value is not None:
            _check_decimal(self, "value", self.value)
        _check_decimal(self, "quantity", self.quantity)
        _check_decimal(self, "unit_price", self.unit_price)
        if self.quantity <= 0:
            raise InvalidValue(f"scrapped quantity must be positive, got {self.quantity}")


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
        _check_decimal(self, "rounding", self.rounding)
        _freeze_tuple(self, "components", ScrappedComponent)
        _freeze_tuple(self, "finished", ScrappedFinished)


def _credit(scrap: Scrap, item, kind: str, account: AccountKey) -> list[EntryLine]:
    """Credit ``item`` (scrapped component or finished units) on ``account``: the layers'
    value when known, else its quantity at its standard price."""
    value = item.value
    if value is None:
        value = round_money(item.quantity * item.unit_price, scrap.rounding)
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
    total = -_sum(line.amount for line in credits)
    debit = [EntryLine(scrap.scrap_variance_account, total, SCRAP_VARIANCE)] if total else []
    return Entry(tuple(credits + debit))
