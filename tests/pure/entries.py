"""How the pure tests read an entry back: its lines, what several entries leave on each
account, and the summary of an entry that undoes another."""

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


def negated(summary):
    """The summary of an entry that undoes the one ``summary`` reads."""
    return CompletionSummary(*(-getattr(summary, field.name) for field in fields(summary)))
