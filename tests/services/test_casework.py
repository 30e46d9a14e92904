"""The collector's actions: each changes what it says, writes its audit event, or changes
nothing with a named reason (state, bad input, a stale page)."""

import datetime as dt
import uuid

import pytest
import time_machine
from sqlalchemy import select

from portal.domain.casework import ActionNotAllowed
from portal.domain.ledger import EntryKind
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import AuditEvent, CaseNote, CaseReminder, LedgerEntry, Message, Payment
from portal.security import make_case_token
from portal.services.access import login
from portal.services.cases.locking import CaseChanged
from portal.services.casework import actions
from portal.services.casework.closing import CloseRefused
from portal.services.casework.money import MoneyChangeRefused, balance_of
from portal.services.payments import manual

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(10_000, 5_000), debtor_=factories.debtor(language="en"))


@pytest.fixture
def staff(factories):
    return factories.staff()


def last_audit(case_id):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id.desc())
    ).first()


def test_a_note_is_kept_with_its_author_and_audited(case, staff):
    note = actions.add_note(case.id, staff.id, "Called the debtor: will pay Friday.")
    assert db.session.get(CaseNote, note.id).staff_user_id == staff.id
    event = last_audit(case.id)
    assert (event.action, event.staff_user_id) == ("case.note_added", staff.id)
    with pytest.raises(actions.ActionRefused):
        actions.add_note(case.id, staff.id, "   ")


def test_a_manual_payment_gets_an_entry_a_receipt_and_its_e_mail(case, staff, smtp):
    given = manual.ManualPayment("cheque", 4_000, TODAY - dt.timedelta(days=2), "Chq 0012345",
                                 uuid.uuid4().hex)  # fmt: skip
    payment = manual.record(case.id, given, staff.id)
    assert (payment.provider, payment.method, payment.status) == ("manual", "cheque", "succeeded")
    assert payment.receipt.number == "Q2026-000001" and payment.receipt.balance_after == 11_000
    entry = db.session.get(LedgerEntry, payment.ledger_entry_id)
    assert (entry.kind, entry.amount, entry.occurred_on) == (
        EntryKind.PAYMENT, -4_000, TODAY - dt.timedelta(days=2))  # fmt: skip
    recorded = select(AuditEvent).where(AuditEvent.action == "payment.recorded_manually")
    assert db.session.scalars(recorded).one().staff_user_id == staff.id
    [sent] = smtp.messages
    assert "Q2026-000001" in sent["Subject"]


@pytest.mark.parametrize(
    ("amount", "on", "reason"),
    [
        (0, TODAY, "amount"),
        (-100, TODAY, "amount"),
        (1_000, TODAY + dt.timedelta(days=1), "future"),
        (1_000, TODAY - dt.timedelta(days=400), "too_old"),
    ],
)
def test_a_bad_manual_payment_changes_nothing(case, staff, amount, on, reason):
    with pytest.raises(manual.ManualPaymentRefused) as refused:
        manual.record(case.id, manual.ManualPayment("transfer", amount, on, "", "k"), staff.id)
    assert refused.value.reason == reason
    assert db.session.scalars(select(Payment)).all() == [] and balance_of(case.id) == 15_000


def test_the_same_form_sent_twice_records_one_payment(case, staff):
    given = manual.ManualPayment("cash", 1_000, TODAY, "", "same-key")
    manual.record(case.id, given, staff.id)
    with pytest.raises(manual.ManualPaymentRefused) as refused:
        manual.record(case.id, given, staff.id)
    assert refused.value.reason == "duplicate" and balance_of(case.id) == 14_000


def test_no_manual_payment_on_a_closed_case(case, staff):
    actions.close_case(case.id, staff.id, "cancelled")
    with pytest.raises(manual.ManualPaymentRefused) as refused:
        manual.record(case.id, manual.ManualPayment("cash", 1_000, TODAY, "", "k"), staff.id)
    assert refused.value.reason == "case_closed"


