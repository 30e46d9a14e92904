"""The escalation file: its content read back with pypdf, and when it is refused."""

import datetime as dt
import io
import re
import uuid

import pytest
import time_machine
from pypdf import PdfReader

from portal.domain import schedule
from portal.domain.ledger import DebtorKind
from portal.domain.plan_states import Frequency
from portal.extensions import db
from portal.models import PlanProposal
from portal.services.disputes import debtor as disputes
from portal.services.escalation import file as escalation
from portal.services.payments import manual

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_the_file_holds_parties_claim_notices_payments_and_the_form(factories, app):
    factories.agency()
    debtor = factories.debtor(DebtorKind.PROFESSIONAL, language="en")
    case = factories.case(debtor_=debtor, lines=(100_000,), interest=2_500)
    staff = factories.staff()
    factories.recorded_message(case, template="reminder_first_notice", subject="Notice 1")
    manual.record(case.id, manual.ManualPayment("transfer", 10_000, NOW.date(), "VIR",
                                                uuid.uuid4().hex), staff.id)  # fmt: skip
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = text_of(escalation.escalation_pdf(case, staff.id))
    assert case.creditor.legal_name in text and debtor.company_name in text
    assert "Cerfa 12946" in text and "tribunal de commerce" in text
    assert "F-" in text and "1,000.00" in text and "25.00" in text
    assert "Notice 1" in text and "Q2026-000001" in text and "925.00" in text
    assert "Invoice F-" in text  # each line's basis and document


def test_the_file_lists_the_proposals_and_their_outcome(factories, app):
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    lines = schedule.build(60_000, NOW.date(), Frequency.MONTHLY, count=3)
    db.session.add(PlanProposal(case_id=case.id, proposed_by="debtor", count=3,
                                frequency=Frequency.MONTHLY, first_due_on=lines[0].due_on,
                                schedule=schedule.to_json(lines), total=60_000, currency="EUR",
                                status="rejected", policy_outcome="review"))  # fmt: skip
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = text_of(escalation.escalation_pdf(case, factories.staff().id))
    assert "Payment plan proposals" in text and "600.00" in text and "Not accepted" in text


def test_a_consumer_gets_the_civil_form(factories, app):
    case = factories.case(lines=(10_000,))
    july = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(july, tick=False), app.test_request_context():
        text = text_of(escalation.escalation_pdf(case, factories.staff().id))
    assert "Cerfa 12948" in text


@pytest.mark.parametrize("why", ["disputed", "time_barred", "closed", "nothing_owed"])
def test_refused_with_a_reason(factories, app, why):
    case = factories.case(lines=(10_000,), payments=(10_000,) if why == "nothing_owed" else ())
    if why == "disputed":
        disputes.open_dispute(case.id, "other", "No.", [])
    if why == "closed":
        case.status = "closed"
    at = NOW if why == "time_barred" else dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
    if why == "time_barred":  # a consumer debt due more than two years ago
        at = dt.datetime(2028, 6, 1, 9, tzinfo=dt.UTC)
    refusal = pytest.raises(escalation.EscalationRefused)
    with time_machine.travel(at, tick=False), app.test_request_context(), refusal as refused:
        escalation.escalation_pdf(case, factories.staff().id)
    assert refused.value.reason == why
