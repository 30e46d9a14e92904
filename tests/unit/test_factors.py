"""The verification factor as typed by a person."""

import datetime as dt

import pytest

from portal.domain.factors import FactorKind, canonical, format_date_of_birth, parse_date_of_birth


@pytest.mark.parametrize(
    "text", ["14/03/1985", "14.03.1985", "14-03-1985", "14031985", "1985-03-14"]
)
def test_date_of_birth_forms(text):
    assert parse_date_of_birth(text) == dt.date(1985, 3, 14)


@pytest.mark.parametrize("text", ["31/02/1985", "1985", "03/14/1985", "", "hello"])
def test_impossible_dates(text):
    assert parse_date_of_birth(text) is None


def test_written_as_typed():
    assert format_date_of_birth(dt.date(1985, 3, 4)) == "04/03/1985"
    assert parse_date_of_birth(format_date_of_birth(dt.date(1985, 3, 4))) == dt.date(1985, 3, 4)


def test_postcodes_ignore_spaces_and_case():
    assert canonical(FactorKind.POSTCODE, " 75 011 ") == "75011"
    assert canonical(FactorKind.POSTCODE, "sw1a 1aa") == "SW1A1AA"
    assert canonical(FactorKind.POSTCODE, "   ") is None
