from decimal import Decimal as D

import pytest
from entries import amounts
from textbook import ACCOUNTS, ONE, TEXTBOOK, THIRDS, consumed

from costing import (
    BYPRODUCT,
    CLEARING,
    CONVERSION,
    FINISHED,
    MATERIAL,
    PRODUCTION_VARIANCE,
    ROUNDING,
    USAGE_VARIANCE,
    Bom,
    BomLine,
    ByProduct,
    Completion,
    CompletionAccounts,
    ComponentConflict,
    ComponentStandard,
    Consumption,
    Entry,
    EntryLine,
    InvalidValue,
    Operation,
    RoundingResidueTooLarge,
    UnbalancedEntry,
    UnitStandard,
    completion_entry,
    unit_standard,
)
from costing.lines import standard_rounding_line


def complete(
    consumption=(),
    trigger="completion",
    quantity=100,
    price="31",
    standard=TEXTBOOK,
    byproducts=(),
    rounding="0.01",
):
    completion = Completion(
        trigger,
        D(quantity),
        "P",
        D(price),
        standard,
        ACCOUNTS,
        consumption,
        byproducts,
        D(rounding),
    )
    return completion_entry(completion)


def test_textbook_completion():
    result = complete(consumed(A=200, B=100))
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 100, 3100),
        (MATERIAL, "RA", "A", 200, -1400),
        (MATERIAL, "RB", "B", 100, -500),
        (CONVERSION, "CONV", "P", 100, -1200),
    ]
    summary = result.summary
    assert summary.finished_value == 3100
    assert summary.material_standard == summary.material_actual == 1900
    assert summary.conversion_standard == 1200
    assert summary.usage_variance == summary.production_variance == summary.rounding == 0
    assert summary.total_variance == 0
    assert result.entry.total_debit == result.entry.total_credit == 3100


def test_textbook_completion_only_ignores_consumption():
    result = complete(consumed(A=250), trigger="completion_only")
    assert amounts(result.entry) == [
        # Materials clearing is credited the standard quantities, whatever was consumed.
        (FINISHED, "FG", "P", 100, 3100),
        (CLEARING, "CLR", "A", 200, -1400),
        (CLEARING, "CLR", "B", 100, -500),
        (CONVERSION, "CONV", "P", 100, -1200),
    ]
    assert result.summary.material_actual == result.summary.material_standard == 1900
    assert result.summary.usage_variance == 0


def test_line_products_and_quantities():
    entry = complete(consumed(A=210, B=100)).entry
    (finished,) = entry.lines_of(FINISHED)
    (conversion,) = entry.lines_of(CONVERSION)
    (variance,) = entry.lines_of(USAGE_VARIANCE)
    assert (finished.product, finished.quantity) == ("P", 100)
    assert (conversion.product, conversion.quantity) == ("P", 100)
    assert [(m.product, m.quantity) for m in entry.lines_of(MATERIAL)] == [("A", 210), ("B", 100)]
    assert (variance.product, variance.quantity) == ("A", 10)


def test_over_consumption_is_a_usage_variance_debit():
    result = complete(consumed(A=210, B=100))
    (variance,) = result.entry.lines_of(USAGE_VARIANCE)
    assert (variance.account, variance.amount, variance.debit, variance.credit) == ("UV", 70, 70, 0)
    assert result.entry.amount_of(MATERIAL) == -1970
    assert result.summary.material_actual == 1970
    assert result.summary.material_standard == 1900
    assert result.summary.usage_variance == 70
    assert result.summary.production_variance == 0


def test_under_consumption_is_a_usage_variance_credit():
    result = complete(consumed(A=200, B=90))
    (variance,) = result.entry.lines_of(USAGE_VARIANCE)
    assert (variance.product, variance.quantity, variance.amount) == ("B", -10, -50)
    assert variance.credit == 50
    assert result.summary.usage_variance == -50


def test_component_not_consumed_has_no_material_line_and_credits_usage_variance():
    entry = complete(consumed(A=200)).entry
    assert [line.product for line in entry.lines_of(MATERIAL)] == ["A"]
    (variance,) = entry.lines_of(USAGE_VARIANCE)
    assert (variance.product, variance.quantity, variance.amount) == ("B", -100, -500)


def test_extra_component_is_entirely_usage_variance():
    entry = complete(consumed(A=200, B=100, X=3)).entry
    assert entry.lines_of(MATERIAL)[-1].product == "X"
    assert entry.lines_of(MATERIAL)[-1].amount == -6
    (variance,) = entry.lines_of(USAGE_VARIANCE)
    assert (variance.product, variance.quantity, variance.amount) == ("X", 3, 6)


def test_finished_price_above_roll_up_is_a_production_variance_credit():
    result = complete(consumed(A=200, B=100), price="32")
    (variance,) = result.entry.lines_of(PRODUCTION_VARIANCE)
    assert (variance.account, variance.amount) == ("PV", -100)
    assert result.summary.finished_value == 3200
    assert result.summary.production_variance == -100


