"""A journal entry as the core builds it: lines that must sum to exactly zero.

Sign convention of entry lines: a positive amount is a debit, a negative one a credit.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import InvalidValue, UnbalancedEntry, check_decimal, freeze_tuple
from .kinds import LINE_KINDS, ZERO, AccountKey, ProductKey
from .money import total


@dataclass(frozen=True)
class EntryLine:
    """One line of a journal entry.

    Attributes:
      account: The account posted to.
      amount: Positive for a debit, negative for a credit; already rounded.
      kind: One of LINE_KINDS, says why the line exists.
      product: The product the line is about, or None.
      quantity: The quantity the line is about (see completion_entry), or None.
      label: What the line is beyond its kind, as a key the shell turns into words
        (e.g. EARLIER_PERIODS), or None.
    """

    account: AccountKey
    amount: Decimal
    kind: str
    product: ProductKey | None = None
    quantity: Decimal | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        check_decimal(self, "amount", self.amount)
        if self.kind not in LINE_KINDS:
            raise InvalidValue(f"EntryLine.kind must be one of {LINE_KINDS}, got {self.kind!r}")
        if self.quantity is not None:
            check_decimal(self, "quantity", self.quantity)

    @property
    def debit(self) -> Decimal:
        """The amount if it is a debit, else zero."""
        return max(self.amount, ZERO)

    @property
    def credit(self) -> Decimal:
        """Minus the amount if it is a credit, else zero."""
        return max(-self.amount, ZERO)


@dataclass(frozen=True)
class Entry:
    """A balanced journal entry; construction fails unless its amounts sum to exactly zero.

    Attributes:
      lines: The lines, a tuple of EntryLine.
    """

    lines: tuple[EntryLine, ...]

    def __post_init__(self) -> None:
        freeze_tuple(self, "lines", EntryLine)
        balance = total(line.amount for line in self.lines)
        if balance != 0:
            raise UnbalancedEntry(f"entry does not balance: lines sum to {balance}")

    @property
    def total_debit(self) -> Decimal:
        return total(line.debit for line in self.lines)

    @property
    def total_credit(self) -> Decimal:
        return total(line.credit for line in self.lines)

    def lines_of(self, kind: str) -> tuple[EntryLine, ...]:
        """The lines of the given kind, in entry order."""
        return tuple(line for line in self.lines if line.kind == kind)

    def amount_of(self, kind: str) -> Decimal:
        """Net amount (debit positive) of the lines of the given kind."""
        return total(line.amount for line in self.lines_of(kind))

    def by_account(self) -> dict[AccountKey, Decimal]:
        """Net amount per account, in order of first appearance."""
        totals: dict[AccountKey, Decimal] = {}
        for line in self.lines:
            totals[line.account] = totals.get(line.account, ZERO) + line.amount
        return totals
