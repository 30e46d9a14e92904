"""Sending again from the case page: a new link by e-mail (FR/EN, signed, expiring) and a copy
of the last letter; each audited, refused with a reason when there is nothing to send, and
out of a creditor user's reach."""

import datetime as dt
import re

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Channel, Message, Role
from portal.models.base import utcnow
from portal.services.casework import sending
from portal.services.casework.actions import ActionRefused
from portal.services.disputes import debtor as disputes
from portal.services.reminders import letters
from tests.conftest import csrf_token
from tests.web.test_casework_pages import act
from tests.web.test_overview import text_of
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def collector(client, factories):
    user = factories.staff(Role.COLLECTOR, name="Camille Martin")
    staff_login(client, user.email)
    return user


def a_case(factories, language="en", **debtor):
    factories.agency()
    return factories.case(lines=(10_000,), debtor_=factories.debtor(language=language, **debtor))


def audited(case, action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action)
    ).all()


@pytest.mark.parametrize(("language", "words"), [
    ("en", ("here is a new link", "works until 31 Dec 2026")),
    ("fr", ("voici un nouveau lien", "jusqu'au 31 déc. 2026")),
])  # fmt: skip
def test_the_link_e_mail_in_the_debtors_language_opens_the_case_until_it_expires(
    client, web_app, factories, collector, smtp, language, words
):
    case = a_case(factories, language)
    assert act(client, case, "resend-link", {"_prefix": "resendlink"}).status_code == 303
    [sent] = smtp.messages
    body = sent.get_body(("plain",)).get_content()
    for word in words:
        assert word in re.sub(r"\s+", " ", body)  # no-break spaces read as spaces
    link = re.search(r"https?://\S+/l/(\S+)", body)[1]
    debtor = web_app.test_client()
    assert debtor.get(f"/l/{link}").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        assert web_app.test_client().get(f"/l/{link}").status_code == 410
    [event] = audited(case, "case.link_resent")
    assert event.staff_user_id == collector.id


def test_no_link_e_mail_without_an_address(client, factories, collector):
    case = a_case(factories, email=None)
    response = act(client, case, "resend-link", {"_prefix": "resendlink"})
    assert response.status_code == 422
    assert "has no e-mail address" in text_of(response.text)
    assert audited(case, "case.link_resent") == []


def test_the_last_letter_is_copied_dated_today(client, factories, collector):
    case = a_case(factories)
    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False):
        facts = letters.LetterFacts("first_notice", "R-1", utcnow())
        letters.record_letter(key="l1", case=case, agency=None, language="en", facts=facts)
    with time_machine.travel(NOW - dt.timedelta(days=10), tick=False):
        facts = letters.LetterFacts("reminder", "R-2", utcnow())
        last = letters.record_letter(key="l2", case=case, agency=None, language="en", facts=facts)
        db.session.commit()
    assert act(client, case, "resend-letter", {"_prefix": "resendletter"}).status_code == 303
    copy = sending.last_letter(case.id)
    assert copy.id != last.id and copy.subject == last.subject
    assert copy.created_at == NOW and copy.headers["resent_of"] == last.id
    assert copy.channel == Channel.LETTER
    [event] = audited(case, "case.letter_resent")
    assert event.details["original_id"] == last.id
    page = client.get(f"/staff/cases/{case.reference}", headers=EN)
    assert "Last letter sent again" in text_of(page.text)


def test_no_letter_to_send_again(client, factories, collector):
    case = a_case(factories)
    response = act(client, case, "resend-letter", {"_prefix": "resendletter"})
    assert response.status_code == 422 and "No letter was sent" in text_of(response.text)
    with pytest.raises(ActionRefused):
        sending.resend_letter(case.id, collector.id)
    assert db.session.scalars(select(Message)).all() == []


def test_a_creditor_user_cannot_send_again(client, factories):
    case = a_case(factories)
    staff_login(client, factories.staff(Role.CREDITOR, creditor_=case.creditor).email)
    token = csrf_token(client.get("/staff/", follow_redirects=True).text)
    for path in ("resend-link", "resend-letter"):
        response = client.post(f"/staff/cases/{case.reference}/{path}", data={"csrf_token": token})
        assert response.status_code == 403
    assert db.session.scalars(select(Message)).all() == []


def test_formal_notice_then_escalate_from_the_case_page(client, factories, collector):
    case = a_case(factories)
    early = act(client, case, "escalate", {"_prefix": "escalate"})
    assert early.status_code == 409 and "Send a formal notice first" in text_of(early.text)
    assert act(client, case, "formal-notice", {"_prefix": "notice"}).status_code == 303
    [letter] = letters.case_letters(case.id)
    assert letter.template == "letter_formal_notice"
    running = act(client, case, "escalate", {"_prefix": "escalate"})
    assert running.status_code == 409 and "has not run out yet" in text_of(running.text)
    letter.created_at = NOW - dt.timedelta(days=9)  # as if posted nine days ago
    db.session.commit()
    assert act(client, case, "escalate", {"_prefix": "escalate"}).status_code == 303
    db.session.refresh(case)
    assert case.status == "escalated"


def test_no_formal_notice_for_a_disputed_case_and_none_by_a_creditor(
    client, web_app, factories, collector
):
    case = a_case(factories)
    disputes.open_dispute(case.id, "other", "No.", [])
    refused = act(client, case, "formal-notice", {"_prefix": "notice"})
    assert refused.status_code == 409 and "decide the dispute first" in text_of(refused.text)
    client = web_app.test_client()
    staff_login(client, factories.staff(Role.CREDITOR, creditor_=case.creditor).email)
    token = csrf_token(client.get("/staff/", follow_redirects=True).text)
    for path in ("formal-notice", "escalate"):
        response = client.post(f"/staff/cases/{case.reference}/{path}", data={"csrf_token": token})
        assert response.status_code == 403
    assert letters.case_letters(case.id) == []
