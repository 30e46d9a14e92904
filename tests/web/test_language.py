"""Language: the debtor's choice first, then the browser."""

from sqlalchemy import select

from portal.models import Debtor
from tests.conftest import post_form


def test_browser_language_then_choice(client):
    assert 'lang="en"' in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "fr-FR"}).text
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "de"}).text  # default
    response = post_form(client, "/", {"lang": "en", "next": "/rights"}, post_url="/language")
    assert response.status_code == 303 and response.headers["Location"] == "/rights"
    page = client.get("/", headers={"Accept-Language": "fr"}).text
    assert 'lang="en"' in page and "Access your case" in page


def test_choice_is_kept_on_the_debtor_for_later_messages(client, factories, db):
    case = factories.case()
    post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    post_form(client, "/case", {"lang": "en", "next": "/case"}, post_url="/language")
    db.session.expire_all()
    assert db.session.execute(select(Debtor.language).filter_by(id=case.debtor_id)).scalar() == "en"


def test_debtor_record_language_applies_when_no_choice_was_made(client, factories):
    case = factories.case(debtor_=factories.debtor(language="en"))
    post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    assert "Amount due" in client.get("/case", headers={"Accept-Language": "fr"}).text


def test_next_cannot_leave_the_site(client):
    for target in ("https://evil.example/", "//evil.example", "/\\evil"):
        response = post_form(client, "/", {"lang": "fr", "next": target}, post_url="/language")
        assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    post_form(client, "/", {"lang": "xx", "next": "/"}, post_url="/language")
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "fr"}).text
