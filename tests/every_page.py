"""Every page of the portal, rendered: the GET routes of `app.url_map`, each fetched by the role
it is for (a debtor, a collector, a creditor user, an admin, or anyone), in a chosen language.

Routes are walked, not listed, so a new page is scanned as soon as it exists; the data comes
from the access test's world (tests/web/test_access.py), which every new route argument must
teach anyway. What is not a page (files, JSON, the health check) is skipped with its reason.
Each page is also fetched with the query arguments it links to (tabs, filters), with the case
in other states (other_states), and with its form sent back empty (answers_to_empty_forms).
"""

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from werkzeug.routing import Rule

from portal.domain import schedule
from portal.domain.plan_states import Frequency
from portal.extensions import db
from portal.models import CallbackRequest, PlanProposal, Role
from portal.models.base import utcnow
from portal.services.access import passwords
from portal.services.clock import today
from portal.services.disputes import debtor as disputes
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


def every_page(
    web_app, world, language: str, clients: dict | None = None, logged_in_only: bool = False
) -> list[Page]:
    """Every page of the url_map, fetched by each role it is for, in `language`, and each of
    its variants (the same page with other query arguments it links to). `clients` keeps the
    logged-in clients from one call to the next (logging in again and again is throttled);
    `logged_in_only` leaves out the pages anyone sees, the same whatever the data's state."""
    clients = {} if clients is None else clients
    pages = []
    for rule in sorted(web_app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or skip_reason(web_app, rule):
            continue
        access = web_app.view_functions[rule.endpoint].access
        if logged_in_only and access == "public":
            continue
        for role in roles_for(access):
            if rule.endpoint in IN_STATE:
                client, url = IN_STATE[rule.endpoint](web_app, world)
                client = _speaking(client, language)
            else:
                key = (role, world["case_a"].id if role == "debtor" else None, language)
                if key not in clients:
                    clients[key] = _speaking(client_as(web_app, world, role), language)
                client, url = clients[key], url_for_rule(rule, world)
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


def _waiting_proposal(case):
    """A plan proposal of the debtor's, outside the automatic limits: a collector decides."""
    first = today() + dt.timedelta(days=10)
    lines = [schedule.Line(d, a) for d, a in zip(
        schedule.due_dates(first, Frequency.MONTHLY, 2), (6_000, 6_345), strict=True)]  # fmt: skip
    proposal = PlanProposal(
        case_id=case.id, proposed_by="debtor", count=2, frequency=Frequency.MONTHLY,
        first_due_on=first, schedule=schedule.to_json(lines), total=12_345,
        currency=case.currency, status="pending", policy_outcome="review",
    )  # fmt: skip
    db.session.add(proposal)
    db.session.commit()
    return proposal


def every_page_in_every_state(web_app, world, states: dict, language: str) -> list[Page]:
    """Every page (as every_page), then the logged-in pages again with the case in each of
    `states` (from other_states); a page that sends the visitor elsewhere in a state is left
    out there."""
    clients: dict = {}
    pages = every_page(web_app, world, language, clients)
    for name, state in states.items():
        for page in every_page(web_app, state, language, clients, logged_in_only=True):
            if not 300 <= page.status < 400:
                page.rule = f"{page.rule} [{name}]"
                pages.append(page)
    return pages


def other_states(world) -> dict[str, dict]:
    """The access test's world with its case in other states, each as a world of its own: a
    plan proposal waiting for a collector, a dispute and a call-back waiting, a live plan, a
    payment being confirmed. Pages show other forms and texts in each."""
    creditor = world["case_a"].creditor

    def state(case, **values) -> dict:
        made = {
            "case_a": case,
            "message": factories.recorded_message(case, subject="Votre dossier"),
            "payment": factories.online_payment(case, status="processing"),
        }
        return world | made | values

    waiting = factories.case(creditor)
    proposal = _waiting_proposal(waiting)
    disputed = factories.case(creditor)
    upload = disputes.Upload("preuve.pdf", b"%PDF-1")
    dispute = disputes.open_dispute(disputed.id, "wrong_amount", "Le montant est faux.", [upload])
    callback = CallbackRequest(case_id=disputed.id, phone="0612345678", slot_at=utcnow())
    db.session.add(callback)
    db.session.commit()
    planned = factories.case(creditor)
    plan = factories.plan(planned)
    return {
        "a proposal waiting": state(waiting, plan=SimpleNamespace(id=0, proposal_id=proposal.id)),
        "a dispute waiting": state(disputed, dispute=dispute, callback=callback),
        "a live plan": state(planned, plan=plan),
    }
