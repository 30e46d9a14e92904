"""Debtor login through the web: same answer for unknown and wrong, rate limit, session."""

import datetime as dt
import re

import time_machine

from portal.domain import references
from portal.domain.factors import FactorKind
from tests.conftest import post_form


def login(client, reference, factor, **kwargs):
    return post_form(client, "/", {"reference": reference, "factor": factor}, **kwargs)


def test_login_then_see_the_case(client, factories):
    case = factories.case(lines=(12_345,))
    response = login(client, case.display_reference, case.debtor.postcode)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/case")
    page = client.get("/case", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert case.display_reference in page.text
    assert "€123.45" in page.text


def test_unknown_reference_and_wrong_factor_get_the_same_answer(client, factories):
    case = factories.case()
    wrong_factor = login(client, case.reference, "99999", headers={"Accept-Language": "en"})
    # A well-formed reference (valid check character) that belongs to no case.
    unknown_ref = references.generate()
    assert unknown_ref != case.reference
    unknown = login(client, unknown_ref, "99999", headers={"Accept-Language": "en"})
    assert wrong_factor.status_code == unknown.status_code == 422

    def message(r):
        return re.search(r'<div class="alert" role="alert"><p>(.*?)</p>', r.text).group(1)

    assert message(wrong_factor) == message(unknown)
    assert "do not match" in message(unknown)


def test_typo_in_reference_is_explained_without_lookup(client, factories):
    case = factories.case()
    typo = case.reference[:-1] + ("2" if case.reference[-1] != "2" else "3")
    response = login(client, typo, case.debtor.postcode, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "This reference is not valid" in response.text


def test_empty_fields_get_messages_not_errors(client):
    response = login(client, "", "", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Enter the reference printed on your letter or e-mail." in response.text


def test_rate_limit_holds_across_two_app_instances(app_factory, factories):
    """Two processes on one database share the failure counts."""
    case = factories.case()
    first = app_factory().test_client()
    second = app_factory().test_client()
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
    with time_machine.travel(at, tick=False):
        for n in range(5):
            client = first if n % 2 else second
            assert login(client, case.reference, "00000").status_code == 422
        blocked = login(
            first, case.reference, case.debtor.postcode, headers={"Accept-Language": "en"}
        )
        assert blocked.status_code == 429
        assert "Try again at 10:15" in blocked.text
        assert int(blocked.headers["Retry-After"]) == 900
        blocked_fr = login(
            second, case.reference, case.debtor.postcode, headers={"Accept-Language": "fr"}
        )
        assert blocked_fr.status_code == 429
        assert "10:15" in blocked_fr.text


def test_session_expires_after_idle_minutes(client, factories):
    case = factories.case()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, case.reference, case.debtor.postcode)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert client.get("/case").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=28), tick=False):
        assert client.get("/case").status_code == 200  # activity at 14 min kept it alive
    with time_machine.travel(start + dt.timedelta(minutes=44), tick=False):
        response = client.get("/case")
        assert response.status_code == 302
        assert "expired=1" in response.headers["Location"]


def test_logout_ends_the_session(client, factories):
    case = factories.case()
    login(client, case.reference, case.debtor.postcode)
    response = post_form(client, "/case", {}, post_url="/logout")
    assert response.status_code == 303
    assert client.get("/case").status_code == 302


def test_a_new_login_replaces_the_previous_case(client, factories):
    first, second = factories.case(), factories.case()
    login(client, first.reference, first.debtor.postcode)
    post_form(
        client,
        "/rights",
        {"reference": second.reference, "factor": second.debtor.postcode},
        post_url="/",
    )
    page = client.get("/case")
    assert second.display_reference in page.text
    assert first.display_reference not in page.text


def test_date_of_birth_login_as_typed(client, factories):
    creditor = factories.creditor(FactorKind.DATE_OF_BIRTH)
    case = factories.case(creditor, factories.debtor(date_of_birth=dt.date(1979, 11, 5)))
    assert login(client, case.reference, "05/11/1979").status_code == 303
