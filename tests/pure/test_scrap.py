from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costing import (
    ComponentStandard,
    InvalidValue,
    Scrap,
    ScrappedComponent,
    ScrappedFinished,
    UnitStandard,
    scrap_entry,
)

STANDARD = UnitStandard(
    (ComponentStandard("A", D(2), D(7), "RIP-A"), ComponentStandard("B", D(1), D(5), "RIP-B")),
    D(12),
)


def finished(quantity, price=D(31)):
    return ScrappedFinished("P", quantity, price, "FG", STANDARD, "APPLIED")


def test_components_and_finished_units_at_standard():
    scrap = Scrap(
        "completion", (ScrappedComponent("A", D(3), D(7), "RIP-A"),), (finished(D(2)),), "SCRAP"
    )
    assert scrap_entry(scrap).by_account() == {"RIP-A": D(-21), "FG": D(-62), "SCRAP": D(83)}


def test_finished_units_under_shipment_leave_rip_and_conversion_applied():
    scrap = Scrap("shipment", (), (finished(D(2)),), "SCRAP")
    assert scrap_entry(scrap).by_account() == {
        "RIP-A": D(-28),
        "RIP-B": D(-10),
        "APPLIED": D(-24),
        "SCRAP": D(62),
    }


def test_each_line_rounded_and_the_debit_is_their_sum():
    items = (
        ScrappedComponent("A", D("0.333"), D("1.01"), "RIP-A"),
        ScrappedComponent("B", D("0.667"), D("1.01"), "RIP-B"),
    )
    entry = scrap_entry(Scrap("completion", items, (), "SCRAP"))
    assert entry.by_account() == {"RIP-A": D("-0.34"), "RIP-B": D("-0.67"), "SCRAP": D("1.01")}


def test_quantity_must_be_positive():
    with pytest.raises(InvalidValue):
        ScrappedComponent("A", D(0), D(7), "RIP-A")
    with pytest.raises(InvalidValue):
        finished(D(-1))


@given(
    st.lists(st.integers(1, 10**6), min_size=0, max_size=5),
    st.integers(0, 10**4),
    st.sampled_from(["completion", "completion_only", "shipment"]),
)
def test_scrap_entries_balance_to_the_quantum(quantities, finished_units, trigger):
    components = tuple(
        ScrappedComponent(f"C{i}", D(q) / 1000, D(q % 997) / 100, f"RIP{i % 2}")
        for i, q in enumerate(quantities)
    )
    finished_items = (finished(D(finished_units) / 10),) if finished_units else ()
    entry = scrap_entry(Scrap(trigger, components, finished_items, "SCRAP"))
    assert sum(line.amount for line in entry.lines) == 0
    for line in entry.lines:
        assert line.amount == line.amount.quantize(D("0.01"))


def test_completion_only_scrap_of_the_orders_components_leaves_clearing():
    own = ScrappedComponent("A", D(3), D(7), "RIP-A", of_order=True)
    other = ScrappedComponent("X", D(1), D(5), "RIP-X")
    scrap = Scrap("completion_only", (own, other), (), "SCRAP", clearing_account="CLR")
    lines = {line.product: (line.account, line.amount) for line in scrap_entry(scrap).lines}
    assert lines == {"A": ("CLR", D(-21)), "X": ("RIP-X", D(-5)), None: ("SCRAP", D(26))}


def test_completion_only_scrap_of_the_orders_components_needs_clearing():
    own = ScrappedComponent("A", D(3), D(7), "RIP-A", of_order=True)
    with pytest.raises(InvalidValue):
        scrap_entry(Scrap("completion_only", (own,), (), "SCRAP"))


def test_the_orders_components_leave_rip_under_completion():
    own = ScrappedComponent("A", D(3), D(7), "RIP-A", of_order=True)
    scrap = Scrap("completion", (own,), (), "SCRAP", clearing_account="CLR")
    assert {line.account for line in scrap_entry(scrap).lines} == {"RIP-A", "SCRAP"}
