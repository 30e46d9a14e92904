"""Every page of the portal and every e-mail it writes, in French, follows French typography
and has no English left: the GET routes of the url_map, each seen by the role it is for
(tests/every_page.py), and every template of templates/email/ sent by the service that sends it.
"""

from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Channel, Debtor, Dispute, DisputeMessage, Message, StaffUser
from tests import every_page as every_page_module
from tests.every_email import email_templates, send_every_email
from tests.every_page import (
    answers_to_empty_forms,
    every_page_in_every_state,
    other_states,
    skipped_routes,
)
from tests.french_support import email_problems, problems, visible_text
from tests.web import test_access

world = test_access.world  # the access test's fixture: a case of every kind, staff of every role
demo_app = every_page_module.demo_app  # the app with the demo outbox


def french_data() -> None:
    """What people typed in the access test's world, in French (their words are not scanned
    for typography, but an English word there would hide a forgotten translation)."""
    db.session.execute(update(StaffUser).values(name="Agent " + StaffUser.email))
    db.session.execute(update(DisputeMessage).values(body="Je conteste ce montant."))
    db.session.execute(update(Dispute).values(explanation="Le montant reste dû."))
    db.session.execute(update(Debtor).values(address_line1="3 rue de la Paix"))
    db.session.commit()


def test_every_page_in_french_follows_french_typography(demo_app, world):
    states = other_states(world)
    french_data()
    pages = every_page_in_every_state(demo_app, world, states, "fr")
    assert len(pages) >= 40
    found = []
    for page in pages:
        assert page.status == 200 and page.mimetype == "text/html", (page.name, page.status)
        assert 'lang="fr"' in page.html[:300], page.name
        found += [f"{page.name}: {p}" for p in problems(visible_text(page.html))]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_every_form_sent_empty_answers_in_french_typography(demo_app, world):
    french_data()
    pages = answers_to_empty_forms(demo_app, world, "fr")
    assert len(pages) >= 10
    found = []
    for page in pages:
        assert page.status < 500 and page.mimetype == "text/html", (page.name, page.status)
        found += [f"{page.name}: {p}" for p in problems(visible_text(page.html))]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_what_is_not_scanned_is_not_a_page(web_app):
    skipped = skipped_routes(web_app)
    assert "/case" not in skipped and "/staff/cases/<reference>" not in skipped
    assert all(reason for reason in skipped.values())


def test_every_email_in_french_follows_french_typography(factories):
    send_every_email(factories, "fr")
    rows = db.session.execute(select(Message).where(Message.channel == Channel.EMAIL)).scalars()
    emails = [m for m in rows if m.language == "fr"]
    assert {m.template for m in emails} == email_templates()
    found = []
    for m in emails:
        found += [f"{m.template} {p}" for p in email_problems(m.subject, m.body_text, m.body_html)]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)
