"""Journal entry of the completion of good units at standard cost (backflush).

Let Q be the completed quantity, P the finished product, and for each component i
b_i its standard quantity per unit and c_i its standard price; m = sum b_i c_i and k is
the conversion cost per unit.  Each line is rounded on its own; the production variance
is round(Q (m + k)) - round(Q P.std) - by-products, and the few quanta that rounding the
lines separately leaves over are posted as a separate 'rounding' line on the production
variance account, so that the entry balances exactly.

With trigger 'shipment' (Horngren's variant B) the finished units are not valued until
they are shipped (costing.shipment), so the completion posts only, per component, the
deviation d_i = round(actual_i c_i) - round(Q b_i c_i) (RIP against usage variance) and
the by-products (against production variance); that entry may be empty.
"""

from dataclasses import dataclass
from decimal import Decimal

from .checks import ComponentConflict, InvalidValue
from .entry import Entry, EntryLine
from .kinds import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    FINISHED,
    MATERIAL,
    PRODUCTION_VARIANCE,
    ROUNDING,
    TRIGGER_COMPLETION,
    TRIGGER_SHIPMENT,
    USAGE_VARIANCE,
    ZERO,
    AccountKey,
    ProductKey,
)
from .lines import optional_line, standard_rounding_line
from .money import round_money, total
from .values import Completion, CompletionResult, CompletionSummary, Consumption


@dataclass(frozen=True)
class _Usage:
    """Standard and actual use of one component in a completion.

    Attributes:
      product: The component.
      unit_price: Its standard price per unit of its UoM.
      standard_quantity: Q x b_i, zero for a component outside the standard.
      actual: Its Consumption, or None when it was not consumed.
      standard_account: Its ComponentStandard.account, None for an extra component.
    """

    product: ProductKey
    unit_price: Decimal
    standard_quantity: Decimal
    actual: Consumption | None
    standard_account: AccountKey | None = None

    @property
    def actual_quantity(self) -> Decimal:
        return ZERO if self.actual is None else self.actual.quantity

    def actual_value(self, rounding: Decimal) -> Decimal:
        """The value consumed: the layers' value when known, else quantity x price."""
        return ZERO if self.actual is None else self.actual.booked_value(rounding)

    @property
    def quantity_deviation(self) -> Decimal:
        """Actual minus standard quantity."""
        return self.actual_quantity - self.standard_quantity

    @property
    def account(self) -> AccountKey:
        """The Consumption's account, else the standard one; refused when there is none."""
        account = self.standard_account if self.actual is None else self.actual.account
        if account is None:
            raise InvalidValue(f"component {self.product!r} has no valuation account")
        return account


def _money(completion: Completion, amount: Decimal) -> Decimal:
    return round_money(amount, completion.rounding)


def _consumed_by_product(completion: Completion) -> dict[ProductKey, Consumption]:
    standard_prices = {c.product: c.unit_price for c in completion.standard.components}
    consumed: dict[ProductKey, Consumption] = {}
    for consumption in completion.consumed:
        product = consumption.product
        if product in consumed:
            raise ComponentConflict(f"component {product!r} is consumed more than once")
        standard_price = standard_prices.get(product, consumption.unit_price)
        if consumption.unit_price != standard_price:
            raise ComponentConflict(
                f"component {product!r} is consumed at {consumption.unit_price} "
                f"but its standard price is {standard_price}"
            )
        consumed[product] = consumption
    return consumed


def _usages(completion: Completion) -> list[_Usage]:
    """Standard components first, then extra components, in the given order."""
    consumed = _consumed_by_product(completion)
    usages = [
        _Usage(
            c.product,
            c.unit_price,
            completion.quantity * c.quantity_per_unit,
            consumed.pop(c.product, None),
            c.account,
        )
        for c in completion.standard.components
    ]
    extras = [_Usage(c.product, c.unit_price, ZERO, c) for c in consumed.values()]
    return usages + extras


def _finished_line(completion: Completion) -> list[EntryLine]:
    amount = completion.finished_value
    if amount is None:
        amount = _money(completion, completion.quantity * completion.finished_unit_price)
    return optional_line(
        completion.accounts.finished,
        amount,
        FINISHED,
        completion.finished_product,
        completion.quantity,
    )


def _material_lines(completion: Completion, usages: list[_Usage]) -> list[EntryLine]:
    """Credit each consumed component at actual quantity times standard price."""
    lines = []
    for usage in usages:
        if usage.actual is not None:
            amount = usage.actual_value(completion.rounding)
            lines += optional_line(
                usage.actual.account, -amount, MATERIAL, usage.product, usage.actual_quantity
            )
    return lines


def _deviation(completion: Completion, usage: _Usage) -> Decimal:
    """round(actual x price) - round(standard quantity x price)."""
    actual = usage.actual_value(completion.rounding)
    standard = _money(completion, usage.standard_quantity * usage.unit_price)
    return actual - standard


def _usage_variance_lines(completion: Completion, usages: list[_Usage]) -> list[EntryLine]:
    """Debit (credit) what was consumed above (below) standard, priced at standard."""
    lines = []
    for usage in usages:
        lines += optional_line(
            completion.accounts.usage_variance,
            _deviation(completion, usage),
            USAGE_VARIANCE,
            usage.product,
            usage.quantity_deviation,
        )
    return lines


