"""The mail service against a real local SMTP server."""

import pytest
from flask_babel import lazy_gettext
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy import func, select, update

from portal.models import Message, MessageStatus
from portal.models.base import utcnow
from portal.services.mail import outbox as mail

TEMPLATES = __import__("pathlib").Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture(autouse=True)
def probe_templates(app):
    """A test-only e-mail template, next to the real ones."""
    original = app.jinja_loader
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(str(TEMPLATES))])
    yield
    app.jinja_env.loader = original


def probe(case, key="probe:1"):
    return mail.send_email(
        key=key,
        case=case,
        template="probe",
        amount=12_345,
        link="http://portal.test/l/x",
        subject=lazy_gettext("Your case"),
    )


def test_sent_in_the_debtors_language_with_both_parts(smtp, factories, db):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en", email="alex@example.org"))
    message = probe(case)
    assert message.status == MessageStatus.SENT
    [received] = smtp.messages
    assert received["To"] == "alex@example.org"
    assert received["Subject"] == "Your case"
    assert received["Content-Language"] == "en"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Amount due: €123.45" in text and "http://portal.test/l/x" in text
    assert 'href="http://portal.test/l/x"' in html
    assert "carries out amicable debt recovery" in text


def test_french_debtor_gets_french(smtp, factories):
    case = factories.case(debtor_=factories.debtor(language="fr"))
    probe(case)
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "Montant dû: 123,45\xa0€" in text
    assert smtp.messages[0]["Subject"] == "Votre dossier"


def test_same_key_is_sent_once(smtp, factories, db):
    case = factories.case()
    probe(case)
    probe(case)
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(func.count(Message.id))) == 1


def test_smtp_down_then_up(smtp, factories, db):
    case = factories.case()
    smtp.refuse = True
    message = probe(case)
    assert message.status == MessageStatus.PENDING and message.attempts == 1
    assert "451" in message.last_error
    smtp.refuse = False
    report = mail.deliver_pending()
    assert report.sent == [message.id]
    assert len(smtp.messages) == 1
    assert mail.deliver_pending().sent == []  # nothing twice


def test_server_unreachable_keeps_the_message(app, factories, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_USE_TLS=False)
    try:
        message = probe(factories.case())
    finally:
        app.config.update(MAIL_SERVER="")
    assert message.status == MessageStatus.PENDING and message.last_error


def test_without_smtp_messages_are_recorded_for_staff(factories, db):
    message = probe(factories.case())
    assert message.status == MessageStatus.RECORDED
    assert mail.deliver_pending().sent == []


def test_no_email_address_no_message(factories):
    assert probe(factories.case(debtor_=factories.debtor(email=None))) is None


def test_a_message_another_run_claimed_is_not_sent_again(smtp, factories, db):
    """Every way of sending goes through the claim: a sweep never doubles a run's message."""
    case = factories.case()
    smtp.refuse = True
    message = probe(case)  # pending: the server refused it
    smtp.refuse = False
    # Another run (send-reminders, plans-tick) has just claimed it, by the app's clock, as runs
    # do: the database's own clock may differ (another machine; faketime fakes only Python's).
    db.session.execute(update(Message).where(Message.id == message.id).values(claimed_at=utcnow()))
    db.session.commit()
    assert mail.deliver([message]).sent == []
    assert mail.deliver_pending().sent == []
    assert smtp.messages == []
    assert message.status == MessageStatus.PENDING
