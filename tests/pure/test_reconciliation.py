"""The Reconciliation Check's arithmetic (costing.reconciliation), replayed against the
entries the core posts for a simulated company."""

from collections import Counter
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import ROUNDINGS, decimals
from textbook import ACCOUNTS, SHIPMENT_ACCOUNTS

from costing import (
    MATERIAL,
    OUTPUT,
    TRIGGER_SHIPMENT,
    Completion,
    ComponentStandard,
    Consumption,
    FinishedOnHand,
    InvalidValue,
    ReconciliationRow,
    Scrap,
    ScrappedComponent,
    ScrappedFinished,
    Shipment,
    UnitStandard,
    completion_entry,
    finished_material,
    reconciliation_rows,
    retarget,
    reversal_entry,
    round_money,
    scrap_entry,
    shipment_entry,
)

ZERO = D(0)
CENT = D("0.01")
# Two components of 0.5 x 0.25 = 0.125 per unit, both valued in RIP.
HALVES = UnitStandard(
    (
        ComponentStandard("A", D("0.5"), D("0.25"), "RIP"),
        ComponentStandard("B", D("0.5"), D("0.25"), "RIP"),
    ),
    D(1),
)


def material_of_shipment(quantity, standard, rounding=CENT):
    """Minus the material lines per account of a shipment of ``quantity`` units."""
    delivered_value = round_money(quantity * standard.total_per_unit, rounding)
    shipment = Shipment(quantity, "P", delivered_value, standard, SHIPMENT_ACCOUNTS, rounding)
    material = {}
    for line in shipment_entry(shipment).entry.lines_of(MATERIAL):
        material[line.account] = material.get(line.account, ZERO) - line.amount
    return {account: amount for account, amount in material.items() if amount != 0}


# --- finished_material -------------------------------------------------------------------


def test_finished_material_is_rounded_per_component_as_a_delivery_credits_it():
    # A delivery of the one unit on hand credits RIP 0.13 + 0.13 = 0.26; rounding per
    # account (round(0.25) = 0.25) would report a difference of 0.01 that is not there.
    assert material_of_shipment(D(1), HALVES) == {"RIP": D("0.26")}
    assert finished_material(D(1), HALVES, CENT) == {"RIP": D("0.26")}


def test_finished_material_of_no_units_is_empty():
    assert finished_material(ZERO, HALVES, CENT) == {}
    assert finished_material(D("0.000"), HALVES, CENT) == {}


def test_finished_material_per_account_in_standard_order():
    standard = UnitStandard(
        (
            ComponentStandard("A", D(2), D(7), "RIP-A"),
            ComponentStandard("B", D(1), D(5), "RIP-B"),
            ComponentStandard("C", D("0.333"), D(1), "RIP-A"),
        ),
        D(12),
    )
    material = finished_material(D(10), standard, CENT)
    assert material == {"RIP-A": D("143.33"), "RIP-B": D(50)}
    assert list(material) == ["RIP-A", "RIP-B"]
    # Conversion stays out: it is not in RIP.
    assert finished_material(D(10), UnitStandard((), D(12)), CENT) == {}


def test_finished_material_leaves_out_components_without_account_and_zero_amounts():
    standard = UnitStandard(
        (
            ComponentStandard("A", D(2), D(7), None),
            ComponentStandard("B", D(1), D(5), "RIP-B"),
            ComponentStandard("C", D(1), D(0), "RIP-C"),
            ComponentStandard("D", D("0.001"), D(1), "RIP-D"),  # rounds to zero
        ),
        D(12),
    )
    assert finished_material(D(2), standard, CENT) == {"RIP-B": D(10)}


def test_finished_material_of_negative_stock_is_negative():
    assert finished_material(D(-1), HALVES, CENT) == {"RIP": D("-0.26")}


@pytest.mark.parametrize(
    "arguments",
    [
        (1, HALVES, CENT),
        (1.0, HALVES, CENT),
        (True, HALVES, CENT),
        (D("NaN"), HALVES, CENT),
        (D(1), "standard", CENT),
        (D(1), HALVES, D(0)),
        (D(1), HALVES, 0.01),
    ],
)
def test_finished_material_refuses_invalid_input(arguments):
    with pytest.raises(InvalidValue):
        finished_material(*arguments)


