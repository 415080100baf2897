"""What an unbuild undoes: which completions, how much of each, and their mirror.

An unbuild of an order undoes its completions oldest first, each at most by what is
still open on it, so that no unit is undone twice. A share of a completion is mirrored
line by line (costing.reversal); the share that closes a completion mirrors instead what
its earlier reversals left of it, so that a completion and all its reversals net every
account to zero, to the cent. An unbuild without an order undoes a completion at today's
standard (consumption_at_standard).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .checks import CostingError, InvalidValue, check_decimal, freeze_tuple
from .entry import Entry, EntryLine
from .kinds import ZERO, AccountKey
from .money import check_rounding, total
from .reversal import reversal_entry
from .values import Consumption, UnitStandard


class UnbuildTooLarge(CostingError):
    """An unbuild asks for more units than its order's completions still hold."""


@dataclass(frozen=True)
class UnbuildableCompletion:
    """A posted completion as an unbuild sees it.

    Attributes:
      key: The caller's reference to it (the register record), handed back.
      quantity: The units it completed (> 0).
      reversed_quantity: The units earlier unbuilds undid (0 <= it <= quantity).
      lines: Its entry's lines.
      reversed_lines: The lines of the entries of those earlier unbuilds.
    """

    key: object
    quantity: Decimal
    reversed_quantity: Decimal
    lines: tuple[EntryLine, ...]
    reversed_lines: tuple[EntryLine, ...] = ()

    def __post_init__(self) -> None:
        check_decimal(self, "quantity", self.quantity, above=ZERO)
        check_decimal(self, "reversed_quantity", self.reversed_quantity, at_least=ZERO)
        if self.reversed_quantity > self.quantity:
            raise InvalidValue(
                f"reversed_quantity {self.reversed_quantity} exceeds quantity {self.quantity}"
            )
        freeze_tuple(self, "lines", EntryLine)
        freeze_tuple(self, "reversed_lines", EntryLine)

    @property
    def open_quantity(self) -> Decimal:
        return self.quantity - self.reversed_quantity


def allocate_unbuild(
    quantity: Decimal,
    completions: Sequence[UnbuildableCompletion],
    quantity_rounding: Decimal,
) -> tuple[tuple[UnbuildableCompletion, Decimal], ...]:
    """(completion, units undone) pairs for an unbuild of ``quantity`` units.

    ``completions`` come oldest first; each gives at most its open quantity, and one
    that would give less than half a unit of ``quantity_rounding`` gives nothing. Raises
    UnbuildTooLarge when they hold less than ``quantity`` (beyond that half unit).
    """
    check_decimal(None, "quantity", quantity)
    check_rounding(quantity_rounding)
    half = quantity_rounding / 2
    open_total = total(completion.open_quantity for completion in completions)
    if quantity - open_total >= half:
        raise UnbuildTooLarge(f"unbuild of {quantity} exceeds the {open_total} left to undo")
    shares = []
    left = quantity
    for completion in completions:
        if left < half:
            break
        taken = min(completion.open_quantity, left)
        if taken >= half:
            shares.append((completion, taken))
            left -= taken
    return tuple(shares)


def unbuild_reversal(
    completion: UnbuildableCompletion,
    taken: Decimal,
    rounding: Decimal,
    residue_account: AccountKey,
    quantity_rounding: Decimal,
) -> Entry:
    """The entry that undoes ``taken`` units of ``completion``.

    Its share taken / quantity, mirrored line by line (costing.reversal.reversal_entry);
    when ``taken`` leaves less than half a unit of ``quantity_rounding`` open, what the
    completion and its earlier reversals leave on each account, kind and product,
    negated (closing_reversal).
    """
    check_decimal(None, "taken", taken, above=ZERO)
    check_rounding(quantity_rounding)
    if completion.open_quantity - taken < quantity_rounding / 2:
        return closing_reversal(completion.lines, completion.reversed_lines)
    share = min(taken / completion.quantity, Decimal(1))
    return reversal_entry(completion.lines, share, rounding, residue_account)


def closing_reversal(lines: Sequence[EntryLine], reversed_lines: Sequence[EntryLine]) -> Entry:
    """The last reversal of an entry of ``lines`` already partly undone by
    ``reversed_lines``: per account, kind and product (in the order they first appear),
    minus what both leave, with the quantity left; nothing for what nets to zero."""
    totals: dict[tuple, list] = {}
    for line in lines:
        running = totals.setdefault((line.account, line.kind, line.product), [ZERO, None])
        running[0] += line.amount
        running[1] = _added(running[1], line.quantity)
    for line in reversed_lines:
        running = totals.setdefault((line.account, line.kind, line.product), [ZERO, None])
        running[0] += line.amount
        running[1] = _added(running[1], None if line.quantity is None else -line.quantity)
    return Entry(
        tuple(
            EntryLine(account, -amount, kind, product, quantity)
            for (account, kind, product), (amount, quantity) in totals.items()
            if amount != 0
        )
    )


def _added(total: Decimal | None, quantity: Decimal | None) -> Decimal | None:
    if quantity is None:
        return total
    return quantity if total is None else total + quantity


def consumption_at_standard(quantity: Decimal, standard: UnitStandard) -> tuple[Consumption, ...]:
    """What ``quantity`` finished units take of each component at ``standard``: the
    consumption of a completion an unbuild without an order undoes."""
    check_decimal(None, "quantity", quantity, above=ZERO)
    return tuple(
        Consumption(
            product=component.product,
            quantity=quantity * component.quantity_per_unit,
            unit_price=component.unit_price,
            account=component.account,
        )
        for component in standard.components
    )