def test_finished_price_below_roll_up_is_a_production_variance_debit():
    result = complete(consumed(A=200, B=100), price="30.5", trigger="completion_only")
    assert result.entry.amount_of(FINISHED) == 3050
    assert result.entry.amount_of(PRODUCTION_VARIANCE) == 50


def test_byproduct_is_valued_at_its_standard_and_reduces_production_variance():
    byproduct = ByProduct("Y", D(10), D(4), "RY")
    result = complete(consumed(A=200, B=100), byproducts=(byproduct,))
    (line,) = result.entry.lines_of(BYPRODUCT)
    assert (line.account, line.product, line.quantity, line.amount) == ("RY", "Y", 10, 40)
    assert result.entry.amount_of(PRODUCTION_VARIANCE) == -40
    assert result.summary.byproduct_value == 40


def test_rounding_residue_is_its_own_line_on_the_production_variance_account():
    consumption = (
        Consumption("A", ONE, D("0.333"), "RA"),
        Consumption("B", ONE, D("0.333"), "RB"),
    )
    result = complete(consumption, quantity=1, price="1", standard=THIRDS)
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 1, D("1.00")),
        (MATERIAL, "RA", "A", 1, D("-0.33")),
        (MATERIAL, "RB", "B", 1, D("-0.33")),
        (CONVERSION, "CONV", "P", 1, D("-0.33")),
        (ROUNDING, "PV", "P", None, D("-0.01")),
    ]
    assert result.summary.production_variance == 0
    assert result.summary.rounding == D("-0.01")
    assert result.entry.by_account()["PV"] == D("-0.01")


def test_rounding_line_is_absent_when_nothing_is_left_over():
    assert complete(consumed(A=200, B=100)).entry.lines_of(ROUNDING) == ()


def test_rounding_quantum_005():
    standard = UnitStandard(
        (
            ComponentStandard("A", ONE, D("0.12"), "RA"),
            ComponentStandard("B", ONE, D("0.12"), "RB"),
        ),
        D("0.12"),
    )
    result = complete(
        quantity=1, price="0.36", standard=standard, trigger="completion_only", rounding="0.05"
    )
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 1, D("0.35")),
        (CLEARING, "CLR", "A", 1, D("-0.10")),
        (CLEARING, "CLR", "B", 1, D("-0.10")),
        (CONVERSION, "CONV", "P", 1, D("-0.10")),
        (ROUNDING, "PV", "P", None, D("-0.05")),
    ]
    consumption = (Consumption("A", D(2), D("0.12"), "RA"),)
    result = complete(consumption, quantity=1, price="0.36", standard=standard, rounding="0.05")
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 1, D("0.35")),
        (MATERIAL, "RA", "A", 2, D("-0.25")),
        (CONVERSION, "CONV", "P", 1, D("-0.10")),
        (USAGE_VARIANCE, "UV", "A", 1, D("0.15")),
        (USAGE_VARIANCE, "UV", "B", -1, D("-0.10")),
        (ROUNDING, "PV", "P", None, D("-0.05")),
    ]


def test_rounding_quantum_one_drops_lines_that_round_to_zero():
    standard = UnitStandard(
        (ComponentStandard("A", ONE, D("0.4"), "RA"), ComponentStandard("B", ONE, D("0.4"), "RB")),
        D("0.4"),
    )
    consumption = (Consumption("A", ONE, D("0.4"), "RA"), Consumption("B", ONE, D("0.4"), "RB"))
    result = complete(consumption, quantity=1, price="1.2", standard=standard, rounding="1")
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 1, 1),
        (ROUNDING, "PV", "P", None, -1),
    ]
    assert result.summary.material_standard == result.summary.material_actual == 0


def test_from_bom_with_kit_uom_and_operations():
    # Kit K: BOM of 1 dozen (factor 12): 600 g of flour (kg at 2) -> 0.05 kg per K.
    kit = Bom(ONE, D(12), (BomLine("flour", D(600), D("0.001"), D(2), "RF"),))
    # 10 units of P: 10 K, 5 E at 1, 30 min at 24/h.
    bom = Bom(
        D(10),
        ONE,
        (BomLine("K", D(10), ONE, D(0), None, kit), BomLine("E", D(5), ONE, ONE, "RE")),
        (Operation(D(30), D(24)),),
    )
    standard = unit_standard(bom)
    assert standard.material_per_unit == D("0.05") * 2 + D("0.5")
    assert standard.conversion_per_unit == D("1.2")
    consumption = (Consumption("flour", D(3), D(2), "RF"), Consumption("E", D(50), ONE, "RE"))
    result = complete(consumption, quantity=100, price="1.8", standard=standard)
    assert amounts(result.entry) == [
        (FINISHED, "FG", "P", 100, 180),
        (MATERIAL, "RF", "flour", 3, -6),
        (MATERIAL, "RE", "E", 50, -50),
        (CONVERSION, "CONV", "P", 100, -120),
        # 3 kg of flour where the standard holds 100 x 0.05 = 5: 2 kg below the bill.
        (USAGE_VARIANCE, "UV", "flour", -2, -4),
    ]


