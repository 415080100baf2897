"""Horngren's period close of conversion costs (costing.close)."""

from dataclasses import replace
from decimal import Decimal as D

import pytest
from entries import amounts, assert_balanced_in_quanta, summary_of
from hypothesis import given
from hypothesis import strategies as st
from strategies import ROUNDINGS, decimals

from costing import (
    CONVERSION,
    CONVERSION_CONTROL,
    PRODUCTION_VARIANCE,
    CloseResult,
    ConversionClose,
    Entry,
    InvalidValue,
    account_conflicts,
    close_entry,
    round_money,
    summarize,
)

ZERO = D(0)
CENT = D("0.01")


def test_textbook_under_applied():
    # Horngren: 1,200,000 applied (credit balance), 1,260,000 actual (debit balance).
    result = close_entry(
        ConversionClose({"APPLIED": D(-1_200_000)}, {"CONTROL": D(1_260_000)}, "COGS", CENT)
    )
    assert isinstance(result, CloseResult)
    # A close is per account: its lines name no product and no quantity.
    assert amounts(result.entry) == [
        (CONVERSION, "APPLIED", None, None, D(1_200_000)),
        (CONVERSION_CONTROL, "CONTROL", None, None, D(-1_260_000)),
        (PRODUCTION_VARIANCE, "COGS", None, None, D(60_000)),
    ]
    assert result.entry.total_debit == result.entry.total_credit == D(1_260_000)
    # The write-off is a production variance line labelled as the close's own.
    assert [line.label for line in result.entry.lines_of(PRODUCTION_VARIANCE)] == ["write_off"]
    assert result.control_total == D(1_260_000)
    assert result.applied_total == D(1_200_000)
    assert result.difference == D(60_000)
    assert result.summary == summary_of(conversion_standard=1_200_000, production_variance=60_000)


def test_over_applied_credits_the_write_off_account():
    result = close_entry(
        ConversionClose(
            {"APPLIED-1": D(-700), "APPLIED-2": D(-500)},
            {"CONTROL": D(1_150)},
            "VARIANCE",
        )
    )
    assert amounts(result.entry) == [
        (CONVERSION, "APPLIED-1", None, None, D(700)),
        (CONVERSION, "APPLIED-2", None, None, D(500)),
        (CONVERSION_CONTROL, "CONTROL", None, None, D(-1_150)),
        (PRODUCTION_VARIANCE, "VARIANCE", None, None, D(-50)),
    ]
    assert (result.control_total, result.applied_total, result.difference) == (
        D(1_150),
        D(1_200),
        D(-50),
    )
    assert result.summary.production_variance == D(-50)


def test_exactly_applied_has_no_write_off_line():
    result = close_entry(ConversionClose({"APPLIED": D(-900)}, {"CONTROL": D(900)}, "COGS"))
    assert amounts(result.entry) == [
        (CONVERSION, "APPLIED", None, None, D(900)),
        (CONVERSION_CONTROL, "CONTROL", None, None, D(-900)),
    ]
    assert result.difference == 0
    assert result.summary.production_variance == 0


def test_nothing_to_close_is_an_empty_entry():
    result = close_entry(ConversionClose({}, {"CONTROL": D("0.004")}, "COGS"))
    assert result.entry == Entry(())
    assert (result.control_total, result.applied_total, result.difference) == (0, 0, 0)
    for figure in (result.control_total, result.applied_total, result.difference):
        assert not figure.is_signed()  # no negative zero
    assert result.summary == summary_of()


def test_balances_are_rounded_half_up_first_and_zero_ones_dropped():
    result = close_entry(
        ConversionClose(
            {"APPLIED-1": D("-100.005"), "APPLIED-2": D("-0.004"), "APPLIED-3": D("-0.005")},
            {"CONTROL-1": D("100.014"), "CONTROL-2": D("0.0049")},
            "COGS",
            CENT,
        )
    )
    assert amounts(result.entry) == [
        (CONVERSION, "APPLIED-1", None, None, D("100.01")),
        (CONVERSION, "APPLIED-3", None, None, D("0.01")),
        (CONVERSION_CONTROL, "CONTROL-1", None, None, D("-100.01")),
        (PRODUCTION_VARIANCE, "COGS", None, None, D("-0.01")),
    ]
    assert result.applied_total == D("100.02")
    assert result.control_total == D("100.01")
    assert result.difference == D("-0.01")


