"""The core's errors, and the one check every value type runs on what it is given.

Every amount and quantity is a ``Decimal``; floats are refused on construction so that
money is never computed or compared in binary floating point.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal


class CostingError(ValueError):
    """Base class of every error raised by the costing core."""


class InvalidValue(CostingError):
    """An input value is of the wrong type or outside its allowed range."""


class ComponentConflict(CostingError):
    """The same component is described twice in contradicting ways."""


class KitTooDeep(CostingError):
    """Kits are nested deeper than allowed, which usually means a cycle."""


class UnbalancedEntry(CostingError):
    """The lines of an entry do not sum to exactly zero."""


class RoundingResidueTooLarge(CostingError):
    """The balancing residue exceeds what rounding each line separately can explain."""


def _label(owner: object, name: str) -> str:
    return name if owner is None else f"{type(owner).__name__}.{name}"


def check_decimal(
    owner: object,
    name: str,
    value: object,
    *,
    above: Decimal | None = None,
    at_least: Decimal | None = None,
    at_most: Decimal | None = None,
) -> Decimal:
    """``value`` when it is a finite Decimal within the bounds given, else InvalidValue
    naming ``owner``'s attribute ``name`` (or ``name`` alone when ``owner`` is None)."""
    label = _label(owner, name)
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise InvalidValue(f"{label} must be a Decimal, got {type(value).__name__} {value!r}")
    if not value.is_finite():
        raise InvalidValue(f"{label} must be finite, got {value!r}")
    if above is not None and value <= above:
        raise InvalidValue(f"{label} must be > {above}, got {value}")
    if at_least is not None and value < at_least:
        raise InvalidValue(f"{label} must be >= {at_least}, got {value}")
    if at_most is not None and value > at_most:
        raise InvalidValue(f"{label} must be <= {at_most}, got {value}")
    return value


def check_amounts(owner: object, name: str, amounts: object) -> Mapping:
    """``amounts`` when it is a mapping of accounts to finite Decimals."""
    if not isinstance(amounts, Mapping):
        raise InvalidValue(f"{_label(owner, name)} must be a mapping, got {type(amounts).__name__}")
    for account, amount in amounts.items():
        check_decimal(owner, f"{name}[{account!r}]", amount)
    return amounts


def checked_items(owner: object, name: str, items: Iterable, item_type: type) -> tuple:
    """``items`` as a tuple, when every one is an ``item_type``."""
    items = tuple(items)
    for item in items:
        if not isinstance(item, item_type):
            raise InvalidValue(
                f"{_label(owner, name)} must hold {item_type.__name__} items, "
                f"got {type(item).__name__}"
            )
    return items


def freeze_tuple(owner: object, name: str, item_type: type) -> None:
    """Store the frozen dataclass's attribute as a tuple of ``item_type`` items."""
    object.__setattr__(owner, name, checked_items(owner, name, getattr(owner, name), item_type))
