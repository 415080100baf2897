"""Queued postings store their costing value as JSON (costing.serialize): the queue
writes each value of a pending posting through ``to_data`` into one JSON text and reads
it back through ``from_data`` (mrp.backflush.queue._dump_pending and _load_pending)."""

import datetime
import json
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costing import (
    Completion,
    CompletionAccounts,
    ComponentStandard,
    Consumption,
    InvalidValue,
    Scrap,
    ScrappedComponent,
    ScrappedFinished,
    Shipment,
    ShipmentAccounts,
    UnitStandard,
    completion_entry,
    from_data,
    to_data,
)

STANDARD = UnitStandard(
    (ComponentStandard(11, D(2), D(7), 101), ComponentStandard(12, D(1), D(5), None)), D(12)
)


def completion(quantity=D(100), value=None):
    return Completion(
        "completion",
        quantity,
        1,
        D(31),
        STANDARD,
        CompletionAccounts(201, 202, 203, 204),
        (Consumption(11, D(200), D(7), 101, value=value),),
        (),
        D("0.01"),
    )


def queued(pending):
    """``pending`` ({key: value}) as the queue stores it and reads it back."""
    pending_data = json.dumps({key: to_data(value) for key, value in pending.items()})
    return {key: from_data(data) for key, data in json.loads(pending_data).items()}


def stored(value):
    """``value`` after a stay in the queue, beside the moves it costs."""
    read_back = queued({"moves": [7, 8], "value": value})
    assert read_back["moves"] == (7, 8)
    return read_back["value"]


def test_completion_round_trip_posts_the_same_entry():
    original = completion(value=D("1400.00"))
    read_back = stored(original)
    assert read_back == original
    assert completion_entry(read_back) == completion_entry(original)


def test_scrap_and_shipment_round_trip():
    scrap = Scrap(
        "shipment",
        (ScrappedComponent(11, D(1), D(7), 101),),
        (ScrappedFinished(1, D(2), D(31), 201, STANDARD, 202),),
        301,
        D("0.01"),
    )
    shipment = Shipment(D(3), 1, D(93), STANDARD, ShipmentAccounts(401, 202, 204), D("0.01"))
    for value in (scrap, shipment, {"date": datetime.date(2026, 11, 1), "ids": (1, 2)}):
        assert stored(value) == value


@given(
    st.decimals(min_value=D("0.001"), max_value=D(10**6), places=3),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=D(10**6), places=2)),
)
def test_round_trip_is_exact(quantity, value):
    original = completion(quantity, value)
    assert stored(original) == original


def test_anything_else_is_refused():
    with pytest.raises(InvalidValue):
        queued({"value": object()})
    with pytest.raises(InvalidValue):
        from_data(json.loads('{"value": "os.system", "fields": {}}'))
