"""Security review, defect 3: `next` never leads off the site and never breaks the response."""

import pytest

from portal.models import Role
from tests.conftest import post_form, staff_log_in

HOSTILE = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https://evil.example/",
    "/case%0ASet-Cookie:x=1",
    "/case\nSet-Cookie: x=1",
    "/case\r\nSet-Cookie: x=1",
    " //evil.example",
    "/\x00/evil.example",
    "/%2F/evil.example",
]


def _stays_here(response) -> None:
    assert response.status_code in (302, 303), response.status_code
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location.split("?")[0].lstrip("/").split("/")[0]
    assert "\n" not in location and "\r" not in location


@pytest.mark.parametrize("target", HOSTILE)
def test_staff_login_never_redirects_off_site(client, factories, target):
    response = staff_log_in(client, factories.staff(Role.COLLECTOR), query=_query(target))
    _stays_here(response)
    creditor_user = factories.staff(Role.CREDITOR)  # no second factor: straight in
    response = staff_log_in(client.application.test_client(), creditor_user, query=_query(target))
    _stays_here(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_redirects_off_site(client, target):
    response = post_form(client, "/", {"lang": "en", "next": target}, post_url="/language")
    _stays_here(response)


def test_a_genuine_next_is_still_followed(client, factories):
    user = factories.staff(Role.COLLECTOR)
    response = staff_log_in(client, user, query="next=/staff/cases/%3Fq%3Ddupont")
    assert response.headers["Location"] == "/staff/cases/?q=dupont"


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