# --- reconciliation_rows -----------------------------------------------------------------


def test_rows_follow_the_given_accounts_and_missing_figures_are_zero():
    rows = reconciliation_rows(
        ["RIP-2", "RIP-1", "RIP-3"],
        {"RIP-1": D("100.004"), "RIP-2": D("50.26"), "OTHER": D(7)},
        {"RIP-1": D(100), "RIP-2": D(50)},
        [FinishedOnHand("P", D(1), HALVES)],
        CENT,
    )
    assert rows == (
        ReconciliationRow("RIP-2", D("50.26"), D(50), ZERO, D(50), D("0.26")),
        ReconciliationRow("RIP-1", D("100.00"), D(100), ZERO, D(100), ZERO),
        ReconciliationRow("RIP-3", ZERO, ZERO, ZERO, ZERO, ZERO),
    )


def test_the_halves_example_matches_after_the_check():
    rows = reconciliation_rows(
        ["RIP"], {"RIP": D("10.26")}, {"RIP": D(10)}, [FinishedOnHand("P", D(1), HALVES)], CENT
    )
    assert rows == (ReconciliationRow("RIP", D("10.26"), D(10), D("0.26"), D("10.26"), ZERO),)


def test_several_products_on_one_account_add_up():
    other = UnitStandard(
        (
            ComponentStandard("A", D(3), D("0.125"), "RIP"),
            ComponentStandard("Z", D(1), D(2), "RIP-Z"),
        ),
        D(0),
    )
    finished = [
        FinishedOnHand("P", D(3), HALVES),  # 2 x round(0.375) = 0.76
        FinishedOnHand("Q", D(1), other),  # round(0.375) = 0.38 on RIP, 2 on RIP-Z
        FinishedOnHand("R", ZERO, other),
    ]
    rows = reconciliation_rows(["RIP", "RIP-Z"], {"RIP": D("1.14")}, {}, finished, CENT)
    assert [(row.account, row.finished_material, row.difference) for row in rows] == [
        ("RIP", D("1.14"), ZERO),
        ("RIP-Z", D(2), D(-2)),
    ]
    for row in rows:
        assert row.expected_balance == row.component_value + row.finished_material
        assert row.difference == row.ledger_balance - row.expected_balance


def test_rows_of_no_accounts_are_empty():
    assert (
        reconciliation_rows([], {"RIP": D(1)}, {}, [FinishedOnHand("P", D(1), HALVES)], CENT) == ()
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"accounts": ["RIP", "RIP"]},
        {"ledger": {"RIP": 1.5}},
        {"ledger": [("RIP", D(1))]},
        {"components": {"RIP": D("Infinity")}},
        {"finished": [("P", D(1), HALVES)]},
        {"rounding": D(0)},
    ],
)
def test_rows_refuse_invalid_input(changes):
    arguments = {
        "accounts": ["RIP"],
        "ledger": {},
        "components": {},
        "finished": [],
        "rounding": CENT,
    }
    with pytest.raises(InvalidValue):
        reconciliation_rows(**{**arguments, **changes})


def test_finished_on_hand_validates():
    with pytest.raises(InvalidValue):
        FinishedOnHand("P", 1, HALVES)
    with pytest.raises(InvalidValue):
        FinishedOnHand("P", D(1), None)


# --- Properties --------------------------------------------------------------------------


@st.composite
def standards(draw, exact=False, rounding=CENT):
    """A standard of 1 to 4 components, valued in RIP-1 or RIP-2 (often shared).

    With ``exact`` every b_i x c_i is a multiple of ``rounding``.
    """
    components = []
    for product in range(draw(st.integers(1, 4))):
        account = draw(st.sampled_from(["RIP-1", "RIP-2"]))
        if exact:
            per_unit = draw(st.sampled_from([D("0.25"), D("0.5"), D(1), D(2), D(4), D(5)]))
            price = D(draw(st.integers(0, 5_000))) * rounding / per_unit
        else:
            per_unit = draw(decimals(0, 5_000, 3))
            price = draw(decimals(0, 100_000, 3))
        components.append(ComponentStandard(f"C{product}", per_unit, price, account))
    return UnitStandard(tuple(components), draw(decimals(0, 100_000, 3)))