def test_balances_against_the_usual_side_are_closed_too():
    # A debit balance on an applied account (e.g. a reversal larger than the range's
    # applications) is credited, and reduces the applied total.
    result = close_entry(ConversionClose({"APPLIED": D(50)}, {"CONTROL": D(-20)}, "COGS", CENT))
    assert amounts(result.entry) == [
        (CONVERSION, "APPLIED", None, None, D(-50)),
        (CONVERSION_CONTROL, "CONTROL", None, None, D(20)),
        (PRODUCTION_VARIANCE, "COGS", None, None, D(30)),
    ]
    assert (result.control_total, result.applied_total, result.difference) == (
        D(-20),
        D(-50),
        D(30),
    )


def test_preview_without_write_off_account():
    result = close_entry(ConversionClose({"APPLIED": D(-10)}, {"CONTROL": D(12)}, None))
    assert result.entry.lines[-1].account is None
    assert result.entry.lines[-1].amount == D(2)
    # With nothing to write off, no line has account None.
    balanced = close_entry(ConversionClose({"APPLIED": D(-10)}, {"CONTROL": D(10)}, None))
    assert all(line.account is not None for line in balanced.entry.lines)


def test_summary_is_the_wizards_summarize_with_the_applied_total():
    # The wizard used to patch summarize(entry) with dataclasses.replace.
    result = close_entry(
        ConversionClose({"A1": D(-300), "A2": D(-20)}, {"C": D("333.33")}, "COGS", CENT)
    )
    assert result.summary == replace(
        summarize(result.entry), conversion_standard=result.applied_total
    )


def test_inputs_are_read_only_copies():
    applied = {"APPLIED": D(-10)}
    close = ConversionClose(applied, {}, "COGS")
    applied["OTHER"] = D(-5)
    assert dict(close.applied) == {"APPLIED": D(-10)}
    with pytest.raises(TypeError):
        close.applied["X"] = D(1)


@pytest.mark.parametrize(
    "changes",
    [
        {"applied": {"APPLIED": -10}},
        {"applied": {"APPLIED": -10.0}},
        {"applied": {"APPLIED": True}},
        {"applied": {"APPLIED": D("NaN")}},
        {"control": {"CONTROL": D("Infinity")}},
        {"control": {None: D(1)}},
        {"control": [("CONTROL", D(1))]},
        {"rounding": D(0)},
        {"rounding": 0.01},
        {"rounding": D("-0.01")},
    ],
)
def test_invalid_close_raises(changes):
    arguments = {"applied": {}, "control": {}, "write_off_account": "COGS", "rounding": CENT}
    with pytest.raises(InvalidValue):
        ConversionClose(**{**arguments, **changes})


def test_close_entry_needs_a_conversion_close():
    with pytest.raises(InvalidValue):
        close_entry({"applied": {}, "control": {}})


# --- Properties --------------------------------------------------------------------------


balances = decimals(-(10**9), 10**9, 3)


@st.composite
def closes(draw):
    """A close with distinct applied, control and write-off accounts."""
    applied = draw(st.dictionaries(st.sampled_from(["A1", "A2", "A3"]), balances, max_size=3))
    control = draw(st.dictionaries(st.sampled_from(["C1", "C2", "C3"]), balances, max_size=3))
    rounding = draw(st.sampled_from(ROUNDINGS))
    return ConversionClose(applied, control, "WRITE-OFF", rounding)


@given(closes())
def test_the_close_always_balances(close):
    assert_balanced_in_quanta(close_entry(close).entry, close.rounding)


