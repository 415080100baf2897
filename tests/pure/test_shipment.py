"""Trigger 'shipment' (Horngren's variant B): the completion and the shipment entries."""

from decimal import Decimal as D

import pytest
from entries import amounts, netted, summary_of
from textbook import ACCOUNTS, ONE, SHIPMENT_ACCOUNTS, TEXTBOOK, THIRDS, consumed

from costing import (
    BYPRODUCT,
    CONVERSION,
    MATERIAL,
    OUTPUT,
    PRODUCTION_VARIANCE,
    ROUNDING,
    TRIGGER_COMPLETION,
    TRIGGER_SHIPMENT,
    USAGE_VARIANCE,
    ByProduct,
    Completion,
    ComponentStandard,
    Consumption,
    Entry,
    EntryLine,
    InvalidValue,
    RoundingResidueTooLarge,
    Shipment,
    UnitStandard,
    completion_entry,
    shipment_entry,
    summarize,
)
from costing.lines import standard_rounding_line


def complete(consumption=(), quantity=100, standard=TEXTBOOK, byproducts=()):
    completion = Completion(
        TRIGGER_SHIPMENT, D(quantity), "P", D(31), standard, ACCOUNTS, consumption, byproducts
    )
    return completion_entry(completion)


def ship(quantity=99, value="3069", standard=TEXTBOOK, rounding="0.01"):
    shipment = Shipment(D(quantity), "P", D(value), standard, SHIPMENT_ACCOUNTS, D(rounding))
    return shipment_entry(shipment)


# --- Completion under trigger 'shipment' -------------------------------------------------


def test_shipment_completion_at_standard_is_an_empty_entry():
    result = complete(consumed(A=200, B=100))
    assert result.entry == Entry(())
    assert result.entry.lines == ()
    assert result.summary == summary_of(material_standard=1900, material_actual=1900)


def test_empty_entry_helpers():
    entry = Entry(())
    assert entry.total_debit == entry.total_credit == 0
    assert entry.by_account() == {}
    assert entry.amount_of(MATERIAL) == 0
    assert summarize(entry) == summary_of()


def test_shipment_completion_posts_only_the_deviations():
    # A: 210 instead of 200 (+70); B: 90 instead of 100 (-50); X: 3 extra at 2 (+6).
    result = complete(consumed(A=210, B=90, X=3))
    assert amounts(result.entry) == [
        (MATERIAL, "RA", "A", 10, -70),
        (MATERIAL, "RB", "B", -10, 50),
        (MATERIAL, "RX", "X", 3, -6),
        (USAGE_VARIANCE, "UV", "A", 10, 70),
        (USAGE_VARIANCE, "UV", "B", -10, -50),
        (USAGE_VARIANCE, "UV", "X", 3, 6),
    ]
    assert result.summary == summary_of(
        material_standard=1900, material_actual=1926, usage_variance=26
    )
    assert result.entry.total_debit == result.entry.total_credit == 126


def test_shipment_completion_component_not_consumed_uses_its_standard_account():
    result = complete(consumed(A=200))
    assert amounts(result.entry) == [
        (MATERIAL, "RB", "B", -100, 500),
        (USAGE_VARIANCE, "UV", "B", -100, -500),
    ]
    assert result.summary.material_actual == 1400
    assert result.summary.usage_variance == -500


def test_shipment_completion_component_without_account_is_refused_only_when_needed():
    standard = UnitStandard(
        (ComponentStandard("A", D(2), D(7), "RA"), ComponentStandard("B", ONE, D(5), None)),
        D(12),
    )
    assert complete(consumed(A=200, B=100), standard=standard).entry.lines == ()
    with pytest.raises(InvalidValue, match="'B' has no valuation account"):
        complete(consumed(A=200), standard=standard)


def test_shipment_completion_byproducts_credit_the_production_variance():
    byproducts = (ByProduct("Y", D(10), D(4), "RY"), ByProduct("Z", D(3), D("0.5"), "RZ"))
    result = complete(consumed(A=200, B=100), byproducts=byproducts)
    assert amounts(result.entry) == [
        (BYPRODUCT, "RY", "Y", 10, 40),
        (BYPRODUCT, "RZ", "Z", 3, D("1.50")),
        (PRODUCTION_VARIANCE, "PV", "P", None, D("-41.50")),
    ]
    assert result.summary.byproduct_value == D("41.50")
    assert result.summary.production_variance == D("-41.50")


def test_shipment_completion_rounds_each_deviation_separately():
    # 1 unit of THIRDS; A consumed 2 (0.666 -> 0.67 vs 0.33): +0.34; B exact: nothing.
    consumption = (
        Consumption("A", D(2), D("0.333"), "RA"),
        Consumption("B", ONE, D("0.333"), "RB"),
    )
    result = complete(consumption, quantity=1, standard=THIRDS)
    assert amounts(result.entry) == [
        (MATERIAL, "RA", "A", 1, D("-0.34")),
        (USAGE_VARIANCE, "UV", "A", 1, D("0.34")),
    ]
    assert result.summary.material_standard == D("0.66")
    assert result.summary.material_actual == D("1.00")


