"""Immutable value types of backflush costing.

Every amount and quantity is a ``Decimal``; floats are refused on construction so that
money is never computed or compared in binary floating point.  Products and accounts
are opaque hashable keys: in Odoo they are integer record ids.

Sign convention of entry lines: a positive amount is a debit, a negative one a credit.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

ProductKey = Hashable
"""Identifies a product (a ``product.product`` id in Odoo)."""

AccountKey = Hashable
"""Identifies a general ledger account (an ``account.account`` id in Odoo)."""

ZERO = Decimal(0)

TRIGGER_NONE = "none"
"""No backflush: Odoo's own valuation posts every stock move."""

TRIGGER_COMPLETION = "completion"
"""Variant A: components were consumed from inventory (RIP) and are credited at actual
quantity times standard price; differences to the standard are usage variances."""

TRIGGER_COMPLETION_ONLY = "completion_only"
"""Variant C: components were never inventoried; the standard material is credited to a
clearing account and actual consumption is ignored."""

TRIGGER_SHIPMENT = "shipment"
"""Variant B: the finished units are not valued in the ledger until they are shipped, so
the completion posts only the usage variances (RIP follows the physical materials) and
by-products; RIP and conversion are relieved at standard by the shipment entry."""

TRIGGERS = (TRIGGER_COMPLETION, TRIGGER_COMPLETION_ONLY, TRIGGER_SHIPMENT)
"""The backflush triggers: under these, backflush and not Odoo posts an order's moves."""

RIP_TRIGGERS = (TRIGGER_COMPLETION, TRIGGER_SHIPMENT)
"""The triggers whose components are inventoried in RIP (Completion only's are not)."""

# Kinds of trigger events (and of their register records).
EVENT_COMPLETION = "completion"
EVENT_SHIPMENT = "shipment"
EVENT_SCRAP = "scrap"
EVENT_REVERSAL = "reversal"
EVENT_PERIOD_CLOSE = "period_close"
EVENT_ADJUSTMENT = "adjustment"
"""Finished units costed at shipment entering or leaving stock other than by delivery,
return, scrap or their order: an inventory count, a vendor receipt or return."""
EVENT_REVALUATION = "revaluation"
"""A change of standard revalued in what Odoo does not revalue (costing.revaluation)."""
EVENT_REWORK = "rework"
"""A finished unit under a trigger repaired with parts (costing.rework)."""
EVENT_KINDS = (
    EVENT_COMPLETION,
    EVENT_SHIPMENT,
    EVENT_SCRAP,
    EVENT_REVERSAL,
    EVENT_PERIOD_CLOSE,
    EVENT_ADJUSTMENT,
    EVENT_REVALUATION,
    EVENT_REWORK,
)

# Kinds of entry lines.
FINISHED = "finished"
MATERIAL = "material"
CLEARING = "clearing"
CONVERSION = "conversion"
USAGE_VARIANCE = "usage_variance"
PRODUCTION_VARIANCE = "production_variance"
BYPRODUCT = "byproduct"
ROUNDING = "rounding"
OUTPUT = "output"
"""The stock output (interim delivered) account debited by a shipment entry."""
SCRAP_VARIANCE = "scrap_variance"
CONVERSION_CONTROL = "conversion_control"
"""Actual conversion costs (labour and overhead), zeroed by a period close."""
REVALUATION = "revaluation"
"""The standard cost revaluation account, counterpart of a change of standard."""
REWORK_VARIANCE = "rework_variance"
"""The rework variance account: what repairs of finished units cost in parts."""
LINE_KINDS = (
    FINISHED,
    MATERIAL,
    CLEARING,
    CONVERSION,
    USAGE_VARIANCE,
    PRODUCTION_VARIANCE,
    BYPRODUCT,
    ROUNDING,
    OUTPUT,
    SCRAP_VARIANCE,
    CONVERSION_CONTROL,
    REVALUATION,
    REWORK_VARIANCE,
)


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


