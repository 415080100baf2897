"""costing.revaluation: a change of standard revalues the material held in RIP (and in
sub-assembly accounts) for finished units on hand under the shipment trigger."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costing import (
    HELD_MATERIAL,
    MATERIAL,
    REVALUATION,
    STOCK_ON_HAND,
    ComponentStandard,
    FinishedOnHand,
    InvalidValue,
    StockRevaluation,
    UnitStandard,
    finished_material,
    reconciliation_rows,
    revaluation_entry,
    standard_update_entry,
)

CENT = D("0.01")


def z_standard(x_price, y_price=D(4), y_account="RIP"):
    """Z = 3 X + 1 Y: X 6.00, Y 4.00, material 22.00 a unit."""
    return UnitStandard(
        (
            ComponentStandard("X", D(3), x_price, "RIP"),
            ComponentStandard("Y", D(1), y_price, y_account),
        ),
        D(0),
    )


def test_a_raised_component_standard_revalues_the_material_held_for_units_on_hand():
    # 20 Z on hand hold 60 X: X from 6.00 to 7.00 moves RIP by 60.00.
    result = revaluation_entry(
        [FinishedOnHand("Z", D(20), z_standard(D(6)))],
        [FinishedOnHand("Z", D(20), z_standard(D(7)))],
        "REVAL",
        CENT,
    )
    assert [(line.account, line.amount, line.kind, line.label) for line in result.entry.lines] == [
        ("RIP", D(60), MATERIAL, HELD_MATERIAL),
        ("REVAL", D(-60), REVALUATION, None),
    ]
    assert result.difference == D(60)
    assert result.summary.material_standard == D(60)


def test_a_sub_assembly_standard_moves_its_own_account():
    result = revaluation_entry(
        [FinishedOnHand("Z", D(5), z_standard(D(6), D(4), "SUB"))],
        [FinishedOnHand("Z", D(5), z_standard(D(6), D("3.50"), "SUB"))],
        "REVAL",
        CENT,
    )
    assert [(line.account, line.amount) for line in result.entry.lines] == [
        ("SUB", D("-2.50")),
        ("REVAL", D("2.50")),
    ]


def test_no_change_and_no_units_post_nothing():
    unchanged = revaluation_entry(
        [FinishedOnHand("Z", D(20), z_standard(D(6)))],
        [FinishedOnHand("Z", D(20), z_standard(D(6)))],
        "REVAL",
        CENT,
    )
    assert unchanged.entry.lines == ()
    none_on_hand = revaluation_entry(
        [FinishedOnHand("Z", D(0), z_standard(D(6)))],
        [FinishedOnHand("Z", D(0), z_standard(D(7)))],
        "REVAL",
        CENT,
    )
    assert none_on_hand.entry.lines == ()


def test_refuses_a_missing_revaluation_account_and_foreign_items():
    with pytest.raises(InvalidValue):
        revaluation_entry([], [], None, CENT)
    with pytest.raises(InvalidValue):
        revaluation_entry(["Z"], [], "REVAL", CENT)


prices = st.decimals(D("0.01"), D(1000), places=2)
quantities = st.decimals(D(-50), D(500), places=3)


@given(prices, prices, prices, quantities, quantities)
def test_the_reconciliation_check_stays_at_zero_through_any_change(
    old_x, new_x, y_price, quantity_z, quantity_w
):
    """Ledger at the old expectation + the revaluation = the new expectation, per
    account, to the cent, whatever the prices and quantities (negative stock included)."""
    w_standard = lambda x: UnitStandard(  # noqa: E731
        (ComponentStandard("X", D("0.333"), x, "RIP"),), D(0)
    )
    before = [
        FinishedOnHand("Z", quantity_z, z_standard(old_x, y_price)),
        FinishedOnHand("W", quantity_w, w_standard(old_x)),
    ]
    after = [
        FinishedOnHand("Z", quantity_z, z_standard(new_x, y_price)),
        FinishedOnHand("W", quantity_w, w_standard(new_x)),
    ]
    ledger = {}
    for item in before:  # the books matched the floor before the change
        for account, amount in finished_material(item.quantity, item.standard, CENT).items():
            ledger[account] = ledger.get(account, D(0)) + amount
    for line in revaluation_entry(before, after, "REVAL", CENT).entry.lines:
        if line.account != "REVAL":
            ledger[line.account] = ledger.get(line.account, D(0)) + line.amount
    rows = reconciliation_rows(["RIP"], ledger, {}, after, CENT)
    assert [row.difference for row in rows] == [D(0)]


def test_a_standard_update_posts_stock_and_held_material_in_one_balanced_entry():
    # X 6.00 -> 7.00 with 10 X on the shelf (Odoo's layer: +10.00) and 20 Z on hand
    # holding 60 X: one entry, RIP up 70.00 in two lines, the revaluation account down.
    result = standard_update_entry(
        [StockRevaluation("X", "RIP", D(10), "REVAL")],
        [
            (
                "REVAL",
                [FinishedOnHand("Z", D(20), z_standard(D(6)))],
                [FinishedOnHand("Z", D(20), z_standard(D(7)))],
            )
        ],
        CENT,
    )
    lines = [(line.account, line.amount, line.kind, line.label) for line in result.entry.lines]
    assert lines == [
        ("RIP", D(60), MATERIAL, HELD_MATERIAL),
        ("REVAL", D(-60), REVALUATION, None),
        ("RIP", D(10), MATERIAL, STOCK_ON_HAND),
        ("REVAL", D(-10), REVALUATION, None),
    ]
    assert sum(line.amount for line in result.entry.lines) == 0
    assert result.difference == D(60)  # the held material's change alone


def test_a_standard_update_with_nothing_on_hand_has_no_lines():
    result = standard_update_entry([StockRevaluation("X", "RIP", D(0), "REVAL")], [], CENT)
    assert result.entry.lines == ()


def test_a_stock_revaluation_without_counterpart_is_refused():
    with pytest.raises(InvalidValue):
        standard_update_entry([StockRevaluation("X", "RIP", D(1), None)], [], CENT)
