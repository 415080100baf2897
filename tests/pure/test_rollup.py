"""costing.rollup: sub-assemblies are computed before the products that use them, and
a bill of materials that contains itself is refused with its chain."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costing import BomCycle, levels


def test_bought_products_are_level_0_and_each_assembly_one_above_its_highest_component():
    # Z = S + X, S = X + Y: X, Y bought; S level 1; Z level 2.
    assert levels({"Z": ["S", "X"], "S": ["X", "Y"]}) == {"X": 0, "Y": 0, "S": 1, "Z": 2}


def test_a_made_product_without_components_is_level_1():
    assert levels({"A": []}) == {"A": 1}


def test_a_cycle_is_refused_with_the_chain_that_closes_it():
    with pytest.raises(BomCycle) as refused:
        levels({"Z": ["S"], "S": ["T"], "T": ["S", "X"]})
    assert refused.value.chain == ("S", "T", "S")


def test_a_product_containing_itself_is_a_cycle():
    with pytest.raises(BomCycle) as refused:
        levels({"A": ["A"]})
    assert refused.value.chain == ("A", "A")


def test_a_deep_chain_is_ordered_without_recursion():
    depth = 5000
    chain = {f"P{index}": [f"P{index + 1}"] for index in range(depth)}
    assert levels(chain)["P0"] == depth


@given(
    st.dictionaries(
        st.integers(0, 30),
        st.lists(st.integers(0, 30), max_size=4),
        max_size=20,
    )
)
def test_every_component_is_below_the_products_that_use_it(graph):
    # Keep only edges to higher numbers: an acyclic graph.
    acyclic = {product: [c for c in comps if c > product] for product, comps in graph.items()}
    level = levels(acyclic)
    for product, components in acyclic.items():
        for component in components:
            assert level[component] < level[product]