@given(
    st.sampled_from(ROUNDINGS).flatmap(
        lambda rounding: st.tuples(st.just(rounding), standards(rounding=rounding))
    ),
    decimals(1, 100_000, 2),
)
def test_finished_material_is_what_a_shipment_credits(rounded_standard, quantity):
    rounding, standard = rounded_standard
    assert finished_material(quantity, standard, rounding) == material_of_shipment(
        quantity, standard, rounding
    )
    negated = {
        account: -amount
        for account, amount in material_of_shipment(quantity, standard, rounding).items()
    }
    assert finished_material(-quantity, standard, rounding) == negated


class Company:
    """A company making product P under trigger 'shipment', replayed through the core.

    ledger: balance per account (every entry's lines, plus the purchases of components);
    layers: value of each component's valuation layers, each rounded as Odoo rounds the
    value of a move's layer, round(quantity x price); on_hand: finished units on hand;
    shipments: [entry lines, shipped quantity, quantity not yet returned].
    """

    def __init__(self, standard, finished_price, rounding):
        self.standard = standard
        self.finished_price = finished_price
        self.rounding = rounding
        self.components = {c.product: c for c in standard.components}
        self.ledger = Counter()
        self.layers = Counter()
        self.on_hand = ZERO
        self.shipments = []
        self.events = Counter()

    def money(self, amount):
        return round_money(amount, self.rounding)

    def post(self, entry):
        assert entry.total_debit == entry.total_credit
        for account, amount in entry.by_account().items():
            self.ledger[account] += amount

    def purchase(self, product, quantity):
        component = self.components[product]
        value = self.money(quantity * component.unit_price)
        self.ledger[component.account] += value  # Dr RIP / Cr GRNI, from Odoo
        self.layers[product] += value

    def complete(self, quantity, consumed):
        consumption = tuple(
            Consumption(
                product,
                actual,
                self.components[product].unit_price,
                self.components[product].account,
            )
            for product, actual in consumed.items()
        )
        completion = Completion(
            TRIGGER_SHIPMENT,
            quantity,
            "P",
            self.finished_price,
            self.standard,
            ACCOUNTS,
            consumption,
            rounding=self.rounding,
        )
        self.post(completion_entry(completion).entry)
        for item in consumption:
            # The consumption's layers; Odoo posts nothing for them to RIP under 'shipment'.
            self.layers[item.product] -= self.money(item.quantity * item.unit_price)
        self.on_hand += quantity
        self.events["completion"] += 1

    def deliver(self, quantity):
        value = self.money(quantity * self.finished_price)
        shipment = Shipment(quantity, "P", value, self.standard, SHIPMENT_ACCOUNTS, self.rounding)
        entry = shipment_entry(shipment).entry
        self.post(entry)
        self.shipments.append([entry.lines, quantity, quantity])
        self.on_hand -= quantity
        self.events["delivery"] += 1

    def return_(self, index, quantity):
        """A customer return of ``quantity`` of shipment ``index``, as stock_move does it:
        the mirror of quantity / shipped of that shipment, the output at Odoo's value."""
        lines, shipped, _open = self.shipments[index]
        share = min(quantity / shipped, D(1))
        mirrored = reversal_entry(lines, share, self.rounding, "PV")
        if len(mirrored.lines_of(OUTPUT)) == 1:
            value = self.money(quantity * self.finished_price)
            mirrored = retarget(mirrored, OUTPUT, -value, "PV")
        self.post(mirrored)
        self.shipments[index][2] -= quantity
        self.on_hand += quantity
        self.events["return"] += 1

    def scrap_component(self, product, quantity):
        component = self.components[product]
        item = ScrappedComponent(product, quantity, component.unit_price, component.account)
        self.post(scrap_entry(Scrap(TRIGGER_SHIPMENT, (item,), (), "SCRAP", self.rounding)))
        self.layers[product] -= self.money(quantity * component.unit_price)

    def scrap_finished(self, quantity):
        item = ScrappedFinished("P", quantity, self.finished_price, "FG", self.standard, "CONV")
        self.post(scrap_entry(Scrap(TRIGGER_SHIPMENT, (), (item,), "SCRAP", self.rounding)))
        self.on_hand -= quantity
        self.events["finished_scrap"] += 1

    def rip_accounts(self):
        return sorted({c.account for c in self.standard.components})

    def check(self):
        components = Counter()
        for product, value in self.layers.items():
            components[self.components[product].account] += value
        return reconciliation_rows(
            self.rip_accounts(),
            dict(self.ledger),
            dict(components),
            [FinishedOnHand("P", self.on_hand, self.standard)],
            self.rounding,
        )

    def bound(self, account):
        """Most the check can be off on ``account`` by rounding (see the test)."""
        events = self.events
        roundings = (
            events["completion"]
            + events["delivery"]
            + events["finished_scrap"]
            + events["return"]
            + 1
        )
        on_account = sum(1 for c in self.standard.components if c.account == account)
        return roundings * on_account * self.rounding / 2


