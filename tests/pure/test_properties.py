"""Properties of the costing core over generated inputs (hypothesis)."""

from dataclasses import replace
from decimal import Decimal as D

from entries import assert_balanced_in_quanta, negated, netted
from hypothesis import given
from hypothesis import strategies as st
from strategies import (
    ROUNDINGS,
    completed_quantities,
    completions,
    components,
    decimals,
    prices,
)
from textbook import ACCOUNTS, SHIPMENT_ACCOUNTS

from costing import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    CONVERSION_CONTROL,
    FINISHED,
    LINE_KINDS,
    MATERIAL,
    OUTPUT,
    PRODUCTION_VARIANCE,
    REVALUATION,
    REWORK_VARIANCE,
    ROUNDING,
    SCRAP_VARIANCE,
    TRIGGER_COMPLETION,
    TRIGGER_SHIPMENT,
    USAGE_VARIANCE,
    Bom,
    BomLine,
    ByProduct,
    Completion,
    Consumption,
    Entry,
    EntryLine,
    Operation,
    Shipment,
    UnitStandard,
    completion_entry,
    condensed,
    reversal_entry,
    round_money,
    shipment_entry,
    summarize,
    unit_standard,
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
    if completion.trigger == TRIGGER_SHIPMENT:
        # Only the deviations, each the difference of two rounded amounts (one for a
        # component not consumed and for an extra one), and the by-products.
        return {
            MATERIAL: consumed + components,
            USAGE_VARIANCE: consumed + components,
            BYPRODUCT: byproducts,
            PRODUCTION_VARIANCE: byproducts,
        }.get(kind, 0)
    return {
        OUTPUT: 0,
        SCRAP_VARIANCE: 0,
        CONVERSION_CONTROL: 0,
        REVALUATION: 0,
        REWORK_VARIANCE: 0,
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
    if completion.trigger == TRIGGER_SHIPMENT:
        # Nothing is finished: RIP deviations against usage variances, by-products
        # against production variance.
        assert summary.finished_value == summary.conversion_standard == summary.rounding == 0
        assert entry.amount_of(MATERIAL) == -summary.usage_variance
        assert summary.byproduct_value == -summary.production_variance
        return
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
    elif completion.trigger == TRIGGER_SHIPMENT:
        assert summary.material_actual - summary.usage_variance == summary.material_standard
        for kind in (FINISHED, CLEARING, CONVERSION, ROUNDING, OUTPUT):
            assert result.entry.lines_of(kind) == ()
    else:
        assert summary.material_actual == summary.material_standard
        assert result.entry.lines_of(MATERIAL) == result.entry.lines_of(USAGE_VARIANCE) == ()


@given(completions())
def test_summarize_reads_the_summary_back_from_the_entry(completion):
    result = completion_entry(completion)
    read_back = summarize(result.entry)
    if completion.trigger != TRIGGER_SHIPMENT:
        assert read_back == result.summary
        return
    # A shipment completion holds only the deviations.
    assert read_back.material_actual == result.summary.usage_variance
    assert read_back.material_standard == 0
    assert replace(read_back, material_actual=D(0)) == replace(
        result.summary, material_actual=D(0), material_standard=D(0)
    )


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


# --- Shipments ---------------------------------------------------------------------------


@st.composite
def shipments(draw):
    standard = UnitStandard(draw(components()), draw(prices))
    quantity = draw(completed_quantities)
    rounding = draw(st.sampled_from(ROUNDINGS))
    unit_price = draw(st.one_of(st.just(standard.total_per_unit), decimals(0, 200_000, 3)))
    delivered_value = round_money(quantity * unit_price, rounding)
    return Shipment(quantity, "P", delivered_value, standard, SHIPMENT_ACCOUNTS, rounding)


@given(shipments())
def test_shipment_entry_balances_with_non_zero_multiples_of_the_quantum(shipment):
    assert_balanced_in_quanta(shipment_entry(shipment).entry, shipment.rounding)


@given(shipments())
def test_shipment_credits_and_variances_explain_the_output_debit(shipment):
    result = shipment_entry(shipment)
    entry, summary = result.entry, result.summary
    assert entry.amount_of(OUTPUT) == shipment.delivered_value
    credits = entry.amount_of(MATERIAL) + entry.amount_of(CONVERSION)
    variances = entry.amount_of(PRODUCTION_VARIANCE) + entry.amount_of(ROUNDING)
    assert -credits - variances == entry.amount_of(OUTPUT)
    standard_cost = round_money(
        shipment.quantity * shipment.standard.total_per_unit, shipment.rounding
    )
    assert entry.amount_of(PRODUCTION_VARIANCE) == standard_cost - shipment.delivered_value
    assert summary.finished_value == (
        summary.material_standard
        + summary.conversion_standard
        - summary.production_variance
        - summary.rounding
    )
    assert summarize(entry) == summary


@given(shipments())
def test_shipment_rounding_residue_is_small(shipment):
    entry = shipment_entry(shipment).entry
    bound_terms = len(shipment.standard.components) + 2
    assert len(entry.lines_of(ROUNDING)) <= 1
    assert abs(entry.amount_of(ROUNDING)) <= bound_terms * shipment.rounding / 2
    for line in entry.lines_of(ROUNDING) + entry.lines_of(PRODUCTION_VARIANCE):
        assert line.account == SHIPMENT_ACCOUNTS.production_variance


# --- Reversals ---------------------------------------------------------------------------


@st.composite
def originals(draw):
    """(entry, summary it should read back as, rounding) of a completion or shipment."""
    if draw(st.booleans()):
        shipment = draw(shipments())
        result = shipment_entry(shipment)
        return result.entry, result.summary, shipment.rounding
    completion = draw(completions())
    result = completion_entry(completion)
    summary = result.summary
    if completion.trigger == TRIGGER_SHIPMENT:
        summary = summarize(result.entry)  # the deviations only
    return result.entry, summary, completion.rounding


@given(originals())
def test_full_reversal_nets_every_account_to_zero(original):
    entry, summary, rounding = original
    reversal = reversal_entry(entry.lines, D(1), rounding, "PV")
    assert len(reversal.lines) == len(entry.lines)
    assert all(value == 0 for value in netted(entry, reversal).values())
    assert summarize(reversal) == negated(summary)


@given(originals(), decimals(1, 1_000, 3))
def test_partial_reversal_is_balanced_and_rounded(original, share):
    entry, _, rounding = original
    reversal = reversal_entry(entry.lines, share, rounding, "PV")
    assert_balanced_in_quanta(reversal, rounding)
    assert len(reversal.lines_of(ROUNDING)) <= len(entry.lines_of(ROUNDING)) + 1
    for kind in LINE_KINDS:
        if kind != ROUNDING:
            error = reversal.amount_of(kind) + share * entry.amount_of(kind)
            assert abs(error) <= len(entry.lines_of(kind)) * rounding / 2


@given(originals(), st.one_of(st.just(None), decimals(1, 999, 3)))
def test_reversals_of_a_partition_of_shares_net_to_within_rounding(original, share):
    entry, _, rounding = original
    shares = [D(1) / D(3)] * 3 if share is None else [share, 1 - share]
    reversals = [reversal_entry(entry.lines, part, rounding, "PV") for part in shares]
    for reversal in reversals:
        assert sum(line.amount for line in reversal.lines) == 0
        assert reversal.total_debit == reversal.total_credit
    net = netted(entry, *reversals)
    assert sum(net.values()) == 0
    for value in net.values():
        assert abs(value) <= len(entry.lines) * rounding


# --- Condensed entries (one journal item per account and kind) ---------------------------


@given(originals())
def test_condensing_keeps_every_account_and_kind_and_the_summary(original):
    entry, _, _ = original
    condensed_entry = condensed(entry)
    keys = [(line.account, line.kind, line.label) for line in condensed_entry.lines]
    assert len(keys) == len(set(keys))

    def non_zero(totals):
        return {account: amount for account, amount in totals.items() if amount != 0}

    assert non_zero(condensed_entry.by_account()) == non_zero(entry.by_account())
    for kind in LINE_KINDS:
        assert condensed_entry.amount_of(kind) == entry.amount_of(kind)
    assert summarize(condensed_entry) == summarize(entry)
    assert len(condensed_entry.lines) <= len(entry.lines)


@given(originals())
def test_full_reversal_of_a_condensed_entry_nets_it_to_zero(original):
    entry, _, rounding = original
    condensed_entry = condensed(entry)
    reversal = reversal_entry(condensed_entry.lines, D(1), rounding, "PV")
    assert all(value == 0 for value in netted(condensed_entry, reversal).values())
    assert summarize(reversal) == negated(summarize(condensed_entry))


def test_condensing_gathers_components_of_one_account_and_keeps_a_single_product():
    entry = Entry(
        (
            EntryLine("FG", D("10.00"), FINISHED, "bike", D(2)),
            EntryLine("RIP", D("-3.33"), MATERIAL, "wheel", D(4)),
            EntryLine("RIP", D("-2.22"), MATERIAL, "frame", D(2)),
            EntryLine("RIP2", D("-1.00"), MATERIAL, "bell", D(2)),
            EntryLine("RIP2", D("-0.45"), MATERIAL, "bell", D(1)),
            EntryLine("CCA", D("-3.00"), CONVERSION, "bike", D(2)),
            EntryLine("PV", D("0.01"), PRODUCTION_VARIANCE, "bike"),
            EntryLine("PV", D("-0.01"), PRODUCTION_VARIANCE, "bike"),
        )
    )
    assert condensed(entry).lines == (
        EntryLine("FG", D("10.00"), FINISHED, "bike", D(2)),
        EntryLine("RIP", D("-5.55"), MATERIAL),
        EntryLine("RIP2", D("-1.45"), MATERIAL, "bell", D(3)),
        EntryLine("CCA", D("-3.00"), CONVERSION, "bike", D(2)),
    )
