"""Horngren's period close of conversion costs.

Over a period, backflush costing credits Conversion Costs Applied at standard, while the
actual labour and overhead are debited to Conversion Costs Control accounts.  The close
zeroes both for the period with one entry, and writes the difference off: actual minus
applied, debited when under-applied, credited when over-applied (to cost of goods sold
or a variance account).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from .checks import InvalidValue, check_amounts
from .entry import Entry, EntryLine
from .event import NO_FIGURES
from .kinds import CONVERSION, CONVERSION_CONTROL, PRODUCTION_VARIANCE, ZERO, AccountKey
from .money import check_rounding, round_money, total
from .values import CompletionSummary


def _frozen_balances(owner: object, name: str) -> None:
    """Store the mapping attribute as a read-only copy, checking its keys and values."""
    balances = check_amounts(owner, name, getattr(owner, name))
    if None in balances:
        raise InvalidValue(f"{type(owner).__name__}.{name} has a balance without an account")
    object.__setattr__(owner, name, MappingProxyType(dict(balances)))


@dataclass(frozen=True)
class ConversionClose:
    """The balances to close over one period.

    Attributes:
      applied: {account: Decimal balance over the period, debit positive} of the
        Conversion Costs Applied accounts (normally credit balances, i.e. negative).
        Stored as a read-only mapping, in the given order.
      control: The same for the Conversion Costs Control accounts (normally debit
        balances, i.e. positive).
      write_off_account: The account the difference is written off to; None only for a
        preview before the user chose one (the write-off line then has account None and
        must not be posted).
      rounding: Rounding quantum of the currency, e.g. Decimal('0.01').
      earlier_applied, earlier_control: The same balances left over before the period
        in periods already closed (costs booked there after their close). They are
        closed too, on lines of their own labelled EARLIER_PERIODS, so that nothing
        is stranded in a closed period.

    The accounts of applied and control must be distinct and differ from the write-off
    account (account_conflicts says which are not; no close is posted with any). The
    entry balances in any case, so that a preview can show it.
    """

    applied: Mapping[AccountKey, Decimal]
    control: Mapping[AccountKey, Decimal]
    write_off_account: AccountKey | None
    rounding: Decimal = Decimal("0.01")
    earlier_applied: Mapping[AccountKey, Decimal] = field(default_factory=dict)
    earlier_control: Mapping[AccountKey, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _frozen_balances(self, "applied")
        _frozen_balances(self, "control")
        _frozen_balances(self, "earlier_applied")
        _frozen_balances(self, "earlier_control")
        check_rounding(self.rounding)


@dataclass(frozen=True)
class CloseResult:
    """Outcome of a period close of conversion costs.

    Attributes:
      entry: The balanced Entry (no lines when there is nothing to close).
      control_total: Actual conversion costs: net debit of the control accounts, rounded.
      applied_total: Applied conversion costs as a positive number: net credit of the
        applied accounts, rounded. Both totals include the earlier periods' leftovers.
      difference: control_total - applied_total; positive = under-applied (the
        write-off account is debited), negative = over-applied (it is credited).
      summary: A CompletionSummary for the register: conversion_standard is
        applied_total, production_variance the write-off line (zero without one), every
        other figure zero.
    """

    entry: Entry
    control_total: Decimal
    applied_total: Decimal
    difference: Decimal
    summary: CompletionSummary
    earlier_difference: Decimal = ZERO
    """The part of difference that was left over from earlier closed periods."""


EARLIER_PERIODS = "earlier_periods"
"""Label of the lines that close what was left over in periods already closed."""

WRITE_OFF = "write_off"
"""Label of the line that writes the under- or over-applied conversion costs off (a
production variance line, for the register's and the ledger's totals, but not one a
completion makes)."""


def _rounded(balances: Mapping[AccountKey, Decimal], rounding: Decimal) -> dict:
    """The balances rounded half-up to the quantum, without those that round to zero."""
    rounded = {account: round_money(balance, rounding) for account, balance in balances.items()}
    return {account: balance for account, balance in rounded.items() if balance != 0}


@dataclass(frozen=True)
class AccountConflicts:
    """What breaks the close's account rule.

    Attributes:
      in_both: The accounts that are both control and applied accounts.
      write_off_in_use: Whether the write-off account is a control or applied account.
    """

    in_both: tuple
    write_off_in_use: bool

    def __bool__(self) -> bool:
        return bool(self.in_both) or self.write_off_in_use


def account_conflicts(
    control: Iterable[AccountKey],
    applied: Iterable[AccountKey],
    write_off_account: AccountKey | None,
) -> AccountConflicts:
    """The close's account rule: control and applied accounts are distinct, and the
    write-off account is neither (else the close would write off onto what it closes)."""
    control, applied = tuple(control), tuple(applied)
    return AccountConflicts(
        in_both=tuple(account for account in control if account in applied),
        write_off_in_use=write_off_account is not None and write_off_account in control + applied,
    )


def close_entry(close: ConversionClose) -> CloseResult:
    """The closing entry of ``close`` and its figures.

    Each balance is first rounded half-up to the quantum; those that round to zero are
    dropped.  Lines, in order: per applied account the opposite of its balance (kind
    CONVERSION, normally a debit); per control account the opposite of its balance (kind
    CONVERSION_CONTROL, normally a credit); then, unless it is zero, the difference on
    the write-off account (kind PRODUCTION_VARIANCE, label WRITE_OFF, positive = debit =
    under-applied).
    The earlier periods' leftovers come, the same way, on lines of their own (label
    EARLIER_PERIODS) before the write-off. After the entry every applied and control
    account has a zero balance for the period and the earlier closed periods.
    """
    if not isinstance(close, ConversionClose):
        raise InvalidValue(f"close must be a ConversionClose, got {type(close).__name__}")
    lines = []
    control_total = applied_total = earlier_difference = ZERO
    for applied_balances, control_balances, label in (
        (close.applied, close.control, None),
        (close.earlier_applied, close.earlier_control, EARLIER_PERIODS),
    ):
        applied = _rounded(applied_balances, close.rounding)
        control = _rounded(control_balances, close.rounding)
        lines += [
            EntryLine(account, -balance, CONVERSION, label=label)
            for account, balance in applied.items()
        ]
        lines += [
            EntryLine(account, -balance, CONVERSION_CONTROL, label=label)
            for account, balance in control.items()
        ]
        control_total += total(control.values())
        applied_total -= total(applied.values())
        if label:
            earlier_difference = total(control.values()) + total(applied.values())
    difference = control_total - applied_total
    if difference != 0:
        lines.append(
            EntryLine(close.write_off_account, difference, PRODUCTION_VARIANCE, label=WRITE_OFF)
        )
    summary = replace(NO_FIGURES, conversion_standard=applied_total, production_variance=difference)
    return CloseResult(
        Entry(tuple(lines)), control_total, applied_total, difference, summary, earlier_difference
    )