def replay(data, company, whole_units, steps):
    """Replay ``steps`` random events; yield the company after each one (and before)."""
    finished_quantities = st.integers(1, 20).map(D) if whole_units else decimals(1, 2_000, 2)
    component_quantities = decimals(0, 100_000, 3)
    products = sorted(company.components)
    yield company
    for _ in range(steps):
        open_shipments = [i for i, shipment in enumerate(company.shipments) if shipment[2] > 0]
        kinds = ["purchase", "complete", "scrap_component"]
        if company.on_hand > 0:
            kinds += ["deliver", "scrap_finished"]
        if open_shipments:
            kinds.append("return")
        kind = data.draw(st.sampled_from(kinds), label="event")
        if kind == "purchase":
            company.purchase(data.draw(st.sampled_from(products)), data.draw(component_quantities))
        elif kind == "scrap_component":
            quantity = data.draw(decimals(1, 100_000, 3))
            company.scrap_component(data.draw(st.sampled_from(products)), quantity)
        elif kind == "complete":
            quantity = data.draw(finished_quantities, label="completed")
            consumed = {}
            for product, component in company.components.items():
                choice = data.draw(st.sampled_from(["standard", "other", "none"]))
                if choice == "standard":
                    consumed[product] = quantity * component.quantity_per_unit
                elif choice == "other":
                    consumed[product] = data.draw(component_quantities)
            company.complete(quantity, consumed)
        elif kind == "deliver":
            company.deliver(data.draw(up_to(company.on_hand, whole_units), label="delivered"))
        elif kind == "scrap_finished":
            company.scrap_finished(data.draw(up_to(company.on_hand, whole_units), label="scrapped"))
        else:
            index = data.draw(st.sampled_from(open_shipments))
            quantity = data.draw(up_to(company.shipments[index][2], whole_units), label="returned")
            company.return_(index, quantity)
        yield company


def up_to(limit, whole_units):
    """A quantity > 0 and <= limit (in whole units, or in hundredths)."""
    if whole_units:
        return st.integers(1, int(limit)).map(D)
    return st.integers(1, int(limit * 100)).map(lambda units: D(units).scaleb(-2))


EIGHTHS = UnitStandard((ComponentStandard("A", D("0.5"), D("0.25"), "RIP"),), D(1))  # 0.125


def rip_check(company):
    """(RIP's ledger balance less its components' value, the finished material it should
    hold, the difference) of the check's one row; the difference within its bound."""
    (row,) = company.check()
    assert abs(row.difference) <= company.bound("RIP")
    return (row.ledger_balance - row.component_value, row.finished_material, row.difference)


