"""costing.rework: a repair's parts are a rework cost; the unit stays at standard."""

from decimal import Decimal as D

import pytest
from entries import amounts
from hypothesis import given
from hypothesis import strategies as st

from costing import MATERIAL, REWORK_VARIANCE, SCRAP_VARIANCE, InvalidValue
from costing.rework import (
    PART_ADDED,
    PART_RETURNED,
    PART_SCRAPPED,
    Rework,
    ReworkPart,
    rework_entry,
)

CENT = D("0.01")


def test_a_part_added_leaves_rip_for_rework_variance():
    # A new motor (5.00) fitted to a finished unit that failed inspection.
    entry = rework_entry(Rework((ReworkPart("M", D(1), D(5), "RIP", PART_ADDED),), "RWK", "SCR"))
    assert amounts(entry) == [
        (MATERIAL, "RIP", "M", 1, D(-5)),
        (REWORK_VARIANCE, "RWK", None, None, D(5)),
    ]


def test_a_part_added_is_credited_what_its_layers_took_out():
    part = ReworkPart("M", D(3), D("1.335"), "RIP", PART_ADDED, value=D("4.01"))
    entry = rework_entry(Rework((part,), "RWK"))
    assert amounts(entry) == [
        (MATERIAL, "RIP", "M", 3, D("-4.01")),
        (REWORK_VARIANCE, "RWK", None, None, D("4.01")),
    ]


def test_a_part_removed_to_stock_comes_back_at_standard_and_one_to_scrap_is_scrapped():
    entry = rework_entry(
        Rework(
            (
                ReworkPart("M", D(1), D(5), "RIP", PART_ADDED),
                ReworkPart("F", D(1), D(7), "RIP", PART_RETURNED),
                ReworkPart("M", D(1), D(5), "RIP", PART_SCRAPPED),
            ),
            "RWK",
            "SCR",
        )
    )
    assert amounts(entry) == [
        (MATERIAL, "RIP", "M", 1, D(-5)),
        (MATERIAL, "RIP", "F", 1, D(7)),
        (SCRAP_VARIANCE, "SCR", "M", 1, D(5)),
        (REWORK_VARIANCE, "RWK", None, None, D(-7)),
    ]


def test_a_repair_with_no_parts_posts_nothing():
    assert rework_entry(Rework((), "RWK")).lines == ()


def test_a_rework_needs_its_accounts():
    with pytest.raises(InvalidValue):
        Rework((), None)
    with pytest.raises(InvalidValue):
        Rework((ReworkPart("M", D(1), D(5), "RIP", PART_SCRAPPED),), "RWK", None)


@pytest.mark.parametrize("quantity", [D(0), D(-1)])
def test_a_part_quantity_is_positive(quantity):
    with pytest.raises(InvalidValue):
        ReworkPart("M", quantity, D(5), "RIP", PART_ADDED)


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.001"), max_value=D(1000), places=3),
            st.decimals(min_value=D(0), max_value=D(1000), places=4),
            st.sampled_from([PART_ADDED, PART_RETURNED, PART_SCRAPPED]),
        ),
        max_size=8,
    )
)
def test_every_rework_entry_balances(parts):
    rework = Rework(
        tuple(ReworkPart(f"P{i}", q, p, "RIP", d) for i, (q, p, d) in enumerate(parts)),
        "RWK",
        "SCR",
        CENT,
    )
    entry = rework_entry(rework)
    assert sum(line.amount for line in entry.lines) == 0
    assert all(line.amount == line.amount.quantize(CENT) for line in entry.lines)
