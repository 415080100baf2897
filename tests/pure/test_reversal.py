"""Reversals of earlier entries, in full or in part, and retargeting a reversal."""

from decimal import Decimal as D

import pytest
from entries import amounts, negated, netted
from textbook import ACCOUNTS, ONE, SHIPMENT_ACCOUNTS, TEXTBOOK, consumed

from costing import (
    CONVERSION,
    FINISHED,
    MATERIAL,
    OUTPUT,
    PRODUCTION_VARIANCE,
    ROUNDING,
    Completion,
    Entry,
    EntryLine,
    InvalidValue,
    RoundingResidueTooLarge,
    Shipment,
    completion_entry,
    retarget,
    reversal_entry,
    shipment_entry,
    summarize,
)

CENT = D("0.01")
THIRD = ONE / D(3)
# Dr FG 3100 / Cr RA 1400 / Cr RB 500 / Cr conversion 1200.
TEXTBOOK_COMPLETION = completion_entry(
    Completion("completion", D(100), "P", D(31), TEXTBOOK, ACCOUNTS, consumed(A=200, B=100))
)
# Dr output 3069 / Cr RA 1386 / Cr RB 495 / Cr conversion 1188.
TEXTBOOK_SHIPMENT = shipment_entry(Shipment(D(99), "P", D(3069), TEXTBOOK, SHIPMENT_ACCOUNTS))


def reverse(result, share, rounding=CENT):
    return reversal_entry(result.entry.lines, D(share), rounding, "PV")


@pytest.mark.parametrize("original", [TEXTBOOK_COMPLETION, TEXTBOOK_SHIPMENT])
def test_full_reversal_is_the_exact_negation(original):
    reversal = reverse(original, 1)
    assert [line.amount for line in reversal.lines] == [
        -line.amount for line in original.entry.lines
    ]
    assert [(line.account, line.kind, line.product, line.quantity) for line in reversal.lines] == [
        (line.account, line.kind, line.product, line.quantity) for line in original.entry.lines
    ]
    assert reversal.lines_of(ROUNDING) == ()
    assert set(netted(original.entry, reversal).values()) == {0}
    assert summarize(reversal) == negated(original.summary)


def test_full_reversal_keeps_the_original_rounding_line_negated():
    lines = (
        EntryLine("FG", D("1.00"), FINISHED, "P", ONE),
        EntryLine("RA", D("-0.33"), MATERIAL, "A", ONE),
        EntryLine("RB", D("-0.33"), MATERIAL, "B", ONE),
        EntryLine("CONV", D("-0.33"), CONVERSION, "P", ONE),
        EntryLine("PV", D("-0.01"), ROUNDING, "P"),
    )
    reversal = reversal_entry(lines, ONE, CENT, "PV")
    assert amounts(reversal) == [
        (FINISHED, "FG", "P", 1, D("-1.00")),
        (MATERIAL, "RA", "A", 1, D("0.33")),
        (MATERIAL, "RB", "B", 1, D("0.33")),
        (CONVERSION, "CONV", "P", 1, D("0.33")),
        (ROUNDING, "PV", "P", None, D("0.01")),
    ]


def test_reversal_of_40_percent_of_the_textbook_completion():
    reversal = reverse(TEXTBOOK_COMPLETION, "0.4")
    assert amounts(reversal) == [
        (FINISHED, "FG", "P", 40, -1240),
        (MATERIAL, "RA", "A", 80, 560),
        (MATERIAL, "RB", "B", 40, 200),
        (CONVERSION, "CONV", "P", 40, 480),
    ]
    assert reversal.total_debit == reversal.total_credit == 1240
    summary = summarize(reversal)
    assert (summary.finished_value, summary.material_actual) == (-1240, -760)
    assert (summary.material_standard, summary.conversion_standard) == (-760, -480)


def test_reversal_of_a_third_has_a_rounding_line():
    reversal = reverse(TEXTBOOK_COMPLETION, THIRD)
    assert [(line.kind, line.account, line.amount) for line in reversal.lines] == [
        (FINISHED, "FG", D("-1033.33")),
        (MATERIAL, "RA", D("466.67")),
        (MATERIAL, "RB", D("166.67")),
        (CONVERSION, "CONV", D("400.00")),
        (ROUNDING, "PV", D("-0.01")),
    ]
    (rounding,) = reversal.lines_of(ROUNDING)
    assert (rounding.product, rounding.quantity) == (None, None)
    assert abs(reversal.lines[0].quantity - D("33.33333")) < D("0.00001")
    # Three thirds of the original leave a cent on each line, gathered on PV.
    thirds = [reverse(TEXTBOOK_COMPLETION, THIRD) for _ in range(3)]
    assert netted(TEXTBOOK_COMPLETION.entry, *thirds) == {
        "FG": D("0.01"),
        "RA": D("0.01"),
        "RB": D("0.01"),
        "CONV": 0,
        "PV": D("-0.03"),
    }


