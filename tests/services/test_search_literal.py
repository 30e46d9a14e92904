"""Security review, defect 8: `%` and `_` in a search term are literal, on both databases."""

import pytest

from portal.services.cases.overview import search_cases


@pytest.fixture
def names(factories):
    made = {}
    for last, mail in [
        ("Martin", "martin@test.example"),
        ("Mar_tin", "mar_tin@test.example"),
        ("100% Bio", "bio@test.example"),
        ("1000 Bio", "mille@test.example"),
        ("Back\\slash", "back@test.example"),
    ]:
        made[last] = factories.case(debtor_=factories.debtor(last_name=last, email=mail))
    return made


def found(query):
    return sorted(row.case.debtor.last_name for row in search_cases(query)[0])


def test_percent_is_not_a_wildcard(names):
    assert found("%") == ["100% Bio"]
    assert found("100%") == ["100% Bio"]


def test_underscore_is_not_a_wildcard(names):
    assert found("_") == ["Mar_tin"]
    assert found("mar_") == ["Mar_tin"]


def test_backslash_and_plain_terms(names):
    assert found("\\") == ["Back\\slash"]
    assert found("martin") == ["Martin"]
    assert found("bio") == ["100% Bio", "1000 Bio"]
