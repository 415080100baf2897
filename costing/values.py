"""Immutable value types of backflush costing: the standard cost data, what a
completion consumed and received, and a completion's outcome.

Every amount and quantity is a ``Decimal`` (costing.checks refuses anything else).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from .checks import ComponentConflict, InvalidValue, check_decimal, freeze_tuple
from .entry import Entry
from .kinds import TRIGGER_COMPLETION_ONLY, TRIGGERS, ZERO, AccountKey, ProductKey
from .money import round_money, total

# --- Standard cost data -----------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of a bill of materials.

    Attributes:
      minutes: Duration of the operation for ONE run of the BOM quantity.
      cost_per_hour: Cost per hour of the work centre.
    """

    minutes: Decimal
    cost_per_hour: Decimal

    def __post_init__(self) -> None:
        check_decimal(self, "minutes", self.minutes, at_least=ZERO)
        check_decimal(self, "cost_per_hour", self.cost_per_hour)


@dataclass(frozen=True)
class BomLine:
    """One line of a bill of materials.

    Attributes:
      product: The component.
      quantity: Quantity in the line's UoM for one run of the BOM quantity.
      uom_factor: Converts the line's UoM to the component's own UoM
        (quantity in component UoM = quantity * uom_factor).
      unit_price: Standard price of the component per unit of its own UoM.
        Ignored when the line is a kit.
      account: Valuation account of the component, or None. Ignored for a kit.
      kit: The kit (phantom) BOM of the component when it is a kit, else None;
        a kit is exploded down to its stored components.
    """

    product: ProductKey
    quantity: Decimal
    uom_factor: Decimal
    unit_price: Decimal
    account: AccountKey | None
    kit: "Bom | None" = None

    def __post_init__(self) -> None:
        check_decimal(self, "quantity", self.quantity, at_least=ZERO)
        check_decimal(self, "uom_factor", self.uom_factor, above=ZERO)
        check_decimal(self, "unit_price", self.unit_price)
        if self.kit is not None and not isinstance(self.kit, Bom):
            raise InvalidValue(f"BomLine.kit must be a Bom or None, got {type(self.kit).__name__}")


@dataclass(frozen=True)
class Bom:
    """A bill of materials.

    Attributes:
      quantity: Quantity made by one run, in the BOM's UoM.
      uom_factor: Converts the BOM's UoM to the product's UoM (one run makes
        quantity * uom_factor units of the product's UoM).
      lines: The component lines, a tuple of BomLine.
      operations: The operations of one run, a tuple of Operation.
    """

    quantity: Decimal
    uom_factor: Decimal
    lines: tuple[BomLine, ...]
    operations: tuple[Operation, ...] = ()

    def __post_init__(self) -> None:
        check_decimal(self, "quantity", self.quantity, above=ZERO)
        check_decimal(self, "uom_factor", self.uom_factor, above=ZERO)
        freeze_tuple(self, "lines", BomLine)
        freeze_tuple(self, "operations", Operation)

    @property
    def product_quantity(self) -> Decimal:
        """Quantity made by one run, in the product's UoM."""
        return self.quantity * self.uom_factor


@dataclass(frozen=True)
class ComponentStandard:
    """A stored component of the standard cost of one finished unit.

    Attributes:
      product: The component.
      quantity_per_unit: Standard quantity (component UoM) per unit of finished product.
      unit_price: Standard price per unit of the component's UoM.
      account: Valuation account of the component, or None.
    """

    product: ProductKey
    quantity_per_unit: Decimal
    unit_price: Decimal
    account: AccountKey | None

    def __post_init__(self) -> None:
        check_decimal(self, "quantity_per_unit", self.quantity_per_unit, at_least=ZERO)
        check_decimal(self, "unit_price", self.unit_price)

    @property
    def value_per_unit(self) -> Decimal:
        """Standard material cost of this component per finished unit, unrounded."""
        return self.quantity_per_unit * self.unit_price


@dataclass(frozen=True)
class UnitStandard:
    """Standard cost of one unit of finished product.

    Attributes:
      components: One ComponentStandard per distinct stored component.
      conversion_per_unit: Conversion (labour and overhead) cost per unit, unrounded.
    """

    components: tuple[ComponentStandard, ...]
    conversion_per_unit: Decimal

    def __post_init__(self) -> None:
        freeze_tuple(self, "components", ComponentStandard)
        check_decimal(self, "conversion_per_unit", self.conversion_per_unit)
        products = [component.product for component in self.components]
        if len(set(products)) != len(products):
            raise ComponentConflict("UnitStandard.components lists a product more than once")

    @property
    def material_per_unit(self) -> Decimal:
        """Sum of quantity times price of all components, unrounded."""
        return total(component.value_per_unit for component in self.components)

    @property
    def total_per_unit(self) -> Decimal:
        """Material plus conversion per unit, unrounded."""
        return self.material_per_unit + self.conversion_per_unit


# --- Completion input -------------------------------------------------------------------


