"""Every page of the portal, rendered: the GET routes of `app.url_map`, each fetched by the role
it is for (a debtor, a collector, a creditor user, an admin, or anyone), in a chosen language.

Routes are walked, not listed, so a new page is scanned as soon as it exists; the data comes
from the access test's world (tests/web/test_access.py), which every new route argument must
teach anyway. What is not a page (files, JSON, the health check) is skipped with its reason.
"""

import html as html_lib
import re
from dataclasses import dataclass

import pytest
from werkzeug.routing import Rule

from portal.models import Role
from portal.services.access import passwords
from tests import factories
from tests.conftest import post_form
from tests.web.test_access import client_as, url_for_rule

# Routes that answer something other than an HTML page, and why they are not scanned.
SKIPPED = {
    "static": "stylesheets, scripts and images, not pages",
    "main.healthz": "the load balancer's liveness answer, not a page",
    "api.openapi": "the API's JSON description, for machines",
    "debtor.dispute_file": "a proof file the debtor uploaded, served as it was sent",
    "collector.dispute_file": "a proof file the debtor uploaded, served as it was sent",
    "staff.home": "sends each staff user on to their own first page, which is scanned",
    "collector.message": "an e-mail's text as it was sent (text/plain), scanned with the e-mails",
}
FILE_SUFFIXES = (".pdf", ".csv", ".json")  # a download, checked by its own tests


def skip_reason(web_app, rule: Rule) -> str | None:
    """Why the GET route `rule` is not a page to scan, or None when it is one."""
    if rule.endpoint in SKIPPED:
        return SKIPPED[rule.endpoint]
    if rule.rule.endswith(FILE_SUFFIXES):
        return "a file download (PDF, CSV or JSON), not a page"
    if web_app.view_functions[rule.endpoint].access == "api":
        return "JSON for machines, opened by a bearer token"
    return None


def roles_for(access: str) -> list[str]:
    """The roles that see the route: each staff role it allows, the debtor, or anyone."""
    if access == "public":
        return ["anonymous"]
    if access == "debtor":
        return ["debtor"]
    return access.removeprefix("staff:").split(",")


@dataclass
class Page:
    """One rendered page: the route, who looked at it, and the answer."""

    rule: str
    role: str
    status: int
    mimetype: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.rule} (as {self.role})"


def _half_logged_in(web_app, user):
    """A client past the password of `user`, before their second factor."""
    client = web_app.test_client()
    login = {"email": user.email, "password": factories.PASSWORD}
    answer = post_form(client, "/staff/login", login)
    assert answer.status_code == 303, answer.text
    return client


# Pages that need a visitor in a particular state: (client, URL) for each.
IN_STATE = {
    "staff.second_factor": lambda web_app, world: (
        _half_logged_in(web_app, world["collector"]),
        "/staff/login/code",
    ),
    "staff.enrol": lambda web_app, world: (
        _half_logged_in(web_app, factories.staff(Role.COLLECTOR, second_factor=False)),
        "/staff/second-factor",
    ),
    "staff.set_password": lambda web_app, world: (
        web_app.test_client(),
        passwords.make_link(world["collector"], "invite").removeprefix("http://portal.test"),
    ),
}


def _speaking(client, language: str):
    with client.session_transaction() as session:
        session["lang"] = language
    return client


def variants(url: str, html: str) -> list[str]:
    """The page's links to itself with other query arguments (a queue's tabs, a timeline's
    filters, the next page of a list): each shows the page in another state."""
    path = url.split("?")[0]
    found = re.findall(rf'href="({re.escape(path)}\?[^"#]+)', html)
    return sorted({html_lib.unescape(link) for link in found} - {url})


def every_page(web_app, world, language: str) -> list[Page]:
    """Every page of the url_map, fetched by each role it is for, in `language`, and each of
    its variants (the same page with other query arguments it links to)."""
    clients = {}
    pages = []
    for rule in sorted(web_app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or skip_reason(web_app, rule):
            continue
        for role in roles_for(web_app.view_functions[rule.endpoint].access):
            if rule.endpoint in IN_STATE:
                client, url = IN_STATE[rule.endpoint](web_app, world)
                client = _speaking(client, language)
            else:
                if role not in clients:
                    clients[role] = _speaking(client_as(web_app, world, role), language)
                client, url = clients[role], url_for_rule(rule, world)
            response = client.get(url)
            page = Page(rule.rule, role, response.status_code, response.mimetype, response.text)
            pages.append(page)
            for variant in variants(url, page.html):
                answer = client.get(variant)
                name = f"{rule.rule}?{variant.split('?', 1)[1]}"
                pages.append(Page(name, role, answer.status_code, answer.mimetype, answer.text))
    return pages


def skipped_routes(web_app) -> dict[str, str]:
    """Each GET route not scanned, with the reason."""
    return {
        rule.rule: reason
        for rule in web_app.url_map.iter_rules()
        if "GET" in rule.methods and (reason := skip_reason(web_app, rule))
    }


def answers_to_empty_forms(web_app, world, language: str) -> list[Page]:
    """Each page whose form posts to itself, sent back empty (with its CSRF token): the
    answer shows the form's error messages. Run it last: an empty form may change data."""
    rules = [
        rule
        for rule in sorted(web_app.url_map.iter_rules(), key=lambda r: r.rule)
        if {"GET", "POST"} <= rule.methods and not skip_reason(web_app, rule)
    ]
    # Everyone logs in first: empty login forms count as failed attempts.
    roles = {role for r in rules for role in roles_for(web_app.view_functions[r.endpoint].access)}
    clients = {role: client_as(web_app, world, role) for role in sorted(roles)}
    ready = {e: maker(web_app, world) for e, maker in IN_STATE.items()}
    pages = []
    for rule in rules:
        for role in roles_for(web_app.view_functions[rule.endpoint].access):
            if rule.endpoint in ready:
                client, url = ready[rule.endpoint]
            else:
                client, url = clients[role], url_for_rule(rule, world)
            form = _speaking(client, language).get(url).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
            if token is None:
                continue
            answer = client.post(url, data={"csrf_token": token.group(1)})
            name = f"{rule.rule} sent empty"
            pages.append(Page(name, role, answer.status_code, answer.mimetype, answer.text))
    return pages


@pytest.fixture
def demo_app(app_factory):
    """The application as `make run` serves it: every page, the demo outbox too."""
    return app_factory(DEMO_OUTBOX=True)