def test_summarize_of_a_shipment_completion_gives_the_deviation_only():
    result = complete(consumed(A=210, B=90, X=3))
    assert summarize(result.entry) == summary_of(material_actual=26, usage_variance=26)


# --- Shipment entry ----------------------------------------------------------------------


def test_textbook_shipment():
    result = ship()
    assert amounts(result.entry) == [
        (OUTPUT, "OUT", "P", 99, 3069),
        (MATERIAL, "RA", "A", 198, -1386),
        (MATERIAL, "RB", "B", 99, -495),
        (CONVERSION, "CONV", "P", 99, -1188),
    ]
    assert result.entry.total_debit == result.entry.total_credit == 3069
    assert result.summary == summary_of(
        finished_value=3069, material_standard=1881, material_actual=1881, conversion_standard=1188
    )
    assert summarize(result.entry) == result.summary


def test_completion_and_delivery_together_post_what_the_completion_trigger_posts():
    """Variant B posts at completion (the deviations) and at delivery (the standard)
    together what variant A posts at completion, the stock interim delivered standing
    for finished goods."""
    consumption = consumed(A=210, B=100)
    variant_b = netted(complete(consumption).entry, ship(quantity=100, value="3100").entry)
    variant_a = completion_entry(
        Completion(TRIGGER_COMPLETION, D(100), "P", D(31), TEXTBOOK, ACCOUNTS, consumption)
    ).entry.by_account()
    assert variant_b == {
        "OUT" if account == "FG" else account: a for account, a in variant_a.items()
    }
    assert variant_b == {"OUT": 3100, "RA": -1470, "RB": -500, "CONV": -1200, "UV": 70}


def test_shipment_delivered_above_roll_up_credits_production_variance():
    # Finished standard price 32 while the roll-up is 31.
    result = ship(value="3168")
    (variance,) = result.entry.lines_of(PRODUCTION_VARIANCE)
    assert (variance.account, variance.product, variance.amount) == ("PV", "P", -99)
    assert result.summary.production_variance == -99


def test_shipment_delivered_below_roll_up_debits_production_variance():
    result = ship(value="3000")
    assert result.entry.amount_of(PRODUCTION_VARIANCE) == 69
    assert result.entry.by_account() == {
        "OUT": 3000,
        "RA": -1386,
        "RB": -495,
        "CONV": -1188,
        "PV": 69,
    }


def test_shipment_rounding_residue_is_its_own_line():
    result = ship(quantity=1, value="1.00", standard=THIRDS)
    assert amounts(result.entry) == [
        (OUTPUT, "OUT", "P", 1, D("1.00")),
        (MATERIAL, "RA", "A", 1, D("-0.33")),
        (MATERIAL, "RB", "B", 1, D("-0.33")),
        (CONVERSION, "CONV", "P", 1, D("-0.33")),
        (ROUNDING, "PV", "P", None, D("-0.01")),
    ]
    assert result.summary.rounding == D("-0.01")
    assert result.summary.production_variance == 0


def test_shipment_of_a_free_product_is_an_empty_entry():
    standard = UnitStandard((ComponentStandard("A", ONE, D(0), "RA"),), D(0))
    result = ship(quantity=5, value="0", standard=standard)
    assert result.entry.lines == ()
    assert result.summary == summary_of()


def test_shipment_component_without_account_is_refused():
    standard = UnitStandard((ComponentStandard("A", ONE, D(7), None),), D(0))
    with pytest.raises(InvalidValue, match="no valuation account"):
        ship(quantity=1, value="7", standard=standard)


def test_shipment_residue_beyond_rounding_is_refused():
    shipment = Shipment(ONE, "P", D(31), TEXTBOOK, SHIPMENT_ACCOUNTS)
    standard_rounding_line(shipment, [EntryLine("OUT", D("0.02"), OUTPUT)])
    with pytest.raises(RoundingResidueTooLarge):
        standard_rounding_line(shipment, [EntryLine("OUT", D("0.03"), OUTPUT)])


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": D(0)},
        {"quantity": D(-1)},
        {"delivered_value": D(-1)},
        {"delivered_value": 3069.0},
        {"rounding": D(0)},
        {"standard": "not a standard"},
        {"accounts": ACCOUNTS},
    ],
)
def test_invalid_shipment_raises(changes):
    values = {
        "quantity": D(99),
        "finished_product": "P",
        "delivered_value": D(3069),
        "standard": TEXTBOOK,
        "accounts": SHIPMENT_ACCOUNTS,
    }
    with pytest.raises(InvalidValue):
        Shipment(**{**values, **changes})