@given(closes())
def test_the_close_zeroes_every_applied_and_control_account(close):
    entry = close_entry(close).entry
    rounded = {**close.applied, **close.control}
    rounded = {
        account: round_money(balance, close.rounding) for account, balance in rounded.items()
    }
    unrounded = {**close.applied, **close.control}
    for account, amount in entry.by_account().items():
        if account != close.write_off_account:
            rounded[account] += amount
            unrounded[account] += amount
    # The rounded balances (those the ledger holds) are exactly zero after the close...
    assert all(balance == 0 for balance in rounded.values())
    # ...and balances below the quantum are left as they were.
    assert all(abs(balance) <= close.rounding / 2 for balance in unrounded.values())


@given(closes())
def test_difference_sign_matches_the_write_off_line(close):
    result = close_entry(close)
    write_off = result.entry.lines_of(PRODUCTION_VARIANCE)
    assert result.difference == result.control_total - result.applied_total
    if result.difference == 0:
        assert write_off == ()
    else:
        (line,) = write_off
        assert line.account == close.write_off_account
        assert line.amount == result.difference
        # Under-applied (actual above applied) is a debit, over-applied a credit.
        assert (line.debit > 0) == (result.control_total > result.applied_total)
        assert (line.credit > 0) == (result.control_total < result.applied_total)
    assert result.summary.production_variance == result.difference
    assert result.summary.conversion_standard == result.applied_total
    assert result.entry.amount_of(CONVERSION) == result.applied_total
    assert -result.entry.amount_of(CONVERSION_CONTROL) == result.control_total


# --- Leftovers of periods already closed --------------------------------------------------


def test_costs_booked_late_into_a_closed_period_are_closed_on_lines_of_their_own():
    from costing import EARLIER_PERIODS, WRITE_OFF

    result = close_entry(
        ConversionClose(
            {"APPLIED": D(-1_000)},
            {"CONTROL": D(1_000)},
            "COGS",
            CENT,
            earlier_control={"CONTROL": D(250)},
        )
    )
    assert [(line.account, line.amount, line.label) for line in result.entry.lines] == [
        ("APPLIED", D(1_000), None),
        ("CONTROL", D(-1_000), None),
        ("CONTROL", D(-250), EARLIER_PERIODS),
        ("COGS", D(250), WRITE_OFF),
    ]
    assert result.earlier_difference == D(250)
    assert result.control_total == D(1_250)
    assert result.difference == D(250)


@given(
    st.dictionaries(st.sampled_from("ab"), st.decimals(-1000, 1000, places=3), max_size=2),
    st.dictionaries(st.sampled_from("cd"), st.decimals(-1000, 1000, places=3), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.decimals(-1000, 1000, places=3), max_size=2),
    st.dictionaries(st.sampled_from("cd"), st.decimals(-1000, 1000, places=3), max_size=2),
)
def test_nothing_is_stranded_in_earlier_closed_periods(applied, control, e_applied, e_control):
    result = close_entry(
        ConversionClose(
            applied, control, "W", CENT, earlier_applied=e_applied, earlier_control=e_control
        )
    )
    after = {}
    for balances in (applied, control, e_applied, e_control):
        for account, balance in balances.items():
            after[account] = after.get(account, ZERO) + round_money(balance, CENT)
    for line in result.entry.lines:
        if line.account != "W":
            after[line.account] = after.get(line.account, ZERO) + line.amount
    assert all(balance == 0 for balance in after.values())


def test_control_and_applied_accounts_are_distinct_and_apart_from_the_write_off():
    assert not account_conflicts(["CTRL"], ["APPL"], "PV")
    assert not account_conflicts(["CTRL"], ["APPL"], None)
    assert account_conflicts(["CTRL", "X"], ["APPL", "X"], "PV").in_both == ("X",)
    assert account_conflicts(["CTRL"], ["APPL"], "APPL").write_off_in_use
    assert account_conflicts(["CTRL"], ["APPL"], "CTRL").write_off_in_use
