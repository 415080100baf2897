"""Standard cost of one unit of finished product from bill of materials data."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from .checks import ComponentConflict, InvalidValue, KitTooDeep, check_decimal
from .kinds import ProductKey
from .money import total
from .values import Bom, BomLine, ComponentStandard, Operation, UnitStandard

MAX_KIT_DEPTH = 20
"""Kits nested deeper than this are refused (a cycle shows up as infinite depth)."""

MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class _Runs:
    """Runs of a BOM per finished unit, kept as a fraction so that it is divided only once.

    Attributes:
      numerator: Product of the quantities leading to this BOM.
      denominator: Product of the product quantities of the BOMs on the way.
    """

    numerator: Decimal
    denominator: Decimal

    def per_unit(self, value: Decimal) -> Decimal:
        """``value`` per run, converted to per finished unit."""
        return self.numerator * value / self.denominator

    def of_kit(self, line: BomLine) -> "_Runs":
        """Runs of the kit BOM of ``line`` per finished unit."""
        return _Runs(
            self.numerator * line.quantity * line.uom_factor,
            self.denominator * line.kit.product_quantity,
        )


_Item = tuple[BomLine | Operation, _Runs]
"""A stored BOM line or an operation, with the runs per finished unit of its BOM."""


def _expanded(bom: Bom, runs: _Runs, depth: int = 0) -> Iterator[_Item]:
    """Yield the stored lines and operations of ``bom``, kits exploded in place."""
    if depth > MAX_KIT_DEPTH:
        raise KitTooDeep(f"kits are nested deeper than {MAX_KIT_DEPTH} levels (a kit cycle?)")
    for line in bom.lines:
        if line.kit is None:
            yield line, runs
        else:
            yield from _expanded(line.kit, runs.of_kit(line), depth + 1)
    for operation in bom.operations:
        yield operation, runs


def _component_shares(items: list[_Item]) -> Iterator[ComponentStandard]:
    for line, runs in items:
        if isinstance(line, BomLine):
            quantity = runs.per_unit(line.quantity * line.uom_factor)
            yield ComponentStandard(line.product, quantity, line.unit_price, line.account)


def _merged(shares: Iterable[ComponentStandard]) -> tuple[ComponentStandard, ...]:
    """One ComponentStandard per product, quantities added, in order of first appearance."""
    merged: dict[ProductKey, ComponentStandard] = {}
    for share in shares:
        known = merged.get(share.product)
        if known is None:
            merged[share.product] = share
            continue
        if (known.unit_price, known.account) != (share.unit_price, share.account):
            raise ComponentConflict(
                f"component {share.product!r} appears with different prices or accounts: "
                f"{known.unit_price} on {known.account!r} and "
                f"{share.unit_price} on {share.account!r}"
            )
        quantity = known.quantity_per_unit + share.quantity_per_unit
        merged[share.product] = ComponentStandard(
            share.product, quantity, share.unit_price, share.account
        )
    return tuple(merged.values())


def _operations_cost(items: list[_Item]) -> Decimal:
    return total(
        runs.per_unit(operation.minutes * operation.cost_per_hour) / MINUTES_PER_HOUR
        for operation, runs in items
        if isinstance(operation, Operation)
    )


def unit_standard(bom: Bom, conversion_per_unit: Decimal | None = None) -> UnitStandard:
    """Standard cost of one unit (product UoM) of the product made by ``bom``.

    Kit lines are exploded recursively down to stored components, in place; the same
    component reached through several lines is merged where it first appears.  The
    conversion cost is ``conversion_per_unit`` when given and non-zero, else the cost of
    the operations of ``bom`` and of its exploded kits.
    """
    if not isinstance(bom, Bom):
        raise InvalidValue(f"bom must be a Bom, got {type(bom).__name__}")
    if conversion_per_unit is not None:
        check_decimal(None, "conversion_per_unit", conversion_per_unit)
    items = list(_expanded(bom, _Runs(Decimal(1), bom.product_quantity)))
    components = _merged(_component_shares(items))
    if conversion_per_unit is None or conversion_per_unit == 0:
        conversion_per_unit = _operations_cost(items)
    return UnitStandard(components, conversion_per_unit)
