from decimal import Decimal as D

import pytest

from costing import InvalidValue, compare, is_zero, round_money


@pytest.mark.parametrize(
    ("amount", "rounding", "expected"),
    [
        ("1.005", "0.01", "1.01"),
        ("1.004999", "0.01", "1.00"),
        ("-1.005", "0.01", "-1.01"),
        ("2.675", "0.01", "2.68"),
        ("1.025", "0.05", "1.05"),
        ("1.0249", "0.05", "1.00"),
        ("1.075", "0.05", "1.10"),
        ("2.5", "1", "3"),
        ("-2.5", "1", "-3"),
        ("2.49", "1", "2"),
        ("3100", "0.01", "3100.00"),
        ("0.0004", "0.001", "0.000"),
    ],
)
def test_round_money_half_up_to_quantum(amount, rounding, expected):
    result = round_money(D(amount), D(rounding))
    assert result == D(expected)
    assert result % D(rounding) == 0


def test_round_money_keeps_exponent_of_quantum():
    assert str(round_money(D(3100), D("0.01"))) == "3100.00"
    assert str(round_money(D("12.3"), D(1))) == "12"


def test_round_money_never_returns_negative_zero():
    result = round_money(D("-0.001"), D("0.01"))
    assert result == 0
    assert not result.is_signed()


def test_is_zero():
    assert is_zero(D("0.004"), D("0.01"))
    assert is_zero(D("-0.004"), D("0.01"))
    assert not is_zero(D("0.005"), D("0.01"))
    assert is_zero(D("0.02"), D("0.05"))
    assert not is_zero(D("0.025"), D("0.05"))


def test_compare():
    assert compare(D("1.001"), D("1.004"), D("0.01")) == 0
    assert compare(D("1.004"), D("1.005"), D("0.01")) == -1
    assert compare(D(2), D("1.994"), D("0.01")) == 1
    assert compare(D("1.2"), D("1.4"), D(1)) == 0


@pytest.mark.parametrize("rounding", [D(0), D("-0.01"), D("NaN"), D("Infinity"), 0.01, 1])
def test_invalid_rounding_raises(rounding):
    with pytest.raises(InvalidValue):
        round_money(D(1), rounding)


@pytest.mark.parametrize("amount", [1.5, 1, "1", True])
def test_non_decimal_amount_raises(amount):
    with pytest.raises(InvalidValue, match="Decimal"):
        round_money(amount, D("0.01"))


def test_invalid_value_is_a_value_error():
    with pytest.raises(ValueError):
        round_money(D(1), D(0))