def test_write_off_never_beyond_the_balance_and_closes_at_zero(case, staff):
    with pytest.raises(MoneyChangeRefused) as refused:
        actions.write_off(case.id, staff.id, 15_001, "Goodwill")
    assert refused.value.reason == "beyond_balance" and balance_of(case.id) == 15_000
    actions.write_off(case.id, staff.id, 5_000, "Goodwill")
    assert balance_of(case.id) == 10_000 and last_audit(case.id).action == "case.written_off"
    actions.write_off(case.id, staff.id, None, "Debtor deceased")
    db.session.refresh(case)
    assert balance_of(case.id) == 0
    assert (case.status, case.close_reason) == (CaseStatus.CLOSED, "written_off")


def test_adjust_a_line_within_what_it_carries(case, staff):
    first = case.debt_lines[0]
    with pytest.raises(MoneyChangeRefused):
        actions.adjust_line(case.id, staff.id, first.id, 10_001, "Credit note")
    other = case.debt_lines[1]
    actions.adjust_line(case.id, staff.id, other.id, 1_500, "Credit note AV-12")
    assert balance_of(case.id) == 13_500
    assert last_audit(case.id).details["debt_line_id"] == other.id


@pytest.mark.parametrize(
    ("reason", "status", "balance"),
    [
        ("settled", CaseStatus.SETTLED, 0),
        ("written_off", CaseStatus.CLOSED, 0),
        ("cancelled", CaseStatus.CLOSED, 15_000),
    ],  # fmt: skip
)
def test_close_as(case, staff, reason, status, balance):
    actions.close_case(case.id, staff.id, reason)
    db.session.refresh(case)
    assert (case.status, case.close_reason, balance_of(case.id)) == (status, reason, balance)
    assert last_audit(case.id).action == "case.closed"


def test_close_as_paid_needs_nothing_owed_and_a_closed_case_refuses_decisions(case, staff):
    with pytest.raises(CloseRefused) as refused:
        actions.close_case(case.id, staff.id, "paid")
    assert refused.value.reason == "balance_left"
    actions.close_case(case.id, staff.id, "cancelled")
    for act in (
        lambda: actions.write_off(case.id, staff.id, 100, "x"),
        lambda: actions.close_case(case.id, staff.id, "cancelled"),
        lambda: actions.assign_to(case.id, staff.id),
        lambda: actions.pause_reminders(case.id, staff.id, TODAY + dt.timedelta(days=5), ""),
    ):
        with pytest.raises(ActionNotAllowed):
            act()
    actions.add_note(case.id, staff.id, "Closed: archived.")  # a note always goes in


def test_a_stale_page_changes_nothing(case, staff, factories):
    other = factories.staff()
    seen = case.version
    actions.assign_to(case.id, other.id, version=seen)
    with pytest.raises(CaseChanged):
        actions.write_off(case.id, staff.id, 1_000, "Goodwill", version=seen)
    db.session.refresh(case)
    assert balance_of(case.id) == 15_000 and case.assigned_collector_id == other.id


def test_contact_details_changed_are_audited_by_field_name(case, staff):
    given = actions.Contact("new@example.org", "+33 6 12 34 56 78", "2 rue Neuve", "",
                            "69002", "Lyon")  # fmt: skip
    changed = actions.edit_contact(case.id, staff.id, given)
    assert set(changed) >= {"email", "phone", "address_line1", "postcode", "city"}
    assert last_audit(case.id).details["fields"] == changed
    assert "new@example.org" not in str(last_audit(case.id).details)
    for bad, reason in [("not-an-address", "email")]:
        with pytest.raises(actions.ActionRefused) as refused:
            actions.edit_contact(case.id, staff.id, actions.Contact(bad, "", "x", "", "1", "y"))
        assert refused.value.reason == reason


def test_revoked_links_stop_working(case, staff):
    token_case, version = case.id, case.link_version
    actions.revoke_links(case.id, staff.id)
    with pytest.raises(login.LinkRevoked):
        login.link_case(token_case, version)
    assert make_case_token(case.id, case.link_version)  # a new link works again


def test_pause_until_a_date(case, staff):
    actions.pause_reminders(case.id, staff.id, TODAY + dt.timedelta(days=10), "Hospital")
    assert db.session.get(CaseReminder, case.id).paused_until == TODAY + dt.timedelta(days=10)
    assert db.session.scalars(select(Message)).all() == []