def test_partial_delivery_leaves_the_check_a_quantum_off():
    company = Company(EIGHTHS, D("1.125"), CENT)
    company.purchase("A", D(10))  # 2.50 in RIP and in the layers
    company.complete(D(2), {"A": D(1)})  # RIP keeps round(2 x 0.125) = 0.25 for them
    assert [row.difference for row in company.check()] == [ZERO]
    company.deliver(D(1))  # relieves round(0.125) = 0.13: 0.12 left
    assert rip_check(company) == (D("0.12"), D("0.13"), D("-0.01"))
    company.deliver(D(1))  # the last one: 0.13 again, -0.01 with nothing on hand
    assert rip_check(company) == (D("-0.01"), ZERO, D("-0.01"))


def test_completions_one_by_one_leave_the_check_a_quantum_off():
    company = Company(EIGHTHS, D("1.125"), CENT)
    company.purchase("A", D(10))  # 2.50 in RIP and in the layers
    company.complete(D(1), {"A": D("0.5")})
    company.complete(D(1), {"A": D("0.5")})  # RIP 0.13 + 0.13, the check round(0.25)
    assert rip_check(company) == (D("0.26"), D("0.25"), D("0.01"))


def test_a_full_return_undoes_its_delivery_exactly():
    company = Company(EIGHTHS, D("1.125"), CENT)
    company.purchase("A", D(10))  # 2.50 in RIP and in the layers
    company.complete(D(3), {"A": D("1.5")})
    company.deliver(D(1))
    company.return_(0, D(1))
    assert [row.difference for row in company.check()] == [ZERO]


@given(st.data(), st.sampled_from(ROUNDINGS), st.integers(1, 12))
def test_check_is_exact_when_unit_values_are_multiples_of_the_quantum(data, rounding, steps):
    """(a) Every b_i x c_i a multiple of the quantum, whole finished units: no rounding
    ever happens on the finished material, and the check matches after every event."""
    standard = data.draw(standards(exact=True, rounding=rounding))
    finished_price = data.draw(decimals(0, 200_000, 3))
    company = Company(standard, finished_price, rounding)
    for state in replay(data, company, whole_units=True, steps=steps):
        for row in state.check():
            assert row.difference == 0, (row, state.events)
            assert row.expected_balance == row.component_value + row.finished_material


@given(st.data(), st.sampled_from(ROUNDINGS), st.integers(1, 12))
def test_check_is_off_by_at_most_the_rounding_of_each_event(data, rounding, steps):
    """(b) In general the check is off by a few quanta, never more than rounding explains.

    Per component i, RIP holds the finished material as a sum of separately rounded
    amounts, one per event: +round(Q b_i c_i) per completion (the completion credits RIP
    with round(actual c_i) - round(Q b_i c_i) while the layers drop by round(actual c_i)),
    -round(D b_i c_i) per delivery and per finished scrap, +round(share x round(D b_i
    c_i)) per return of a share of a delivery.  Each is at most half a quantum off the
    exact change of N b_i c_i, except that a return also takes back share x the rounding
    error of its delivery; as the shares of one delivery's returns add up to at most 1,
    that delivery's error still counts at most once.  The check rounds once more:
    round(N b_i c_i) for the N units on hand.

    Rounding is not additive (b c = 0.125: complete 2, RIP 0.25; deliver 1, RIP relieved
    by 0.13, 0.12 left, while the check counts 0.13 for the one left; and two completions
    of one unit put 0.26 in RIP where the check counts 0.25, so completions count too),
    hence the bound per account: (completions + deliveries + returns + finished scraps +
    1) x (components on the account) x quantum / 2.  Components themselves (purchases,
    consumption, component scrap) are rounded alike in the ledger and in the layers and
    add nothing.
    """
    standard = data.draw(standards(rounding=rounding))
    finished_price = data.draw(st.one_of(st.just(standard.total_per_unit), decimals(0, 200_000, 3)))
    company = Company(standard, finished_price, rounding)
    for state in replay(data, company, whole_units=data.draw(st.booleans()), steps=steps):
        for row in state.check():
            assert abs(row.difference) <= state.bound(row.account), (row, state.events)
            assert row.difference % rounding == 0
            assert row.expected_balance == row.component_value + row.finished_material
