"""How the pure tests read an entry back: its lines, what several entries leave on each
account, the summary of an entry that undoes another, and what every entry of the core
must be (balanced, in whole quanta)."""

from dataclasses import fields
from decimal import Decimal as D

from costing import CompletionSummary


def amounts(entry):
    """(kind, account, product, quantity, amount) of every line, in the entry's order."""
    return [
        (line.kind, line.account, line.product, line.quantity, line.amount) for line in entry.lines
    ]


def netted(*entries):
    """{account: balance} over ``entries`` together."""
    totals = {}
    for entry in entries:
        for account, amount in entry.by_account().items():
            totals[account] = totals.get(account, D(0)) + amount
    return totals


def summary_of(**figures):
    """The CompletionSummary of ``figures`` (``material_actual=26``), every other figure
    zero."""
    zero = {field.name: D(0) for field in fields(CompletionSummary)}
    return CompletionSummary(**(zero | {name: D(value) for name, value in figures.items()}))


def negated(summary):
    """The summary of an entry that undoes the one ``summary`` reads."""
    return CompletionSummary(*(-getattr(summary, field.name) for field in fields(summary)))


def assert_balanced_in_quanta(entry, rounding):
    """``entry`` balances, and each of its lines is a non-zero multiple of ``rounding``."""
    assert sum(line.amount for line in entry.lines) == 0
    assert entry.total_debit == entry.total_credit
    for line in entry.lines:
        assert line.amount != 0
        assert line.amount % rounding == 0
