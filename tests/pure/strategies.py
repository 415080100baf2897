"""Hypothesis strategies the property tests share: standards, consumptions, completions."""

from decimal import Decimal as D

from hypothesis import strategies as st
from textbook import ACCOUNTS

from costing import (
    TRIGGERS,
    ByProduct,
    Completion,
    ComponentStandard,
    Consumption,
    UnitStandard,
)

ROUNDINGS = [D("0.01"), D("0.05"), D(1), D("0.001")]


def decimals(low, high, places):
    """Decimals from low to high (given in units of the last place) with ``places`` decimals."""
    return st.integers(low, high).map(lambda units: D(units).scaleb(-places))


prices = decimals(0, 100_000, 3)
quantities_per_unit = decimals(0, 1_000, 2)
completed_quantities = decimals(1, 10_000, 2)
consumed_quantities = decimals(0, 100_000, 2)


@st.composite
def components(draw):
    count = draw(st.integers(0, 4))
    return tuple(
        ComponentStandard(product, draw(quantities_per_unit), draw(prices), f"R{product}")
        for product in range(count)
    )


@st.composite
def consumptions(draw, standard):
    consumed = [
        Consumption(c.product, draw(consumed_quantities), c.unit_price, c.account)
        for c in standard.components
        if draw(st.booleans())
    ]
    extras = draw(st.lists(st.tuples(consumed_quantities, prices), max_size=2))
    consumed += [
        Consumption(100 + index, quantity, price, f"R{100 + index}")
        for index, (quantity, price) in enumerate(extras)
    ]
    return tuple(consumed)


@st.composite
def completions(draw):
    standard = UnitStandard(draw(components()), draw(prices))
    byproducts = tuple(
        ByProduct(200 + index, quantity, price, "BY")
        for index, (quantity, price) in enumerate(
            draw(st.lists(st.tuples(consumed_quantities, prices), max_size=2))
        )
    )
    return Completion(
        trigger=draw(st.sampled_from(TRIGGERS)),
        quantity=draw(completed_quantities),
        finished_product="P",
        finished_unit_price=draw(
            st.one_of(st.just(standard.total_per_unit), decimals(0, 200_000, 3))
        ),
        standard=standard,
        accounts=ACCOUNTS,
        consumed=draw(consumptions(standard)),
        byproducts=byproducts,
        rounding=draw(st.sampled_from(ROUNDINGS)),
    )
