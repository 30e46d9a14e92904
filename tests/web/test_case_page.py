"""The debtor's case page is never stale, and its forms carry the session's own CSRF token.

Writes go through every path the portal has (ORM, Core statements, another app instance) and
the next page view must show them.
"""

import datetime as dt

import pytest
import time_machine
from flask import g, render_template, session
from sqlalchemy import update

from portal.debtor.routes import CASE_PAGE
from portal.domain.ledger import EntryKind
from portal.models import Agency, Case, Instalment, Plan
from portal.services.cases.ledger import add_entry
from portal.services.cases.page import load_case_page
from portal.templating import render_page
from tests.conftest import csrf_token, post_form
from tests.web.test_overview import log_in, text_of
from tests.web.test_plan_pages import review_proposal


def test_a_ledger_entry_shows_at_once(client, factories, db):
    case = factories.case(lines=(10_000,))
    log_in(client, case)
    client.get("/case")
    add_entry(case, EntryKind.PAYMENT, -2_500, occurred_on=dt.date(2026, 6, 2))
    db.session.commit()
    assert "Amount due €75.00" in text_of(client.get("/case").text)


def test_a_core_update_from_outside_the_orm_shows_at_once(client, factories, db):
    """A conditional UPDATE (as the plan jobs write) bypasses ORM events: the page still sees it."""
    case = factories.case(lines=(30_000,))
    factories.plan(case)
    log_in(client, case)
    assert "Active" in text_of(client.get("/case").text)
    plan_id = db.session.query(Plan.id).filter_by(case_id=case.id).scalar()
    with db.engine.begin() as conn:
        conn.execute(update(Plan).where(Plan.id == plan_id).values(status="at_risk"))
        conn.execute(
            update(Instalment).where(Instalment.plan_id == plan_id, Instalment.sequence == 1)
            .values(status="overdue")
        )  # fmt: skip
    page = text_of(client.get("/case").text)
    assert "At risk" in page and "A payment is missing" in page


def test_a_change_made_by_another_app_instance_shows(client, factories, app_factory):
    case = factories.case(lines=(10_000,))
    factories.agency(legal_name="Recouvrement Ancien SAS")
    log_in(client, case)
    assert "Recouvrement Ancien SAS" in client.get("/case").text
    other = app_factory()
    with other.app_context():
        from portal.extensions import db as other_db

        other_db.session.execute(update(Agency).values(legal_name="Recouvrement Nouveau SAS"))
        other_db.session.execute(update(Case).where(Case.id == case.id).values(status="disputed"))
        other_db.session.commit()
    page = text_of(client.get("/case").text)
    assert "Recouvrement Nouveau SAS" in page and "Recouvrement Ancien SAS" not in page
    assert "Disputed" in page


def test_each_language_gets_its_own_page(client, factories):
    case = factories.case(lines=(10_000,))
    log_in(client, case, lang="fr")
    assert "Montant dû" in client.get("/case").text
    post_form(client, "/case", {"lang": "en", "next": "/case"}, post_url="/language")
    page = client.get("/case").text
    assert "Amount due" in page and "Montant dû" not in page


def test_forms_carry_each_sessions_own_token(web_app, factories):
    """Two sessions of one case show the same page with their own tokens; each form posts."""
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    first, second = web_app.test_client(), web_app.test_client()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        proposal = review_proposal(first, case)
        log_in(second, case)
        first.get("/case")
        page_one, page_two = first.get("/case").text, second.get("/case").text
        withdraw = f'action="/case/plan/{proposal.id}/withdraw"'
        assert withdraw in page_one and withdraw in page_two
        token_one, token_two = form_token(page_one, withdraw), form_token(page_two, withdraw)
        assert token_one != token_two
        refused = second.post(f"/case/plan/{proposal.id}/withdraw", data={"csrf_token": token_one})
        assert refused.status_code == 400  # the other session's token
        done = second.post(f"/case/plan/{proposal.id}/withdraw", data={"csrf_token": token_two})
        assert done.status_code == 303
        assert "Withdrawn" in text_of(second.get("/case").text)


def test_a_new_session_gets_a_new_token_and_the_old_one_is_refused(client, factories):
    """Logging in again starts a new session, whose token is not the old one."""
    case = factories.case(lines=(10_000,), debtor_=factories.debtor(language="en"))
    log_in(client, case, lang=None)
    before = csrf_token(client.get("/case").text)
    assert client.post("/logout", data={"csrf_token": before}).status_code == 303
    log_in(client, case, lang=None)
    after = csrf_token(client.get("/case").text)
    assert after != before
    language = {"lang": "fr", "next": "/case"}
    assert client.post("/language", data={**language, "csrf_token": before}).status_code == 400
    assert client.post("/language", data={**language, "csrf_token": after}).status_code == 303


def form_token(html: str, action: str) -> str:
    return csrf_token(html[html.index(action) :])


def test_a_flashed_message_shows_once(web_app, factories):
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    client = web_app.test_client()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        proposal = review_proposal(client, case)
        client.get("/case")
        client.post(
            f"/case/plan/{proposal.id}/withdraw",
            data={"csrf_token": csrf_token(client.get("/case").text)},
        )
        assert "Your proposal is withdrawn." in client.get("/case").text
        assert "Your proposal is withdrawn." not in client.get("/case").text


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", ["simple", "plan and online payments"])
def test_the_page_is_what_flasks_render_template_writes(web_app, factories, language, kind):
    """The page is rendered in an environment of its language (templates translated as they
    are compiled, labels translated once, money formatted without Babel per amount): byte for
    byte what render_template writes."""
    factories.agency()
    case = factories.case(
        lines=(12_345, 678_901, 99), interest=10, payments=(1_234,), debtor_=factories.debtor()
    )
    if kind != "simple":
        factories.plan(case)
        factories.online_payment(case, 30_000)
    with web_app.test_request_context("/case"):
        session["debtor_case"] = case.id
        g.preferred_language = language
        page = load_case_page(case.id)
        context = {
            "o": page.overview,
            "ps": page.plans,
            "online": page.payments,
            "method": page.method,
            "payments_enabled": True,
            "form_nonce": lambda: "one-nonce",  # fresh at each render otherwise
        }
        assert render_page(CASE_PAGE, **context) == render_template(CASE_PAGE, **context)
        assert ("Montant dû" if language == "fr" else "Amount due") in render_page(
            CASE_PAGE, **context
        )
