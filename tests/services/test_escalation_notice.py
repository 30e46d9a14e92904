"""The formal notice on demand and the move to escalation: a letter among the case's letters,
in the escalation file with its date; refused with the reason for a dispute, a possibly
time-barred debt, no notice or one still running; each audited."""

import datetime as dt
import io
import re

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import AuditEvent, Message
from portal.services.disputes import debtor as disputes
from portal.services.escalation import file as escalation
from portal.services.escalation import notice
from portal.services.reminders import letters

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(10_000,), debtor_=factories.debtor(language="en"))


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def actions_of(case):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id)).all()


def test_a_formal_notice_is_a_letter_in_the_file_with_its_date(case, factories, app):
    staff = factories.staff()
    letter = notice.send_formal_notice(case.id, staff.id)
    assert letter.channel == "letter" and letter.template == notice.TEMPLATE
    assert letter in letters.case_letters(case.id)
    assert "case.formal_notice" in actions_of(case)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        pdf = text_of(letters.letter_pdf(letter, case))
        assert "Formal notice to pay" in pdf and "100.00" in pdf
        file = text_of(escalation.escalation_pdf(case, staff.id))
    assert "Formal notice to pay" in file and "1 Dec 2026" in file


@pytest.mark.parametrize("why", ["disputed", "time_barred"])
def test_refused_for_a_dispute_or_a_possibly_time_barred_debt(case, factories, why):
    staff = factories.staff()
    if why == "disputed":
        disputes.open_dispute(case.id, "other", "No.", [])
    at = NOW if why == "disputed" else dt.datetime(2028, 6, 1, 9, tzinfo=dt.UTC)
    version = db.session.get(type(case), case.id).version
    with time_machine.travel(at, tick=False):
        for act in (notice.send_formal_notice, notice.escalate):
            with pytest.raises(escalation.EscalationRefused) as refused:
                act(case.id, staff.id)
            assert refused.value.reason == why
    db.session.expire_all()
    assert db.session.scalars(select(Message)).all() == []
    assert db.session.get(type(case), case.id).version == version  # nothing changed
    assert "case.formal_notice" not in actions_of(case)


def test_escalating_needs_a_notice_whose_time_has_run_out(case, factories):
    staff = factories.staff()
    with pytest.raises(escalation.EscalationRefused) as refused:
        notice.escalate(case.id, staff.id)
    assert refused.value.reason == "no_notice"
    notice.send_formal_notice(case.id, staff.id)
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        with pytest.raises(escalation.EscalationRefused) as refused:
            notice.escalate(case.id, staff.id)
        assert refused.value.reason == "notice_running"
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        escalated = notice.escalate(case.id, staff.id)
    assert escalated.status == CaseStatus.ESCALATED
    assert "case.escalated" in actions_of(case)
