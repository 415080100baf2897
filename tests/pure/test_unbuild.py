"""An unbuild undoes its order's completions oldest first, never a unit twice, and
undoing everything nets every account to zero."""

from collections import defaultdict
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import completions

from costing import (
    ComponentStandard,
    EntryLine,
    InvalidValue,
    UnbuildableCompletion,
    UnbuildTooLarge,
    UnitStandard,
    allocate_unbuild,
    completion_entry,
    condensed,
    consumption_at_standard,
    unbuild_reversal,
)

CENT = D("0.01")
UNIT = D("0.01")  # the finished product's unit rounding


def completion_of(quantity, lines, key="C1"):
    return UnbuildableCompletion(key, quantity, D(0), tuple(lines))


def undone(completion, taken, entry):
    """``completion`` after an unbuild of ``taken`` units posted ``entry``."""
    return UnbuildableCompletion(
        completion.key,
        completion.quantity,
        completion.reversed_quantity + taken,
        completion.lines,
        completion.reversed_lines + entry.lines,
    )


def net_by_account(*groups):
    totals = defaultdict(D)
    for lines in groups:
        for line in lines:
            totals[line.account] += line.amount
    return {account: amount for account, amount in totals.items() if amount}


THIRDS = (
    EntryLine("FG", D("100.00"), "finished", "P", D(3)),
    EntryLine("RIP", D("-70.00"), "material", None, D(3)),
    EntryLine("CONV", D("-30.00"), "conversion", "P", D(3)),
)


def test_oldest_completion_is_undone_first_and_each_at_most_by_what_is_open():
    old = UnbuildableCompletion("old", D(10), D(6), THIRDS)
    new = completion_of(D(10), THIRDS, "new")
    shares = allocate_unbuild(D(7), [old, new], UNIT)
    assert [(completion.key, taken) for completion, taken in shares] == [
        ("old", D(4)),
        ("new", D(3)),
    ]


def test_an_unbuild_of_more_than_is_open_is_refused():
    old = UnbuildableCompletion("old", D(10), D(6), THIRDS)
    with pytest.raises(UnbuildTooLarge):
        allocate_unbuild(D("4.01"), [old], UNIT)
    # Within half a unit of what is open: what is open.
    assert allocate_unbuild(D("4.004"), [old], UNIT) == ((old, D(4)),)


def test_a_fully_undone_completion_gives_nothing():
    done = UnbuildableCompletion("done", D(10), D(10), THIRDS)
    fresh = completion_of(D(5), THIRDS, "fresh")
    assert allocate_unbuild(D(2), [done, fresh], UNIT) == ((fresh, D(2)),)


def test_a_share_is_mirrored_line_by_line():
    entry = unbuild_reversal(completion_of(D(3), THIRDS), D(1), CENT, "PV", UNIT)
    assert {line.account: line.amount for line in entry.lines} == {
        "FG": D("-33.33"),
        "RIP": D("23.33"),
        "CONV": D("10.00"),
    }


def test_the_share_that_closes_a_completion_takes_what_is_left_of_it():
    completion = completion_of(D(3), THIRDS)
    for _ in range(2):
        entry = unbuild_reversal(completion, D(1), CENT, "PV", UNIT)
        completion = undone(completion, D(1), entry)
    last = unbuild_reversal(completion, D(1), CENT, "PV", UNIT)
    assert {line.account: line.amount for line in last.lines} == {
        "FG": D("-33.34"),
        "RIP": D("23.34"),
        "CONV": D("10.00"),
    }
    assert {line.account: line.quantity for line in last.lines} == {
        "FG": D(1),
        "RIP": D(1),
        "CONV": D(1),
    }
    assert net_by_account(completion.lines, completion.reversed_lines, last.lines) == {}


def test_reversed_quantity_cannot_exceed_the_completed_quantity():
    with pytest.raises(InvalidValue):
        UnbuildableCompletion("C", D(3), D(4), THIRDS)


def test_consumption_at_standard_scales_each_component():
    standard = UnitStandard(
        (ComponentStandard("A", D("2.1"), D(7), "RIP"), ComponentStandard("B", D(1), D(5), "RIP")),
        D(12),
    )
    consumed = consumption_at_standard(D(10), standard)
    assert [(c.product, c.quantity, c.unit_price) for c in consumed] == [
        ("A", D("21.0"), D(7)),
        ("B", D(10), D(5)),
    ]


@st.composite
def unbuild_plans(draw):
    """Completions of one order (posted entries) and the unbuilds that undo all of them,
    in parts: (completions, {key: currency rounding}, [unbuild quantity, ...])."""
    posted, roundings = [], {}
    for index in range(draw(st.integers(1, 3))):
        completion = draw(completions())
        entry = condensed(completion_entry(completion).entry)
        posted.append(completion_of(completion.quantity, entry.lines, f"C{index}"))
        roundings[f"C{index}"] = completion.rounding
    total_units = int(sum(completion.quantity for completion in posted) / UNIT)
    cuts = []
    if total_units > 1:
        cuts = draw(st.lists(st.integers(1, total_units - 1), max_size=5, unique=True))
    bounds = [0, *sorted(cuts), total_units]
    parts = [D(end - start) * UNIT for start, end in zip(bounds, bounds[1:], strict=False)]
    return posted, roundings, parts


def run_unbuilds(posted, roundings, quantities):
    """Every unbuild of ``quantities`` in turn: the completions as they end up, and the
    units each unbuild took in all."""
    state = {completion.key: completion for completion in posted}
    taken_per_unbuild = []
    for quantity in quantities:
        shares = allocate_unbuild(quantity, list(state.values()), UNIT)
        for completion, taken in shares:
            rounding = roundings[completion.key]
            entry = unbuild_reversal(completion, taken, rounding, "PV", UNIT)
            state[completion.key] = undone(completion, taken, entry)
        taken_per_unbuild.append(sum((taken for _c, taken in shares), D(0)))
    return list(state.values()), taken_per_unbuild


@given(unbuild_plans())
def test_unbuilding_everything_nets_every_account_to_zero(plan):
    posted, roundings, quantities = plan
    ended, _taken = run_unbuilds(posted, roundings, quantities)
    for completion in ended:
        assert completion.open_quantity == 0
        assert net_by_account(completion.lines, completion.reversed_lines) == {}


@given(unbuild_plans())
def test_no_unit_is_undone_twice(plan):
    posted, roundings, quantities = plan
    ended, taken = run_unbuilds(posted, roundings, quantities)
    assert taken == quantities
    for completion in ended:
        assert 0 <= completion.reversed_quantity <= completion.quantity
    with pytest.raises(UnbuildTooLarge):
        allocate_unbuild(UNIT, ended, UNIT)
