"""Horngren's backflush example at 1/1000 scale, as the pure tests share it.

Finished product P is made of 2 A at 7.00 and 1 B at 5.00 (material 19.00 a unit) with a
conversion standard of 12.00: a standard of 31.00. The accounts are named after what
they hold: finished goods (FG), conversion costs applied (CONV), material usage
variance (UV), production variance (PV), materials clearing (CLR) and, under the
Shipment trigger, the stock interim delivered (OUT). Each component is valued in an
account of its own (RA, RB, RX: materials and in-process).
"""

from decimal import Decimal as D

from costing import (
    CompletionAccounts,
    ComponentStandard,
    Consumption,
    ShipmentAccounts,
    UnitStandard,
)

ONE = D(1)

ACCOUNTS = CompletionAccounts("FG", "CONV", "UV", "PV", clearing="CLR")
SHIPMENT_ACCOUNTS = ShipmentAccounts("OUT", "CONV", "PV")

TEXTBOOK = UnitStandard(
    (ComponentStandard("A", D(2), D(7), "RA"), ComponentStandard("B", ONE, D(5), "RB")),
    D(12),
)
# One A, one B and conversion at 0.333 each: every line of a unit rounds to 0.33, and the
# cent they leave over is the rounding line's.
THIRDS = UnitStandard(
    (
        ComponentStandard("A", ONE, D("0.333"), "RA"),
        ComponentStandard("B", ONE, D("0.333"), "RB"),
    ),
    D("0.333"),
)

# X is a component the bill does not hold (2.00 a unit).
STANDARD_PRICES = {"A": D(7), "B": D(5), "X": D(2)}


def consumed(**quantities):
    """What an order consumed, at standard price, each component from its own account:
    ``consumed(A=210, B=100)``."""
    return tuple(
        Consumption(product, D(quantity), STANDARD_PRICES[product], f"R{product}")
        for product, quantity in quantities.items()
    )
