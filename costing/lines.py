"""Building blocks shared by the entry builders: a line that may be absent, and the
rounding line that makes separately rounded lines balance."""

from decimal import Decimal

from .checks import InvalidValue, RoundingResidueTooLarge
from .entry import Entry, EntryLine
from .kinds import CONVERSION, MATERIAL, ROUNDING, AccountKey, ProductKey
from .money import round_money, total
from .values import UnitStandard


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
    residue = -total(existing.amount for existing in lines)
    if abs(residue) > bound:
        raise RoundingResidueTooLarge(
            f"rounding residue {residue} exceeds {bound}; the entry lines disagree"
        )
    return optional_line(account, residue, ROUNDING, product)


def standard_rounding_line(costed, lines: list[EntryLine]) -> list[EntryLine]:
    """The rounding line of a completion or a shipment (``costed``), on its production
    variance account: sum_i round(Q b_i c_i) + round(Q k) - round(Q (m + k)) leaves at
    most half a quantum for each of those n + 2 roundings."""
    bound = (len(costed.standard.components) + 2) * costed.rounding / 2
    return rounding_line(lines, costed.accounts.production_variance, bound, costed.finished_product)


def standard_credits(
    quantity: Decimal,
    standard: UnitStandard,
    conversion_account: AccountKey,
    product: ProductKey,
    rounding: Decimal,
) -> list[EntryLine]:
    """Credit the standard of ``quantity`` units of ``product``: each component's
    material standard on its own account (RIP), then the conversion standard."""
    lines = []
    for component in standard.components:
        component_quantity = quantity * component.quantity_per_unit
        amount = round_money(component_quantity * component.unit_price, rounding)
        if amount and component.account is None:
            raise InvalidValue(f"component {component.product!r} has no valuation account")
        lines += optional_line(
            component.account, -amount, MATERIAL, component.product, component_quantity
        )
    conversion = round_money(quantity * standard.conversion_per_unit, rounding)
    return lines + optional_line(conversion_account, -conversion, CONVERSION, product, quantity)


def condensed(entry: Entry) -> Entry:
    """``entry`` with one line per account, kind and label, as the ledger needs it.

    The entry builders make one line per component so that each is rounded on its own
    (as a shipment of the same units would be); the journal needs no more than their
    sum per account and kind. Amounts are summed (they are rounded already, so the sum
    is exact and the entry still balances); a line keeps its product, and the sum of
    its quantities, when all it gathers are of one product, else it has neither.
    Lines that net to zero are left out. Lines keep the order of their first member.
    """
    if not isinstance(entry, Entry):
        raise InvalidValue(f"entry must be an Entry, got {type(entry).__name__}")
    groups: dict[tuple, list[EntryLine]] = {}
    for line in entry.lines:
        groups.setdefault((line.account, line.kind, line.label), []).append(line)
    lines = []
    for (account, kind, label), members in groups.items():
        amount = total(member.amount for member in members)
        if amount == 0:
            continue
        products = {member.product for member in members}
        product = products.pop() if len(products) == 1 else None
        quantities = [member.quantity for member in members]
        quantity = None
        if product is not None and None not in quantities:
            quantity = total(quantities)
        lines.append(EntryLine(account, amount, kind, product, quantity, label))
    return Entry(tuple(lines))