def _check_decimal(owner: object, name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise InvalidValue(
            f"{type(owner).__name__}.{name} must be a Decimal, got {type(value).__name__} {value!r}"
        )
    if not value.is_finite():
        raise InvalidValue(f"{type(owner).__name__}.{name} must be finite, got {value!r}")
    return value


def _check_positive(owner: object, name: str, value: object) -> None:
    if _check_decimal(owner, name, value) <= 0:
        raise InvalidValue(f"{type(owner).__name__}.{name} must be > 0, got {value}")


def _check_non_negative(owner: object, name: str, value: object) -> None:
    if _check_decimal(owner, name, value) < 0:
        raise InvalidValue(f"{type(owner).__name__}.{name} must be >= 0, got {value}")


def _freeze_tuple(owner: object, name: str, item_type: type) -> None:
    """Store the attribute as a tuple, checking the type of its items."""
    items = tuple(getattr(owner, name))
    for item in items:
        if not isinstance(item, item_type):
            raise InvalidValue(
                f"{type(owner).__name__}.{name} must hold {item_type.__name__} items, "
                f"got {type(item).__name__}"
            )
    object.__setattr__(owner, name, items)


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


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
        _check_non_negative(self, "minutes", self.minutes)
        _check_decimal(self, "cost_per_hour", self.cost_per_hour)


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
        _check_non_negative(self, "quantity", self.quantity)
        _check_positive(self, "uom_factor", self.uom_factor)
        _check_decimal(self, "unit_price", self.unit_price)
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
        _check_positive(self, "quantity", self.quantity)
        _check_positive(self, "uom_factor", self.uom_factor)
        _freeze_tuple(self, "lines", BomLine)
        _freeze_tuple(self, "operations", Operation)

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
        _check_non_negative(self, "quantity_per_unit", self.quantity_per_unit)
        _check_decimal(self, "unit_price", self.unit_price)

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
        _freeze_tuple(self, "components", ComponentStandard)
        _check_decimal(self, "conversion_per_unit", self.conversion_per_unit)
        products = [component.product for component in self.components]
        if len(set(products)) != len(products):
            raise ComponentConflict("UnitStandard.components lists a product more than once")

    @property
    def material_per_unit(self) -> Decimal:
        """Sum of quantity times price of all components, unrounded."""
        return _sum(component.value_per_unit for component in self.components)

    @property
    def total_per_unit(self) -> Decimal:
        """Material plus conversion per unit, unrounded."""
        return self.material_per_unit + self.conversion_per_unit


# --- Completion input -------------------------------------------------------------------


@dataclass(frozen=True)
class Consumption:
    """Actual consumption of one component for a completion.

    Attributes:
      product: The component.
      quantity: Consumed quantity in the component's own UoM (all moves merged).
      unit_price: Standard price per unit of the component's UoM.
      account: Valuation account credited for the consumption.
      value: The value the stock valuation layers took out for it (positive), or None.
        When given, the account is credited exactly this, so that the ledger follows the
        layers (a unit of measure conversion may have rounded their quantity); else
        round(quantity x unit_price).
    """

    product: ProductKey
    quantity: Decimal
    unit_price: Decimal
    account: AccountKey
    value: Decimal | None = None

    def __post_init__(self) -> None:
        _check_non_negative(self, "quantity", self.quantity)
        _check_decimal(self, "unit_price", self.unit_price)
        if self.value is not None:
            _check_decimal(self, "value", self.value)


@dataclass(frozen=True)
class ByProduct:
    """A by-product received at completion, valued at its own standard.

    Attributes:
      product: The by-product.
      quantity: Quantity received in the by-product's UoM.
      unit_price: Standard price per unit of its UoM.
      account: Valuation account debited.
      value: The value its stock valuation layers put in (positive), or None: when given,
        the account is debited exactly this; else round(quantity x unit_price).
    """

    product: ProductKey
    quantity: Decimal
    unit_price: Decimal
    account: AccountKey
    value: Decimal | None = None

    def __post_init__(self) -> None:
        _check_non_negative(self, "quantity", self.quantity)
        _check_decimal(self, "unit_price", self.unit_price)
        if self.value is not None:
            _check_decimal(self, "value", self.value)


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
            _check_decimal(self, "finished_value", self.finished_value)
        if self.trigger not in TRIGGERS:
            raise InvalidValue(
                f"Completion.trigger must be one of {TRIGGERS}, got {self.trigger!r}"
            )
        _check_positive(self, "quantity", self.quantity)
        _check_decimal(self, "finished_unit_price", self.finished_unit_price)
        _check_positive(self, "rounding", self.rounding)
        if not isinstance(self.standard, UnitStandard):
            raise InvalidValue("Completion.standard must be a UnitStandard")
        if not isinstance(self.accounts, CompletionAccounts):
            raise InvalidValue("Completion.accounts must be a CompletionAccounts")
        if self.trigger == TRIGGER_COMPLETION_ONLY and self.accounts.clearing is None:
            raise InvalidValue("Completion with trigger 'completion_only' needs a clearing account")
        _freeze_tuple(self, "consumed", Consumption)
        _freeze_tuple(self, "byproducts", ByProduct)


# --- Journal entry ----------------------------------------------------------------------


@dataclass(frozen=True)
class EntryLine:
    """One line of a journal entry.

    Attributes:
      account: The account posted to.
      amount: Positive for a debit, negative for a credit; already rounded.
      kind: One of LINE_KINDS, says why the line exists.
      product: The product the line is about, or None.
      quantity: The quantity the line is about (see completion_entry), or None.
      label: What the line is beyond its kind, as a key the shell turns into words
        (e.g. EARLIER_PERIODS), or None.
    """

    account: AccountKey
    amount: Decimal
    kind: str
    product: ProductKey | None = None
    quantity: Decimal | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        _check_decimal(self, "amount", self.amount)
        if self.kind not in LINE_KINDS:
            raise InvalidValue(f"EntryLine.kind must be one of {LINE_KINDS}, got {self.kind!r}")
        if self.quantity is not None:
            _check_decimal(self, "quantity", self.quantity)

    @property
    def debit(self) -> Decimal:
        """The amount if it is a debit, else zero."""
        return max(self.amount, ZERO)

    @property
    def credit(self) -> Decimal:
        """Minus the amount if it is a credit, else zero."""
        return max(-self.amount, ZERO)


@dataclass(frozen=True)
class Entry:
    """A balanced journal entry; construction fails unless its amounts sum to exactly zero.

    Attributes:
      lines: The lines, a tuple of EntryLine.
    """

    lines: tuple[EntryLine, ...]

    def __post_init__(self) -> None:
        _freeze_tuple(self, "lines", EntryLine)
        balance = _sum(line.amount for line in self.lines)
        if balance != 0:
            raise UnbalancedEntry(f"entry does not balance: lines sum to {balance}")

    @property
    def total_debit(self) -> Decimal:
        return _sum(line.debit for line in self.lines)

    @property
    def total_credit(self) -> Decimal:
        return _sum(line.credit for line in self.lines)

    def lines_of(self, kind: str) -> tuple[EntryLine, ...]:
        """The lines of the given kind, in entry order."""
        return tuple(line for line in self.lines if line.kind == kind)

    def amount_of(self, kind: str) -> Decimal:
        """Net amount (debit positive) of the lines of the given kind."""
        return _sum(line.amount for line in self.lines_of(kind))

    def by_account(self) -> dict[AccountKey, Decimal]:
        """Net amount per account, in order of first appearance."""
        totals: dict[AccountKey, Decimal] = {}
        for line in self.lines:
            totals[line.account] = totals.get(line.account, ZERO) + line.amount
        return totals


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
