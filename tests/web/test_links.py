"""Signed e-mail links: valid, tampered, expired, revoked."""

import datetime as dt

import time_machine

from portal.security import make_case_token
from portal.services.access.login import revoke_links
from tests.conftest import post_form

EN = {"Accept-Language": "en"}


def test_link_asks_for_the_factor_then_opens_the_case(client, factories):
    case = factories.case()
    url = f"/l/{make_case_token(case.id, case.link_version)}"
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    assert "Postcode" in page.text
    assert case.display_reference not in page.text  # nothing about the case before the factor
    wrong = post_form(client, url, {"factor": "00000"}, headers=EN)
    assert wrong.status_code == 422 and "does not match" in wrong.text
    ok = post_form(client, url, {"factor": case.debtor.postcode})
    assert ok.status_code == 303
    assert case.display_reference in client.get("/case").text


def test_tampered_link_offers_the_normal_login(client, factories):
    case = factories.case()
    token = make_case_token(case.id, case.link_version)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for url in (f"/l/{tampered}", "/l/not-a-token", f"/l/{token.replace('.', '', 1)}"):
        response = client.get(url, headers=EN)
        assert response.status_code == 400, url
        assert "This link is not valid" in response.text
        assert 'href="/"' in response.text


def test_expired_link(client, factories, app):
    case = factories.case()
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        token = make_case_token(case.id, case.link_version)
    days = app.config["LINK_MAX_AGE_DAYS"]
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=days - 1)):
        assert client.get(f"/l/{token}").status_code == 200
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=days + 1)):
        response = client.get(f"/l/{token}", headers=EN)
        assert response.status_code == 410
        assert "expired" in response.text


def test_revoked_link_no_longer_opens_even_mid_form(client, factories):
    case = factories.case()
    url = f"/l/{make_case_token(case.id, case.link_version)}"
    page = client.get(url)
    revoke_links(case.id)
    assert client.get(url, headers=EN).status_code == 410
    from tests.conftest import csrf_token

    late = client.post(
        url, data={"csrf_token": csrf_token(page.text), "factor": case.debtor.postcode}
    )
    assert late.status_code == 410
    assert client.get("/case").status_code == 302
    fresh = f"/l/{make_case_token(case.id, 2)}"
    assert client.get(fresh).status_code == 200
