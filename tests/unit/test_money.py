"""Parsing amounts as people type them, into integer minor units."""

import pytest

from portal.domain.money import InvalidAmount, TooManyDecimals, parse_amount, to_decimal


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("12", 1200),
        ("12,5", 1250),
        ("12.50", 1250),
        ("1 234,56", 123456),
        ("1\u202f234,56 €", 123456),
        ("1,234.56", 123456),
        ("1.234,56", 123456),
        ("1.234.567", 123456700),
        ("0,01", 1),
        ("€ 40", 4000),
    ],
)
def test_amounts_people_write(text, minor):
    assert parse_amount(text, "EUR") == minor


@pytest.mark.parametrize("text", ["", "abc", "12,3,4.5.6", "-5", "1e3", "12..5"])
def test_nonsense_is_refused(text):
    with pytest.raises(InvalidAmount):
        parse_amount(text, "EUR")


@pytest.mark.parametrize("text", ["12,345", "1,234", "0.001"])
def test_three_decimals_are_refused_not_guessed(text):
    with pytest.raises(TooManyDecimals):
        parse_amount(text, "EUR")


def test_currency_without_decimals():
    assert parse_amount("1 500", "JPY") == 1500
    with pytest.raises(TooManyDecimals):
        parse_amount("15,5", "JPY")


def test_to_decimal_is_exact():
    assert str(to_decimal(123456, "EUR")) == "1234.56"
    assert str(to_decimal(-1, "EUR")) == "-0.01"
