"""Every admin page, read or changed, answers 403 to collectors and creditor users (and
sends anonymous visitors to the login page)."""

import pytest

from portal.models import Role
from tests.conftest import csrf_token, staff_log_in


def _admin_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every route of the admin blueprint, with ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        values = {name: "1" for name in rule.arguments}
        if "what" in values:
            values["what"] = "deactivate"
        path = rule.rule
        for name, value in values.items():
            path = path.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
        if "<" in path:  # a converter with arguments (`any(...)`)
            path = path.split("<", 1)[0] + values.get("what", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


def test_the_list_covers_the_new_pages(web_app):
    paths = {path for _, path in _admin_urls(web_app)}
    for expected in ("/admin/users/1/role", "/admin/creditors/1/api-tokens",
                     "/admin/creditors/1/api-tokens/1/revoke", "/admin/audit.csv"):  # fmt: skip
        assert expected in paths


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.CREDITOR])
def test_collectors_and_creditor_users_get_403_everywhere(web_app, factories, role):
    factories.creditor()
    client = web_app.test_client()
    home = staff_log_in(client, factories.staff(role))
    assert home.status_code == 303
    token = csrf_token(client.get(home.headers["Location"]).get_data(as_text=True))
    for method, url in _admin_urls(web_app):
        # With a valid CSRF token: refused by role, not by CSRF.
        response = client.open(url, method=method, data={"csrf_token": token, "role": "admin"})
        assert response.status_code == 403, (method, url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login(web_app):
    client = web_app.test_client()
    for method, url in _admin_urls(web_app):
        response = client.open(url, method=method)
        assert response.status_code in (302, 303, 400), (method, url)
        if response.status_code != 400:
            assert "/staff/login" in response.headers["Location"]
