"""Journal entry of a rework: a finished unit repaired with parts.

Backflush costing keeps a finished unit at its standard whatever is done to it; what a
repair does to its parts is a rework cost, not a change of the unit's value, and never
reaches Odoo's production account:

- a part **added** leaves its account (RIP, its valuation account) at the value its
  valuation layer took out of stock, to Rework Variance;
- a part **removed back to stock** comes back into its account at its standard, out of
  Rework Variance;
- a part **removed to scrap** is scrapped: its standard goes to Scrap Variance, out of
  Rework Variance.

Rework Variance is left with what the repair cost in parts beyond what it gave back or
scrapped. Every line is rounded on its own and the variance lines are their sums, so the
entry balances exactly.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import InvalidValue, check_decimal, freeze_tuple
from .entry import Entry, EntryLine
from .kinds import MATERIAL, REWORK_VARIANCE, SCRAP_VARIANCE, AccountKey
from .money import round_money, total
from .values import ValuedQuantity

PART_ADDED = "add"
PART_RETURNED = "remove_to_stock"
PART_SCRAPPED = "remove_to_scrap"
PART_DIRECTIONS = (PART_ADDED, PART_RETURNED, PART_SCRAPPED)


@dataclass(frozen=True)
class ReworkPart(ValuedQuantity):
    """A part (quantity > 0) a repair added to, or removed from, the unit.

    Attributes:
      direction: PART_ADDED, PART_RETURNED or PART_SCRAPPED.
      value: For a part added, what its valuation layers took out of stock, or None.
        Parts removed come back at standard.
    """

    direction: str

    quantity_may_be_zero = False

    def __post_init__(self) -> None:  # pylint: disable=missing-return
        super().__post_init__()
        if self.direction not in PART_DIRECTIONS:
            raise InvalidValue(
                f"direction must be one of {PART_DIRECTIONS}, got {self.direction!r}"
            )


@dataclass(frozen=True)
class Rework:
    """A repair of a unit made under a trigger.

    Attributes:
      parts: ReworkPart items.
      rework_variance_account: Takes the parts added, gives the parts removed.
      scrap_variance_account: Takes the parts removed to scrap (None: none may be).
      rounding: The currency's rounding quantum.
    """

    parts: tuple[ReworkPart, ...]
    rework_variance_account: AccountKey
    scrap_variance_account: AccountKey | None = None
    rounding: Decimal = Decimal("0.01")

    def __post_init__(self) -> None:
        check_decimal(self, "rounding", self.rounding)
        freeze_tuple(self, "parts", ReworkPart)
        if self.rework_variance_account is None:
            raise InvalidValue("a rework needs its rework variance account")
        scrapped = any(part.direction == PART_SCRAPPED for part in self.parts)
        if scrapped and self.scrap_variance_account is None:
            raise InvalidValue("a part removed to scrap needs the scrap variance account")


def _part_line(rework: Rework, part: ReworkPart) -> list[EntryLine]:
    """The part's own line: credit for a part added, debit for a part removed."""
    if part.direction == PART_ADDED:
        amount = -part.booked_value(rework.rounding)
    else:
        amount = round_money(part.quantity * part.unit_price, rework.rounding)
    if part.direction == PART_SCRAPPED:
        return (
            [
                EntryLine(
                    rework.scrap_variance_account,
                    amount,
                    SCRAP_VARIANCE,
                    part.product,
                    part.quantity,
                )
            ]
            if amount
            else []
        )
    return (
        [EntryLine(part.account, amount, MATERIAL, part.product, part.quantity)] if amount else []
    )


def rework_entry(rework: Rework) -> Entry:
    """Parts added: Dr Rework Variance / Cr RIP; removed to stock: Dr RIP / Cr Rework
    Variance; removed to scrap: Dr Scrap Variance / Cr Rework Variance."""
    lines = []
    for part in rework.parts:
        lines += _part_line(rework, part)
    variance = -total(line.amount for line in lines)
    if variance:
        lines.append(EntryLine(rework.rework_variance_account, variance, REWORK_VARIANCE))
    return Entry(tuple(lines))
