"""Disputes: opened with proof checked by content, reminders and charges wait, decided once."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.disputes import MAX_FILE_BYTES
from portal.domain.ledger import EntryKind
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import AuditEvent, DisputeFile, LedgerEntry, Message, SavedPaymentMethod
from portal.services.cases.locking import CaseChanged
from portal.services.casework.money import MoneyChangeRefused, balance_of
from portal.services.disputes import debtor as disputes
from portal.services.disputes import decide
from portal.services.disputes.storage import store
from portal.services.payments import charges
from portal.services.plans import life
from portal.services.reminders import run as reminders

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Paris
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def actions(case_id):
    return list(
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
        ).scalars()
    )


def open_one(case, *files, reason="already_paid", message="I paid by transfer in May."):
    uploads = [disputes.Upload(name, data) for name, data in files]
    return disputes.open_dispute(case.id, reason, message, uploads, "203.0.113.9")


def test_a_dispute_with_a_pdf_proof_puts_the_case_in_dispute(factories, app):
    case = factories.case()
    dispute = open_one(case, ("virement.pdf", PDF), ("photo.PNG", PNG))
    db.session.refresh(case)
    assert case.status == CaseStatus.DISPUTED and dispute.status == "open"
    assert [f.content_type for f in dispute.files] == ["application/pdf", "image/png"]
    assert [f.filename for f in dispute.files] == ["virement.pdf", "photo.png"]
    kept = dispute.files[0]
    assert store().get(kept.storage_key) == PDF
    root = Path(app.instance_path) / "dispute_files"
    assert (root / kept.storage_key[:2] / kept.storage_key).exists()
    assert "static" not in str(root)
    assert "dispute.opened" in actions(case.id)


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ([("invoice.pdf", EXE)], "type"),  # a program named as a PDF
        ([("scan.jpg", b"GIF89a" + b"\x00" * 20)], "type"),
        ([("big.pdf", b"%PDF-" + b"\x00" * MAX_FILE_BYTES)], "size"),
        ([("empty.pdf", b"")], "empty"),
        ([(f"p{n}.pdf", PDF) for n in range(6)], "count"),
    ],
)
def test_a_refused_file_keeps_nothing(factories, files, reason):
    case = factories.case()
    with pytest.raises(disputes.DisputeRefused) as refused:
        open_one(case, *files)
    assert refused.value.reason == reason
    db.session.rollback()
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN
    assert db.session.scalar(select(func.count(DisputeFile.id))) == 0


def test_jpeg_is_taken_whatever_its_name(factories):
    dispute = open_one(factories.case(), ("IMG_0001.HEIC", JPEG))
    assert dispute.files[0].content_type == "image/jpeg"
    assert dispute.files[0].filename == "IMG_0001.jpg"


def test_a_reason_and_a_message_are_required(factories):
    case = factories.case()
    with pytest.raises(disputes.DisputeRefused) as refused:
        open_one(case, reason="because")
    assert refused.value.reason == "reason"
    with pytest.raises(disputes.DisputeRefused) as refused:
        open_one(case, message="   ")
    assert refused.value.reason == "message"


def test_the_debtor_adds_to_an_open_dispute_only(factories):
    case = factories.case()
    with pytest.raises(disputes.DisputeRefused):
        disputes.add_to_dispute(case.id, "hello", [])
    open_one(case, ("a.pdf", PDF))
    with pytest.raises(disputes.DisputeRefused) as refused:
        open_one(case)
    assert refused.value.reason == "already_open"
    disputes.add_to_dispute(case.id, "Here is the bank statement.", [disputes.Upload("b.pdf", PDF)])
    dispute = disputes.latest(case.id)
    assert [m.body for m in dispute.messages][-1] == "Here is the bank statement."
    assert len(dispute.files) == 2
    with pytest.raises(disputes.DisputeRefused) as refused:
        disputes.add_to_dispute(case.id, None, [disputes.Upload(f"{n}.pdf", PDF) for n in range(4)])
    assert refused.value.reason == "count"


def test_a_case_that_is_paid_cannot_be_disputed(factories):
    case = factories.case(status="paid")
    with pytest.raises(disputes.DisputeRefused) as refused:
        open_one(case)
    assert refused.value.reason == "case_state"


def reminder_emails(case_id):
    return db.session.scalar(
        select(func.count(Message.id)).where(
            Message.case_id == case_id, Message.template.like("reminder%")
        )
    )


def test_no_reminder_while_disputed_and_they_resume_after_a_rejection(factories, smtp):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    staff = factories.staff()
    dispute = open_one(case)
    reminders.Runner(at=NOW).run()
    assert reminder_emails(case.id) == 0
    decide.reject(dispute.id, staff.id, "Your bank shows the transfer went to another creditor.")
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN
    [sent] = [m for m in smtp.messages if "dispute" in m["Subject"].lower()]
    body = sent.get_body(("plain",)).get_content()
    assert "another creditor" in body and "reminders resume" in body
    assert sent.get_body(("html",)).get_content().count("another creditor") == 1
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        reminders.Runner(at=NOW + dt.timedelta(minutes=5)).run()
    assert reminder_emails(case.id) == 1
    assert actions(case.id)[-1] != "dispute.opened" and "dispute.rejected" in actions(case.id)


def test_the_decision_e_mail_is_in_french_for_a_french_debtor(factories, smtp):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="fr"))
    dispute = open_one(case)
    decide.reject(dispute.id, factories.staff().id, "Le virement ne nous est pas parvenu.")
    [sent] = smtp.messages
    body = sent.get_body(("plain",)).get_content()
    assert "Le virement ne nous est pas parvenu." in body and "Bonjour" in body
    assert "contestation" in sent["Subject"].lower()


def test_charges_and_plan_days_wait_while_disputed(factories):
    case = factories.case(lines=(30_000,))
    plan = factories.plan(case, first_due=dt.date(2026, 11, 1))
    method = SavedPaymentMethod(
        case_id=case.id, provider_customer_id="cus_1", provider_method_id="pm_1", kind="card",
        label="Visa",
    )  # fmt: skip
    db.session.add(method)
    db.session.commit()
    assert charges._due(NOW.date())  # due before the dispute
    open_one(case)
    db.session.refresh(case)
    assert case.status == CaseStatus.DISPUTED
    assert charges._due(NOW.date()) == []
    life.tick(NOW.date())
    db.session.refresh(plan)
    assert plan.status == "active" and {i.status for i in plan.instalments} == {"due"}
    dispute = disputes.latest(case.id)
    decide.reject(dispute.id, factories.staff().id, "Not upheld.")
    db.session.refresh(case)
    assert case.status == CaseStatus.IN_PLAN  # back to its plan


def test_uphold_reduces_a_line_never_beyond_it(factories):
    case = factories.case(lines=(10_000, 5_000))
    staff = factories.staff()
    dispute = open_one(case, reason="wrong_amount")
    second = case.debt_lines[1]
    with pytest.raises(MoneyChangeRefused) as refused:
        decide.uphold(dispute.id, staff.id, "Corrected.", close_case=False,
                      debt_line_id=second.id, amount=5_001)  # fmt: skip
    assert refused.value.reason == "beyond_line"
    db.session.refresh(case)
    assert case.status == CaseStatus.DISPUTED and balance_of(case.id) == 15_000
    decide.uphold(dispute.id, staff.id, "Invoice 2 was wrong by 20 €.", close_case=False,
                  debt_line_id=second.id, amount=2_000)  # fmt: skip
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN and balance_of(case.id) == 13_000
    entry = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
    assert (entry.kind, entry.amount) == (EntryKind.ADJUSTMENT, -2_000)
    assert entry.debt_line_id == second.id
    assert "dispute.upheld" in actions(case.id)


def test_uphold_and_close_cancels_what_is_left(factories):
    case = factories.case(lines=(10_000,))
    dispute = open_one(case, reason="not_my_debt")
    decide.uphold(dispute.id, factories.staff().id, "Identity theft confirmed.", close_case=True)
    db.session.refresh(case)
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, "cancelled")
    assert balance_of(case.id) == 0


def test_a_dispute_is_decided_once_and_a_stale_page_changes_nothing(factories):
    case = factories.case()
    staff = factories.staff()
    dispute = open_one(case)
    db.session.refresh(case)
    seen = case.version
    decide.reject(dispute.id, staff.id, "First decision.", version=seen)
    with pytest.raises(CaseChanged):
        decide.reject(dispute.id, staff.id, "Second decision.", version=seen)
    with pytest.raises(disputes.DisputeRefused) as refused:
        decide.uphold(dispute.id, staff.id, "Too late.", close_case=True)
    assert refused.value.reason == "not_open"
    db.session.refresh(dispute)
    assert dispute.explanation == "First decision."
