"""Building blocks shared by the entry builders: a line that may be absent, and the
rounding line that makes separately rounded lines balance."""

from decimal import Decimal

from .values import (
    ROUNDING,
    AccountKey,
    EntryLine,
    ProductKey,
    RoundingResidueTooLarge,
    _sum,
)


def optional_line(
    account: AccountKey,
    amount: Decimal,
    kind: str,
    product: ProductKey | None = None,
    quantity: Decimal | None = None,
) -> list[EntryLine]:
    """A one-line list, or an empty list when the amount is zero."""
    if amount == 0:
        return []
    return [EntryLine(account, amount, kind, product, quantity)]


def rounding_line(
    lines: list[EntryLine],
    account: AccountKey,
    bound: Decimal,
    product: ProductKey | None = None,
) -> list[EntryLine]:
    """The 'rounding' line that makes ``lines`` balance, or none if they do.

    Rounding each line on its own leaves a residue of a few quanta at most; one beyond
    ``bound`` means the lines disagree, and raises RoundingResidueTooLarge.
    """
    residue = -_sum(existing.amount for existing in lines)
    if abs(residue) > bound:
        raise RoundingResidueTooLarge(
            f"rounding residue {residue} exceeds {bound}; the entry lines disagree"
        )
    return optional_line(account, residue, ROUNDING, product)
