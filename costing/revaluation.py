"""The revaluation of a change of standard in what Odoo does not revalue.

Odoo revalues a product's own units on hand when its standard price changes. Under the
'shipment' trigger the material of the finished units on hand is not in their stock
value but stays in RIP (and in the valuation account of each sub-assembly they hold) at
the standards of the day their shipment will relieve it. A change of a component's
standard changes what that shipment will credit; this entry moves RIP by the same
amount, against a standard cost revaluation account, so that the ledger keeps matching
the floor (costing.reconciliation) through the change.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from .checks import InvalidValue
from .entry import Entry, EntryLine
from .event import NO_FIGURES
from .kinds import MATERIAL, REVALUATION, ZERO, AccountKey, ProductKey
from .money import check_rounding, total
from .reconciliation import FinishedOnHand, held_material
from .values import CompletionSummary

HELD_MATERIAL = "held_material"
"""Label of the lines that revalue the material held for finished units on hand."""

STOCK_ON_HAND = "stock_on_hand"
"""Label of the lines that revalue a product's own units on hand (Odoo's valuation layer
of a standard price change)."""


@dataclass(frozen=True)
class RevaluationResult:
    """The entry of a change of standard and its figures.

    Attributes:
      entry: Per account the change of the material held for the finished units on
        hand (kind MATERIAL, label HELD_MATERIAL), then its opposite on the revaluation
        account (kind REVALUATION); no lines when nothing changes.
      difference: The net change of the held material (positive: RIP debited).
      summary: The register's figures: material_standard is the difference.
    """

    entry: Entry
    difference: Decimal
    summary: CompletionSummary


def revaluation_entry(
    before: Iterable[FinishedOnHand],
    after: Iterable[FinishedOnHand],
    revaluation_account: AccountKey,
    rounding: Decimal,
) -> RevaluationResult:
    """The entry that brings the material held for finished units on hand from the
    standards of ``before`` to those of ``after`` (the same units, their unit standards
    before and after the change).

    Each side is what the Reconciliation Check expects (costing.finished_material, rounded
    per product and component as a shipment credits it), so that after the entry the
    ledger equals the check's expectation to the cent. The revaluation account takes the
    opposite of the net change.
    """
    check_rounding(rounding)
    if revaluation_account is None:
        raise InvalidValue("a revaluation needs its revaluation account")
    old, new = held_material(before, rounding), held_material(after, rounding)
    lines = []
    for account in sorted(set(old) | set(new), key=str):
        change = new.get(account, ZERO) - old.get(account, ZERO)
        if change != 0:
            lines.append(EntryLine(account, change, MATERIAL, label=HELD_MATERIAL))
    difference = total(line.amount for line in lines)
    if difference != 0:
        lines.append(EntryLine(revaluation_account, -difference, REVALUATION))
    summary = replace(NO_FIGURES, material_standard=difference)
    return RevaluationResult(Entry(tuple(lines)), difference, summary)


@dataclass(frozen=True)
class StockRevaluation:
    """Odoo's revaluation of one product's own units on hand (its valuation layer).

    Attributes:
      product: The product.
      account: Its stock valuation account.
      amount: The layer's value (positive: the stock is worth more).
      counterpart: The account that takes the opposite.
    """

    product: ProductKey
    account: AccountKey
    amount: Decimal
    counterpart: AccountKey


HeldGroup = tuple[AccountKey, Iterable[FinishedOnHand], Iterable[FinishedOnHand]]
"""A revaluation account and the finished units on hand it takes the change of, their
unit standards before and after."""


def standard_update_entry(
    stock: Iterable[StockRevaluation],
    held: Iterable[HeldGroup],
    rounding: Decimal,
) -> RevaluationResult:
    """One entry for a whole standard cost update: the products' own units on hand
    (``stock``, as Odoo's layers valued them, each against its counterpart) and the
    material held for finished units on hand costed at shipment (each group of ``held``
    as revaluation_entry brings it from its standards before to those after, against the
    group's account).

    ``difference`` and the summary's material_standard are the held material's change
    alone, as for a single change of standard.
    """
    lines: list[EntryLine] = []
    difference = ZERO
    for account, before, after in held:
        result = revaluation_entry(before, after, account, rounding)
        lines += result.entry.lines
        difference += result.difference
    for item in stock:
        if item.amount == 0:
            continue
        if item.counterpart is None:
            raise InvalidValue(f"the revaluation of product {item.product!r} has no counterpart")
        lines.append(
            EntryLine(
                item.account, item.amount, MATERIAL, product=item.product, label=STOCK_ON_HAND
            )
        )
        lines.append(EntryLine(item.counterpart, -item.amount, REVALUATION, product=item.product))
    summary = replace(NO_FIGURES, material_standard=difference)
    return RevaluationResult(Entry(tuple(lines)), difference, summary)