def test_empty_entry_when_everything_is_zero():
    standard = UnitStandard((ComponentStandard("A", ONE, D(0), "RA"),), D(0))
    result = complete(quantity=5, price="0", standard=standard)
    assert result.entry.lines == ()


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "0"},
        {"quantity": "-1"},
        {"trigger": "finish"},
        {"rounding": "0"},
        {"rounding": "-0.01"},
        {"price": "NaN"},
    ],
)
def test_invalid_completion_raises(changes):
    with pytest.raises(InvalidValue):
        complete(**changes)


def test_float_inputs_are_refused():
    with pytest.raises(InvalidValue, match="Decimal"):
        Completion("completion", 100.0, "P", D(31), TEXTBOOK, ACCOUNTS)
    with pytest.raises(InvalidValue, match="Decimal"):
        Consumption("A", D(1), 7.0, "RA")


def test_completion_only_needs_a_clearing_account():
    accounts = CompletionAccounts("FG", "CONV", "UV", "PV")
    with pytest.raises(InvalidValue, match="clearing"):
        Completion("completion_only", D(1), "P", D(31), TEXTBOOK, accounts)
    Completion("completion", D(1), "P", D(31), TEXTBOOK, accounts)


def test_negative_consumption_raises():
    with pytest.raises(InvalidValue):
        Consumption("A", D(-1), D(7), "RA")


def test_component_consumed_twice_raises():
    with pytest.raises(ComponentConflict, match="more than once"):
        complete(consumed(A=100) + consumed(A=100))


def test_consumption_price_differing_from_standard_raises():
    with pytest.raises(ComponentConflict, match="standard price"):
        complete((Consumption("A", D(200), D(8), "RA"),))


def test_entry_must_balance():
    with pytest.raises(UnbalancedEntry, match=r"0\.01"):
        Entry((EntryLine("FG", D("1.00"), FINISHED), EntryLine("PV", D("-0.99"), ROUNDING)))


def test_entry_line_kind_must_be_known():
    with pytest.raises(InvalidValue):
        EntryLine("FG", D(1), "bonus")


def test_entry_helpers():
    entry = Entry(
        (
            EntryLine("FG", D(10), FINISHED),
            EntryLine("RA", D(-4), MATERIAL),
            EntryLine("RA", D(-5), MATERIAL),
            EntryLine("PV", D(-1), PRODUCTION_VARIANCE),
        )
    )
    assert entry.total_debit == entry.total_credit == 10
    assert entry.amount_of(MATERIAL) == -9
    assert entry.amount_of(USAGE_VARIANCE) == 0
    assert len(entry.lines_of(MATERIAL)) == 2
    assert entry.by_account() == {"FG": 10, "RA": -9, "PV": -1}


def test_residue_beyond_rounding_is_refused():
    completion = Completion("completion", D(1), "P", D(1), TEXTBOOK, ACCOUNTS)
    with pytest.raises(RoundingResidueTooLarge):
        standard_rounding_line(completion, [EntryLine("FG", D("0.03"), FINISHED)])


# --- The ledger follows the valuation layers (units of measure) -------------------------

DOZEN_STANDARD = UnitStandard((ComponentStandard("A", D("1.3333333333"), D(12), "RA"),), D(0))


def test_consumption_value_from_the_layers_is_credited_exactly():
    """160 units of A stocked in dozens: the layer took 13.34 dozen (160.08 at 12.00), the
    quantity converted without rounding is 13.333...; RIP follows the layer and the
    difference to the standard is usage variance."""
    consumption = Consumption("A", D("13.34"), D(12), "RA", value=D("160.08"))
    result = complete((consumption,), quantity=10, price="16", standard=DOZEN_STANDARD)
    entry = result.entry
    assert entry.amount_of(MATERIAL) == D("-160.08")
    assert entry.amount_of(USAGE_VARIANCE) == D("0.08")
    assert result.summary.material_standard == D("160.00")


def test_finished_and_byproduct_values_from_the_layers_are_debited_exactly():
    byproduct = ByProduct("X", D("2.5"), D(2), "RX", value=D("5.01"))
    completion = Completion(
        "completion",
        D(100),
        "P",
        D(31),
        TEXTBOOK,
        ACCOUNTS,
        consumed(A=200, B=100),
        (byproduct,),
        D("0.01"),
        finished_value=D("3100.02"),
    )
    entry = completion_entry(completion).entry
    assert entry.amount_of(FINISHED) == D("3100.02")
    assert entry.amount_of(BYPRODUCT) == D("5.01")
    assert entry.amount_of(PRODUCTION_VARIANCE) + entry.amount_of(ROUNDING) == D("-5.03")


def test_shipment_deviation_uses_the_layers_value():
    consumption = Consumption("A", D("13.34"), D(12), "RA", value=D("160.08"))
    entry = complete((consumption,), trigger="shipment", quantity=10, standard=DOZEN_STANDARD).entry
    assert entry.amount_of(MATERIAL) == D("-0.08")
    assert entry.amount_of(USAGE_VARIANCE) == D("0.08")


def test_a_value_must_be_a_decimal():
    with pytest.raises(InvalidValue):
        Consumption("A", D(1), D(1), "RA", value=1.0)
