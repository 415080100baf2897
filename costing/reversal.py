"""Mirror images of earlier entries: partial or full reversals, and their retargeting.

A reversal of ``share`` of an entry negates share x each line, rounded line by line; the
few quanta this leaves over go to a 'rounding' line so that the reversal balances.  Done
for shares that add up to 1 (each of the ORIGINAL lines), the reversals cancel the
original up to those rounding quanta.
"""

from decimal import Decimal

from .checks import InvalidValue, check_decimal, checked_items
from .entry import Entry, EntryLine
from .kinds import PRODUCTION_VARIANCE, ZERO, AccountKey
from .lines import optional_line, rounding_line
from .money import check_rounding, round_money


def _mirrored(line: EntryLine, share: Decimal, rounding: Decimal) -> list[EntryLine]:
    quantity = None if line.quantity is None else line.quantity * share
    amount = -round_money(line.amount * share, rounding)
    return optional_line(line.account, amount, line.kind, line.product, quantity)


def reversal_entry(
    lines: tuple[EntryLine, ...],
    share: Decimal,
    rounding: Decimal,
    residue_account: AccountKey,
) -> Entry:
    """The mirror image of ``share`` (0 < share <= 1) of the entry made of ``lines``.

    Each line becomes a line on the same account, of the same kind and product, for
    -round(amount x share) and quantity x share (None stays None); lines that round to
    zero are left out.  A 'rounding' line on ``residue_account`` (no product) takes what
    is left over, at most len(lines) x rounding / 2, else RoundingResidueTooLarge.  With
    share 1 and amounts that are multiples of ``rounding`` the result is the exact
    negation, without a rounding line.  No lines give an empty entry.
    """
    check_decimal(None, "share", share, above=ZERO, at_most=Decimal(1))
    check_rounding(rounding)
    lines = checked_items(None, "lines", lines, EntryLine)
    mirrored = []
    for line in lines:
        mirrored += _mirrored(line, share, rounding)
    bound = len(lines) * rounding / 2
    return Entry(tuple(mirrored + rounding_line(mirrored, residue_account, bound)))


def retarget(entry: Entry, kind: str, amount: Decimal, variance_account: AccountKey) -> Entry:
    """``entry`` with its only line of ``kind`` set to ``amount`` (+ = debit).

    The difference, old amount minus ``amount``, is added as a last production variance
    line on ``variance_account`` (with the product of the retargeted line), so that the
    entry still balances; it is left out when zero, and so is the retargeted line when
    ``amount`` is zero.  Raises InvalidValue unless the entry has exactly one line of
    ``kind``.  E.g. a customer return valued by Odoo at today's standard: retarget the
    output line of the mirrored shipment to minus that value.
    """
    if not isinstance(entry, Entry):
        raise InvalidValue(f"entry must be an Entry, got {type(entry).__name__}")
    check_decimal(None, "amount", amount)
    targets = entry.lines_of(kind)
    if len(targets) != 1:
        raise InvalidValue(f"entry must have exactly one {kind!r} line, has {len(targets)}")
    (target,) = targets
    lines: list[EntryLine] = []
    for line in entry.lines:
        if line is target:
            lines += optional_line(line.account, amount, line.kind, line.product, line.quantity)
        else:
            lines.append(line)
    difference = target.amount - amount
    lines += optional_line(variance_account, difference, PRODUCTION_VARIANCE, target.product)
    return Entry(tuple(lines))
