"""Security review, defect 4: integers above 2^63 in a URL or `?page=` are a 404, never a 500."""

import pytest
from werkzeug.routing import IntegerConverter

from portal.models import Role
from tests.conftest import post_form, staff_log_in

HUGE = [2**63, 2**64 + 7, 10**30]


def _debtor(client, factories):
    case = factories.case()
    post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    return case


def _staff(client, factories, role):
    staff_log_in(client, factories.staff(role))


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [n for n, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


def test_there_are_integer_routes_to_walk(web_app):
    assert len(list(_int_rules(web_app))) >= 9


@pytest.mark.parametrize("who", ["debtor", Role.COLLECTOR, Role.ADMIN, Role.CREDITOR])
def test_every_integer_route_answers_404_for_a_huge_value(web_app, client, factories, who):
    case = _debtor(client, factories) if who == "debtor" else factories.case()
    if who != "debtor":
        _staff(client, factories, who)
    for rule, ints in _int_rules(web_app):
        for huge in HUGE:
            values = {name: huge for name in ints}
            for name in rule.arguments - set(ints):
                values[name] = {"reference": case.display_reference, "what": "deactivate"}.get(
                    name, "x"
                )
            url = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                assert response.status_code == 404, (method, url, response.status_code)


# The creditor's list pages by a keyset cursor, clamped to the largest id
# (tests/web/test_creditor_pages.py: odd query strings are never a 500).
@pytest.mark.parametrize(("role", "url", "key"), [(Role.COLLECTOR, "/staff/cases/", "page")])
@pytest.mark.parametrize("page", [str(2**63), str(2**64), "9" * 40])
def test_case_lists_refuse_a_huge_page_cleanly(client, factories, role, url, key, page):
    _staff(client, factories, role)
    response = client.get(url, query_string={key: page})
    assert response.status_code in (400, 404)


@pytest.mark.parametrize(("role", "url"), [(Role.COLLECTOR, "/staff/cases/")])
def test_an_ordinary_or_garbled_page_still_lists(client, factories, role, url):
    _staff(client, factories, role)
    assert client.get(url, query_string={"page": "2"}).status_code == 200
    assert client.get(url, query_string={"page": "abc"}).status_code == 200
