"""Rounding of money amounts to a currency's rounding quantum."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .checks import check_decimal
from .kinds import ZERO


def check_rounding(rounding: object) -> Decimal:
    """``rounding`` when it is a rounding quantum: a finite Decimal > 0."""
    return check_decimal(None, "rounding", rounding, above=ZERO)


def total(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of ``amounts``, a Decimal zero when there are none."""
    return sum(amounts, ZERO)


def round_money(amount: Decimal, rounding: Decimal) -> Decimal:
    """Round ``amount`` to the nearest multiple of ``rounding``, ties away from zero.

    Half-up in the accounting sense: 0.005 -> 0.01 and -0.005 -> -0.01 (rounding 0.01).
    The result never is a negative zero.
    """
    check_decimal(None, "amount", amount)
    check_rounding(rounding)
    steps = (amount / rounding).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    rounded = steps * rounding
    return rounded.copy_abs() if rounded == 0 else rounded


def is_zero(amount: Decimal, rounding: Decimal) -> bool:
    """Whether ``amount`` rounds to zero."""
    return round_money(amount, rounding) == 0


def compare(a: Decimal, b: Decimal, rounding: Decimal) -> int:
    """-1, 0 or 1 as ``a`` is less than, equal to or greater than ``b``, both rounded."""
    rounded_a = round_money(a, rounding)
    rounded_b = round_money(b, rounding)
    return (rounded_a > rounded_b) - (rounded_a < rounded_b)


def to_decimal(value: float | int | None) -> Decimal:
    """A float the ORM gives, as a Decimal through its shortest repr (0.1 stays 0.1).

    The one adapter from Odoo's floats into the core; None and False are zero.
    """
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value or 0.0))
