"""The debtor's case page body is reused while its data is the same, and never shown stale.

Writes go through every path the portal has (ORM, Core statements, another app instance) and
the next page view must show them; forms in a reused body carry the session's own CSRF token.
"""

import datetime as dt

import pytest
import time_machine
from jinja2 import DictLoader
from sqlalchemy import update

from portal.domain.ledger import EntryKind
from portal.extensions import db as _db
from portal.fragments import CSRF_PLACEHOLDER, FragmentCache, FragmentReadError, render_fragment
from portal.models import Agency, Case, Creditor, Instalment, Plan
from portal.services.cases.ledger import add_entry
from tests.conftest import csrf_token, post_form
from tests.web.test_overview import log_in, text_of
from tests.web.test_plan_pages import review_proposal


def cache_of(web_app) -> FragmentCache:
    return web_app.extensions["fragments"]


@pytest.fixture
def cache(web_app):
    fragments = cache_of(web_app)
    fragments.clear()
    return fragments


def test_second_view_reuses_the_body_and_shows_the_same_page(client, factories, cache):
    case = factories.case(lines=(10_000,))
    log_in(client, case)
    first = client.get("/case").text
    hits = cache.hits
    second = client.get("/case").text
    assert cache.hits == hits + 1
    assert text_of(second) == text_of(first)
    assert "Amount due €100.00" in text_of(second)


def test_a_ledger_entry_shows_at_once(client, factories, db, cache):
    case = factories.case(lines=(10_000,))
    log_in(client, case)
    client.get("/case")
    add_entry(case, EntryKind.PAYMENT, -2_500, occurred_on=dt.date(2026, 6, 2))
    db.session.commit()
    assert "Amount due €75.00" in text_of(client.get("/case").text)


def test_a_core_update_from_outside_the_orm_shows_at_once(client, factories, db, cache):
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


def test_a_change_made_by_another_app_instance_shows(client, factories, app_factory, cache):
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


def test_a_page_found_from_plain_rows_still_shows_a_core_update_at_once(client, factories, cache):
    """Pages of cases with no plan and no online payment are found from plain rows."""
    case = factories.case(lines=(30_000,), debtor_=factories.debtor(language="en"))
    log_in(client, case, lang=None)
    assert "Créancier" in text_of(client.get("/case").text)
    hits = cache.hits
    client.get("/case")
    assert cache.hits == hits + 1  # found without loading objects
    rename(case.creditor_id, "Nouveau Nom SA")
    assert "Nouveau Nom SA" in text_of(client.get("/case").text)


def test_a_change_between_the_two_reads_is_never_kept_under_the_older_rows(
    client, factories, cache, monkeypatch
):
    """The page is rendered from objects read after the plain rows: if something changed in
    between, that rendering must not be found again with the older rows."""
    from portal.debtor import routes

    case = factories.case(lines=(30_000,), debtor_=factories.debtor(language="en"))
    name = case.creditor.legal_name
    log_in(client, case, lang=None)
    original = routes.load_case_page

    def with_a_write_in_between(case_id, plain):
        rename(case.creditor_id, "Nouveau Nom SA")  # another request, meanwhile
        return original(case_id, plain)

    monkeypatch.setattr(routes, "load_case_page", with_a_write_in_between)
    assert "Nouveau Nom SA" in text_of(client.get("/case").text)  # from the newer objects
    monkeypatch.setattr(routes, "load_case_page", original)
    rename(case.creditor_id, name)  # back to what the first view's plain rows held
    page = text_of(client.get("/case").text)
    assert name in page and "Nouveau Nom SA" not in page


def rename(creditor_id: int, legal_name: str) -> None:
    with _db.engine.begin() as conn:  # a Core UPDATE on a connection of its own
        conn.execute(
            update(Creditor).where(Creditor.id == creditor_id).values(legal_name=legal_name)
        )


def test_each_language_gets_its_own_body(client, factories, cache):
    case = factories.case(lines=(10_000,))
    log_in(client, case, lang="fr")
    assert "Montant dû" in client.get("/case").text
    post_form(client, "/case", {"lang": "en", "next": "/case"}, post_url="/language")
    page = client.get("/case").text
    assert "Amount due" in page and "Montant dû" not in page


def test_forms_in_a_reused_body_carry_each_sessions_own_token(web_app, factories, cache):
    """Two sessions of one case share the body, never a token; the reused form still posts."""
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    first, second = web_app.test_client(), web_app.test_client()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        proposal = review_proposal(first, case)
        log_in(second, case)
        first.get("/case")
        hits = cache.hits
        page_one, page_two = first.get("/case").text, second.get("/case").text
        assert cache.hits == hits + 2
        assert CSRF_PLACEHOLDER not in page_one + page_two
        withdraw = f'action="/case/plan/{proposal.id}/withdraw"'
        assert withdraw in page_one and withdraw in page_two
        token_one, token_two = form_token(page_one, withdraw), form_token(page_two, withdraw)
        assert token_one != token_two
        refused = second.post(f"/case/plan/{proposal.id}/withdraw", data={"csrf_token": token_one})
        assert refused.status_code == 400  # the other session's token
        done = second.post(f"/case/plan/{proposal.id}/withdraw", data={"csrf_token": token_two})
        assert done.status_code == 303
        assert "Withdrawn" in text_of(second.get("/case").text)


def test_a_new_session_gets_a_new_token_and_the_old_one_is_refused(client, factories, cache):
    """Tokens are signed once per session: logging in again starts over."""
    case = factories.case(lines=(10_000,), debtor_=factories.debtor(language="en"))
    log_in(client, case, lang=None)
    before = csrf_token(client.get("/case").text)
    assert csrf_token(client.get("/case").text) == before  # the same session, the same token
    assert client.post("/logout", data={"csrf_token": before}).status_code == 303
    log_in(client, case, lang=None)
    after = csrf_token(client.get("/case").text)
    assert after != before
    language = {"lang": "fr", "next": "/case"}
    assert client.post("/language", data={**language, "csrf_token": before}).status_code == 400
    assert client.post("/language", data={**language, "csrf_token": after}).status_code == 303


def form_token(html: str, action: str) -> str:
    return csrf_token(html[html.index(action) :])


def test_a_fragment_that_reads_while_rendering_fails_when_strict_and_is_never_kept(
    web_app, factories, cache
):
    case = factories.case(lines=(10_000,))
    loader = web_app.jinja_env.loader
    web_app.jinja_env.loader = DictLoader({"impure.html": "{{ read() }}"})
    try:
        with web_app.test_request_context("/case"):
            from portal.extensions import db as web_db

            def read():
                return web_db.session.get(Case, case.id).reference

            with pytest.raises(FragmentReadError):
                render_fragment("impure.html", read=read)
            web_app.config["FRAGMENTS_STRICT"] = False
            web_db.session.expunge_all()
            assert render_fragment("impure.html", read=read) == case.reference
            web_db.session.expunge_all()
            assert render_fragment("impure.html", read=read) == case.reference
            assert cache.hits == 0
    finally:
        web_app.config["FRAGMENTS_STRICT"] = True
        web_app.jinja_env.loader = loader
        web_app.jinja_env.cache.clear()


def test_a_flashed_message_shows_once_and_is_never_kept(web_app, factories, cache):
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    client = web_app.test_client()
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        proposal = review_proposal(client, case)
        client.get("/case")  # the page, kept
        client.post(
            f"/case/plan/{proposal.id}/withdraw",
            data={"csrf_token": csrf_token(client.get("/case").text)},
        )
        assert "Your proposal is withdrawn." in client.get("/case").text
        assert "Your proposal is withdrawn." not in client.get("/case").text