def _deviation_material_lines(completion: Completion, usages: list[_Usage]) -> list[EntryLine]:
    """Credit (debit) RIP with what was consumed above (below) standard (shipment)."""
    lines = []
    for usage in usages:
        deviation = _deviation(completion, usage)
        if deviation != 0:
            lines += optional_line(
                usage.account, -deviation, MATERIAL, usage.product, usage.quantity_deviation
            )
    return lines


def _clearing_lines(completion: Completion) -> list[EntryLine]:
    """Credit the clearing account with the standard material of each component."""
    lines = []
    for component in completion.standard.components:
        quantity = completion.quantity * component.quantity_per_unit
        amount = _money(completion, quantity * component.unit_price)
        lines += optional_line(
            completion.accounts.clearing, -amount, CLEARING, component.product, quantity
        )
    return lines


def _conversion_line(completion: Completion) -> list[EntryLine]:
    conversion = completion.quantity * completion.standard.conversion_per_unit
    return optional_line(
        completion.accounts.conversion,
        -_money(completion, conversion),
        CONVERSION,
        completion.finished_product,
        completion.quantity,
    )


def _byproduct_lines(completion: Completion) -> list[EntryLine]:
    lines = []
    for byproduct in completion.byproducts:
        amount = byproduct.booked_value(completion.rounding)
        lines += optional_line(
            byproduct.account, amount, BYPRODUCT, byproduct.product, byproduct.quantity
        )
    return lines


def _byproduct_credit_line(completion: Completion, byproducts: list[EntryLine]) -> list[EntryLine]:
    """Credit the production variance account with the by-products (shipment)."""
    return optional_line(
        completion.accounts.production_variance,
        -total(line.amount for line in byproducts),
        PRODUCTION_VARIANCE,
        completion.finished_product,
    )


def _production_variance_line(
    completion: Completion, finished_value: Decimal, byproduct_value: Decimal
) -> list[EntryLine]:
    """Standard cost of what was made minus the value put into stock (+ = debit)."""
    standard_cost = _money(completion, completion.quantity * completion.standard.total_per_unit)
    return optional_line(
        completion.accounts.production_variance,
        standard_cost - finished_value - byproduct_value,
        PRODUCTION_VARIANCE,
        completion.finished_product,
    )


def _material_standard(completion: Completion) -> Decimal:
    return total(
        _money(completion, completion.quantity * component.value_per_unit)
        for component in completion.standard.components
    )


def _summary(completion: Completion, entry: Entry) -> CompletionSummary:
    return CompletionSummary(
        finished_value=entry.amount_of(FINISHED),
        material_standard=_material_standard(completion),
        material_actual=-(entry.amount_of(MATERIAL) + entry.amount_of(CLEARING)),
        conversion_standard=-entry.amount_of(CONVERSION),
        usage_variance=entry.amount_of(USAGE_VARIANCE),
        byproduct_value=entry.amount_of(BYPRODUCT),
        production_variance=entry.amount_of(PRODUCTION_VARIANCE),
        rounding=entry.amount_of(ROUNDING),
    )


def _shipment_summary(
    completion: Completion, usages: list[_Usage], entry: Entry
) -> CompletionSummary:
    material_actual = total(usage.actual_value(completion.rounding) for usage in usages)
    return CompletionSummary(
        finished_value=ZERO,
        material_standard=_material_standard(completion),
        material_actual=material_actual,
        conversion_standard=ZERO,
        usage_variance=entry.amount_of(USAGE_VARIANCE),
        byproduct_value=entry.amount_of(BYPRODUCT),
        production_variance=entry.amount_of(PRODUCTION_VARIANCE),
        rounding=ZERO,
    )


def _shipment_completion_entry(completion: Completion) -> CompletionResult:
    usages = _usages(completion)
    byproducts = _byproduct_lines(completion)
    lines = (
        _deviation_material_lines(completion, usages)
        + _usage_variance_lines(completion, usages)
        + byproducts
        + _byproduct_credit_line(completion, byproducts)
    )
    entry = Entry(tuple(lines))
    return CompletionResult(entry, _shipment_summary(completion, usages, entry))


def completion_entry(completion: Completion) -> CompletionResult:
    """The balanced journal entry of ``completion`` and its key figures.

    Lines, in order: finished goods; material (one per consumed component) or clearing
    (one per standard component); conversion applied; usage variances (trigger
    'completion' only); by-products; production variance; rounding.  Lines whose amount
    is zero are left out.  Raises a CostingError on inconsistent input.

    With trigger 'shipment' the lines are instead: material (-d_i, one per component
    whose deviation d_i is not zero, on its Consumption's account or, when it was not
    consumed, on its ComponentStandard.account); usage variances (+d_i); by-products;
    one production variance line crediting their total.  The entry may have no lines.
    """
    if completion.trigger == TRIGGER_SHIPMENT:
        return _shipment_completion_entry(completion)
    finished = _finished_line(completion)
    if completion.trigger == TRIGGER_COMPLETION:
        usages = _usages(completion)
        material = _material_lines(completion, usages)
        usage_variance = _usage_variance_lines(completion, usages)
    else:
        material = _clearing_lines(completion)
        usage_variance = []
    byproducts = _byproduct_lines(completion)
    production_variance = _production_variance_line(
        completion, total(line.amount for line in finished), total(b.amount for b in byproducts)
    )
    lines = (
        finished
        + material
        + _conversion_line(completion)
        + usage_variance
        + byproducts
        + production_variance
    )
    entry = Entry(tuple(lines + standard_rounding_line(completion, lines)))
    return CompletionResult(entry, _summary(completion, entry))
