"""Properties of the costing core over generated inputs (hypothesis)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from costing import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    FINISHED,
    LINE_KINDS,
    MATERIAL,
    PRODUCTION_VARIANCE,
    ROUNDING,
    TRIGGER_COMPLETION,
    TRIGGERS,
    USAGE_VARIANCE,
    Bom,
    BomLine,
    ByProduct,
    Completion,
    CompletionAccounts,
    ComponentStandard,
    Consumption,
    Operation,
    UnitStandard,
    completion_entry,
    unit_standard,
)

ACCOUNTS = CompletionAccounts("FG", "CONV", "UV", "PV", clearing="CLR")
ROUNDINGS = [D("0.01"), D("0.05"), D(1), D("0.001")]


def decimals(low, high, places):
    """Decimals from low to high (given in units of the last place) with ``places`` decimals."""
    return st.integers(low, high).map(lambda units: D(units).scaleb(-places))


prices = decimals(0, 100_000, 3)
quantities_per_unit = decimals(0, 1_000, 2)
completed_quantities = decimals(1, 10_000, 2)
consumed_quantities = decimals(0, 100_000, 2)


@st.composite
def components(draw):
    count = draw(st.integers(0, 4))
    return tuple(
        ComponentStandard(product, draw(quantities_per_unit), draw(prices), f"R{product}")
        for product in range(count)
    )


@st.composite
def consumptions(draw, standard):
    consumed = [
        Consumption(c.product, draw(consumed_quantities), c.unit_price, c.account)
        for c in standard.components
        if draw(st.booleans())
    ]
    extras = draw(st.lists(st.tuples(consumed_quantities, prices), max_size=2))
    consumed += [
        Consumption(100 + index, quantity, price, f"R{100 + index}")
        for index, (quantity, price) in enumerate(extras)
    ]
    return tuple(consumed)


@st.composite
def completions(draw):
    standard = UnitStandard(draw(components()), draw(prices))
    byproducts = tuple(
        ByProduct(200 + index, quantity, price, "BY")
        for index, (quantity, price) in enumerate(
            draw(st.lists(st.tuples(consumed_quantities, prices), max_size=2))
        )
    )
    return Completion(
        trigger=draw(st.sampled_from(TRIGGERS)),
        quantity=draw(completed_quantities),
        finished_product="P",
        finished_unit_price=draw(
            st.one_of(st.just(standard.total_per_unit), decimals(0, 200_000, 3))
        ),
        standard=standard,
        accounts=ACCOUNTS,
        consumed=draw(consumptions(standard)),
        byproducts=byproducts,
        rounding=draw(st.sampled_from(ROUNDINGS)),
    )


def scaled(completion, n):
    """The same completion for ``n`` times the quantity (consumption and by-products too)."""
    return Completion(
        completion.trigger,
        completion.quantity * n,
        completion.finished_product,
        completion.finished_unit_price,
        completion.standard,
        completion.accounts,
        tuple(
            Consumption(c.product, c.quantity * n, c.unit_price, c.account)
            for c in completion.consumed
        ),
        tuple(
            ByProduct(b.product, b.quantity * n, b.unit_price, b.account)
            for b in completion.byproducts
        ),
        completion.rounding,
    )


def rounded_terms(completion, kind):
    """How many separately rounded amounts the net amount of ``kind`` is made of."""
    components = len(completion.standard.components)
    consumed = len(completion.consumed)
    byproducts = len(completion.byproducts)
    return {
        FINISHED: 1,
        MATERIAL: consumed,
        CLEARING: components,
        CONVERSION: 1,
        USAGE_VARIANCE: consumed + components,
        BYPRODUCT: byproducts,
        PRODUCTION_VARIANCE: 2 + byproducts,
        ROUNDING: components + 2,
    }[kind]


@given(completions())
def test_entry_balances_exactly(completion):
    entry = completion_entry(completion).entry
    assert sum(line.amount for line in entry.lines) == 0
    assert entry.total_debit == entry.total_credit
    assert sum(entry.by_account().values()) == 0


@given(completions())
def test_every_amount_is_a_non_zero_multiple_of_the_quantum(completion):
    for line in completion_entry(completion).entry.lines:
        assert line.amount != 0
        assert line.amount % completion.rounding == 0
        assert line.debit - line.credit == line.amount
        assert min(line.debit, line.credit) == 0


@given(completions())
def test_credit_side_explains_the_finished_goods_debit(completion):
    result = completion_entry(completion)
    entry, summary = result.entry, result.summary
    others = sum(line.amount for line in entry.lines if line.kind != FINISHED)
    assert others == -entry.amount_of(FINISHED)
    assert summary.finished_value + summary.byproduct_value == (
        summary.material_actual
        + summary.conversion_standard
        - summary.usage_variance
        - summary.production_variance
        - summary.rounding
    )


@given(completions())
def test_summary_is_consistent_with_the_trigger(completion):
    result = completion_entry(completion)
    summary = result.summary
    if completion.trigger == TRIGGER_COMPLETION:
        assert summary.material_actual - summary.usage_variance == summary.material_standard
        assert result.entry.lines_of(CLEARING) == ()
    else:
        assert summary.material_actual == summary.material_standard
        assert result.entry.lines_of(MATERIAL) == result.entry.lines_of(USAGE_VARIANCE) == ()


@given(completions())
def test_rounding_residue_is_small_and_on_the_production_variance_account(completion):
    entry = completion_entry(completion).entry
    residue_lines = entry.lines_of(ROUNDING)
    assert len(residue_lines) <= 1
    for line in residue_lines:
        assert line.account == ACCOUNTS.production_variance
        assert abs(line.amount) <= rounded_terms(completion, ROUNDING) * completion.rounding / 2


@given(completions(), st.integers(2, 7))
def test_scaling_the_quantity_scales_every_kind_up_to_rounding(completion, n):
    entry = completion_entry(completion).entry
    scaled_entry = completion_entry(scaled(completion, n)).entry
    for kind in LINE_KINDS:
        tolerance = (n + 1) * completion.rounding / 2 * rounded_terms(completion, kind)
        assert abs(scaled_entry.amount_of(kind) - n * entry.amount_of(kind)) <= tolerance


@st.composite
def boms(draw):
    lines = tuple(
        BomLine(product, draw(decimals(0, 10_000, 2)), D(1), draw(prices), f"R{product}")
        for product in range(draw(st.integers(0, 3)))
    )
    operations = tuple(
        Operation(draw(decimals(0, 6_000, 1)), draw(decimals(0, 20_000, 2)))
        for _ in range(draw(st.integers(0, 2)))
    )
    return Bom(draw(decimals(1, 1_000, 1)), draw(st.sampled_from([D(1), D(12)])), lines, operations)


def scaled_bom(bom, n):
    lines = tuple(
        BomLine(line.product, line.quantity * n, line.uom_factor, line.unit_price, line.account)
        for line in bom.lines
    )
    operations = tuple(Operation(op.minutes * n, op.cost_per_hour) for op in bom.operations)
    return Bom(bom.quantity * n, bom.uom_factor, lines, operations)


def close(a, b):
    return abs(a - b) <= D("1e-20") * max(1, abs(a))


@given(boms(), st.integers(2, 9))
def test_unit_standard_does_not_depend_on_the_bom_batch_size(bom, n):
    standard = unit_standard(bom)
    scaled_standard = unit_standard(scaled_bom(bom, n))
    assert close(standard.material_per_unit, scaled_standard.material_per_unit)
    assert close(standard.conversion_per_unit, scaled_standard.conversion_per_unit)


@given(boms(), decimals(1, 1_000, 1))
def test_a_kit_of_a_bom_costs_the_same_as_the_bom(bom, kit_quantity):
    # Using the BOM as a kit for kit_quantity units, in a BOM making kit_quantity units.
    kit_line = BomLine("K", kit_quantity, D(1), D(0), None, bom)
    wrapper = Bom(kit_quantity, D(1), (kit_line,))
    direct, via_kit = unit_standard(bom), unit_standard(wrapper)
    assert close(direct.material_per_unit, via_kit.material_per_unit)
    assert close(direct.conversion_per_unit, via_kit.conversion_per_unit)
    assert [c.product for c in direct.components] == [c.product for c in via_kit.components]