@dataclass(frozen=True)
class ValuedQuantity:
    """A quantity of a product at its standard price, on the account that values it.

    The shape shared by what a completion consumes and receives, what is scrapped and
    the parts a repair moves.

    Attributes:
      product: The product.
      quantity: Its quantity in its own UoM: >= 0, or > 0 where a subclass sets
        quantity_may_be_zero to False (what is recorded because it happened).
      unit_price: Its standard price per unit of its UoM.
      account: Its valuation account.
      value: What its stock valuation layers moved for it (positive), or None. When
        given, the entry books exactly this, so that the ledger follows the layers (a
        unit of measure conversion may have rounded their quantity).
    """

    product: ProductKey
    quantity: Decimal
    unit_price: Decimal
    account: AccountKey
    value: Decimal | None = field(default=None, kw_only=True)

    quantity_may_be_zero: ClassVar[bool] = True

    def __post_init__(self) -> None:
        bound = {"at_least": ZERO} if self.quantity_may_be_zero else {"above": ZERO}
        check_decimal(self, "quantity", self.quantity, **bound)
        check_decimal(self, "unit_price", self.unit_price)
        if self.value is not None:
            check_decimal(self, "value", self.value)

    def booked_value(self, rounding: Decimal) -> Decimal:
        """The layers' value when known, else round(quantity x unit_price)."""
        if self.value is not None:
            return self.value
        return round_money(self.quantity * self.unit_price, rounding)


@dataclass(frozen=True)
class Consumption(ValuedQuantity):
    """Actual consumption of one component for a completion (all its moves merged), at
    its standard price; its account is credited."""


@dataclass(frozen=True)
class ByProduct(ValuedQuantity):
    """A by-product received at completion, at its own standard; its account is debited."""


@dataclass(frozen=True)
class CompletionAccounts:
    """Accounts used by a completion entry.

    Attributes:
      finished: Valuation account of the finished product (debited); unused by shipment.
      conversion: Conversion costs applied account (credited); unused by shipment.
      usage_variance: Material usage variance account.
      production_variance: Production variance account; also receives the rounding line.
      clearing: Material clearing account, required for completion_only.
    """

    finished: AccountKey
    conversion: AccountKey
    usage_variance: AccountKey
    production_variance: AccountKey
    clearing: AccountKey | None = None


@dataclass(frozen=True)
class Completion:
    """Everything needed to post the completion of good units at standard cost.

    Attributes:
      trigger: TRIGGER_COMPLETION, TRIGGER_COMPLETION_ONLY or TRIGGER_SHIPMENT.
      quantity: Good units completed, in the finished product's UoM.
      finished_product: The finished product.
      finished_unit_price: Standard price of the finished product per unit (unused by
        shipment).
      standard: Standard cost of one finished unit.
      accounts: The accounts to post to.
      consumed: Actual consumption, at most one Consumption per product.
      byproducts: By-products received.
      rounding: Rounding quantum of the currency, e.g. Decimal('0.01').
      finished_value: The value the finished product's stock valuation layers put in
        (positive), or None: when given, finished goods are debited exactly this (the
        ledger follows the layers); else round(quantity x finished_unit_price).
    """

    trigger: str
    quantity: Decimal
    finished_product: ProductKey
    finished_unit_price: Decimal
    standard: UnitStandard
    accounts: CompletionAccounts
    consumed: tuple[Consumption, ...] = ()
    byproducts: tuple[ByProduct, ...] = ()
    rounding: Decimal = Decimal("0.01")
    finished_value: Decimal | None = None

    def __post_init__(self) -> None:
        if self.finished_value is not None:
            check_decimal(self, "finished_value", self.finished_value)
        if self.trigger not in TRIGGERS:
            raise InvalidValue(
                f"Completion.trigger must be one of {TRIGGERS}, got {self.trigger!r}"
            )
        check_decimal(self, "quantity", self.quantity, above=ZERO)
        check_decimal(self, "finished_unit_price", self.finished_unit_price)
        check_decimal(self, "rounding", self.rounding, above=ZERO)
        if not isinstance(self.standard, UnitStandard):
            raise InvalidValue("Completion.standard must be a UnitStandard")
        if not isinstance(self.accounts, CompletionAccounts):
            raise InvalidValue("Completion.accounts must be a CompletionAccounts")
        if self.trigger == TRIGGER_COMPLETION_ONLY and self.accounts.clearing is None:
            raise InvalidValue("Completion with trigger 'completion_only' needs a clearing account")
        freeze_tuple(self, "consumed", Consumption)
        freeze_tuple(self, "byproducts", ByProduct)


@dataclass(frozen=True)
class CompletionSummary:
    """Key figures of a completion (or shipment) entry; all amounts rounded.

    A completion with trigger 'shipment' posts no finished goods and no conversion (both
    zero here) and credits RIP only with the deviations; its material_standard and
    material_actual are still the full sums below.  For a shipment entry (see
    costing.shipment) the figures are those of the delivered quantity D instead of Q, and
    finished_value is the output debit.

    Attributes:
      finished_value: Debit to finished goods, round(Q x finished standard price).
      material_standard: Sum over standard components of round(Q x b_i x c_i).
      material_actual: Material used, as a positive number: the RIP credit for
        completion, the clearing credit for completion_only, and sum round(actual_i x c_i)
        for shipment.
      conversion_standard: Conversion applied, round(Q x k), as a positive number.
      usage_variance: Net usage variance, positive = unfavourable (debit).
      byproduct_value: Debit to by-product valuation accounts.
      production_variance: Production variance line, positive = debit, without rounding.
      rounding: Rounding residue line, positive = debit.
    """

    finished_value: Decimal
    material_standard: Decimal
    material_actual: Decimal
    conversion_standard: Decimal
    usage_variance: Decimal
    byproduct_value: Decimal
    production_variance: Decimal
    rounding: Decimal

    @property
    def total_variance(self) -> Decimal:
        """Usage plus production variance plus rounding."""
        return self.usage_variance + self.production_variance + self.rounding


@dataclass(frozen=True)
class CompletionResult:
    """Outcome of costing a completion.

    Attributes:
      entry: The balanced journal entry.
      summary: Its key figures.
    """

    entry: Entry
    summary: CompletionSummary