def test_reversal_of_a_seventh_with_quantum_005():
    lines = (EntryLine("FG", D("1.00"), FINISHED), EntryLine("PV", D("-1.00"), MATERIAL))
    reversal = reversal_entry(lines, ONE / D(7), D("0.05"), "R")
    # 1/7 = 0.1428... -> 0.15 each side: balanced without a rounding line.
    assert amounts(reversal) == [
        (FINISHED, "FG", None, None, D("-0.15")),
        (MATERIAL, "PV", None, None, D("0.15")),
    ]


def test_reversal_drops_lines_that_round_to_zero():
    lines = (
        EntryLine("FG", D("0.02"), FINISHED),
        EntryLine("RA", D("-0.01"), MATERIAL),
        EntryLine("RB", D("-0.01"), MATERIAL),
    )
    reversal = reversal_entry(lines, D("0.3"), CENT, "PV")
    assert amounts(reversal) == [
        (FINISHED, "FG", None, None, D("-0.01")),
        (ROUNDING, "PV", None, None, D("0.01")),
    ]


def test_reversal_of_no_lines_is_an_empty_entry():
    assert reversal_entry((), D("0.5"), CENT, "PV") == Entry(())


def test_reversal_of_unbalanced_lines_is_refused():
    with pytest.raises(RoundingResidueTooLarge):
        reversal_entry((EntryLine("FG", D(1), FINISHED),), ONE, CENT, "PV")


@pytest.mark.parametrize("share", [D(0), D("-0.1"), D("1.01"), D("NaN"), 0.5, 1, True])
def test_invalid_share_raises(share):
    with pytest.raises(InvalidValue, match="share"):
        reversal_entry(TEXTBOOK_COMPLETION.entry.lines, share, CENT, "PV")


def test_invalid_rounding_or_lines_raise():
    with pytest.raises(InvalidValue):
        reversal_entry(TEXTBOOK_COMPLETION.entry.lines, ONE, D(0), "PV")
    with pytest.raises(InvalidValue, match="EntryLine"):
        reversal_entry(("not a line",), ONE, CENT, "PV")


def test_retarget_a_returned_shipment_valued_at_a_changed_standard():
    # All 99 units come back; Odoo values the return at today's standard price 32.
    reversal = reverse(TEXTBOOK_SHIPMENT, 1)
    returned = retarget(reversal, OUTPUT, D(-3168), "PV")
    assert amounts(returned) == [
        (OUTPUT, "OUT", "P", 99, -3168),
        (MATERIAL, "RA", "A", 198, 1386),
        (MATERIAL, "RB", "B", 99, 495),
        (CONVERSION, "CONV", "P", 99, 1188),
        (PRODUCTION_VARIANCE, "PV", "P", None, 99),
    ]
    summary = summarize(returned)
    assert (summary.finished_value, summary.production_variance) == (-3168, 99)


def test_retarget_a_partial_return_at_a_lower_standard():
    reversal = reverse(TEXTBOOK_SHIPMENT, THIRD)  # 33 units: output -1023.00
    assert reversal.amount_of(OUTPUT) == -1023
    returned = retarget(reversal, OUTPUT, D("-990.00"), "PV")  # today's standard 30
    assert returned.amount_of(OUTPUT) == -990
    assert returned.amount_of(PRODUCTION_VARIANCE) == -33
    assert returned.lines[1:-1] == reversal.lines[1:]


def test_retarget_to_the_same_amount_changes_nothing():
    entry = TEXTBOOK_COMPLETION.entry
    assert retarget(entry, FINISHED, D(3100), "PV") == entry


def test_retarget_to_zero_drops_the_line():
    returned = retarget(TEXTBOOK_COMPLETION.entry, FINISHED, D(0), "PV")
    assert returned.lines_of(FINISHED) == ()
    assert returned.amount_of(PRODUCTION_VARIANCE) == 3100


def test_retarget_needs_exactly_one_line_of_the_kind():
    entry = TEXTBOOK_COMPLETION.entry
    with pytest.raises(InvalidValue, match="exactly one"):
        retarget(entry, MATERIAL, D(-1900), "PV")
    with pytest.raises(InvalidValue, match="exactly one"):
        retarget(entry, OUTPUT, D(-1900), "PV")
    with pytest.raises(InvalidValue):
        retarget(entry, FINISHED, 3100.0, "PV")
    with pytest.raises(InvalidValue):
        retarget(entry.lines, FINISHED, D(3100), "PV")
