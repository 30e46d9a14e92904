"""The collector's actions from the case page: each works, bad input is a 4xx with a message
and changes nothing, a stale page is a 409, a creditor user cannot act."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import CaseNote, CaseReminder, Payment, Role
from portal.services.casework.money import balance_of
from portal.services.disputes import debtor as disputes
from tests.conftest import csrf_token
from tests.web.test_overview import text_of
from tests.web.test_sessions import debtor_in
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(10_000, 5_000), debtor_=factories.debtor(language="en"))


@pytest.fixture
def collector(client, factories):
    user = factories.staff(Role.COLLECTOR, name="Camille Martin")
    staff_login(client, user.email)
    return user


def act(client, case, path, data, version=None):
    """POST an action's form as the case page shows it (its CSRF token and the case version)."""
    page = client.get(f"/staff/cases/{case.reference}", headers=EN)
    prefix = data.pop("_prefix")
    db.session.refresh(case)
    payload = {"csrf_token": csrf_token(page.text),
               f"{prefix}-version": str(case.version if version is None else version)}  # fmt: skip
    payload.update({f"{prefix}-{k}": v for k, v in data.items()})
    return client.post(f"/staff/cases/{case.reference}/{path}", data=payload, headers=EN)


def test_the_case_page_offers_every_action(client, case, collector):
    page = text_of(client.get(f"/staff/cases/{case.reference}", headers=EN).text)
    for label in ("Add a note", "Record a payment received outside the portal", "Write off",
                  "Adjust a debt line", "Edit the debtor's contact details",
                  "Revoke every link of the case", "Close the case", "Assign to me"):  # fmt: skip
        assert label in page


def test_note_payment_adjust_write_off_assign(client, case, collector):
    assert act(client, case, "notes", {"_prefix": "note", "body": "Called."}).status_code == 303
    assert db.session.scalars(select(CaseNote.body)).all() == ["Called."]
    sent = act(client, case, "payments", {"_prefix": "payment", "method": "transfer",
               "received_on": "2026-11-30", "amount": "20,00", "payer_reference": "VIR DUPONT",
               "key": "k1"})  # fmt: skip
    assert sent.status_code == 303
    payment = db.session.scalars(select(Payment)).one()
    assert (payment.amount, payment.payer_reference) == (2_000, "VIR DUPONT")
    page = client.get(f"/staff/cases/{case.reference}", headers=EN).text
    assert payment.receipt.number in page
    line = case.debt_lines[1]
    adjusted = act(client, case, "adjust", {"_prefix": "adjust", "line": str(line.id),
                   "amount": "10", "reason": "Credit note"})  # fmt: skip
    assert adjusted.status_code == 303 and balance_of(case.id) == 12_000
    written = act(client, case, "write-off", {"_prefix": "writeoff", "amount": "20",
                  "reason": "Goodwill"})  # fmt: skip
    assert written.status_code == 303 and balance_of(case.id) == 10_000
    assert act(client, case, "assign", {"_prefix": "assign"}).status_code == 303
    db.session.refresh(case)
    assert case.assigned_collector_id == collector.id


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        (
            "payments",
            {
                "_prefix": "payment",
                "method": "cash",
                "received_on": "2026-12-01",
                "amount": "0",
                "key": "k",
            },
            "Enter an amount above zero",
        ),
        (
            "payments",
            {
                "_prefix": "payment",
                "method": "cash",
                "received_on": "2026-12-09",
                "amount": "10",
                "key": "k",
            },
            "cannot be dated in the future",
        ),
        (
            "write-off",
            {"_prefix": "writeoff", "amount": "150,01", "reason": "x"},
            "more than the balance",
        ),
        ("notes", {"_prefix": "note", "body": ""}, "Please correct the fields marked below."),
        ("close", {"_prefix": "close", "reason": "paid"}, "cannot be closed as paid"),
        (
            "contact",
            {
                "_prefix": "contact",
                "email": "nope",
                "address_line1": "1 rue",
                "postcode": "75001",
                "city": "Paris",
            },
            "valid e-mail",
        ),
    ],  # fmt: skip
)
def test_bad_input_is_a_4xx_with_a_message_and_changes_nothing(
    client, case, collector, path, data, message
):
    response = act(client, case, path, data)
    assert response.status_code == 422
    assert message in text_of(response.text)
    db.session.refresh(case)
    assert balance_of(case.id) == 15_000 and case.status == CaseStatus.OPEN
    assert db.session.scalars(select(Payment)).all() == []


def test_two_collectors_at_once_the_second_is_told_and_changes_nothing(client, case, collector):
    seen = case.version
    assert act(client, case, "assign", {"_prefix": "assign"}, version=seen).status_code == 303
    late = act(client, case, "write-off", {"_prefix": "writeoff", "amount": "10",
               "reason": "Goodwill"}, version=seen)  # fmt: skip
    assert late.status_code == 409
    assert "Someone else changed this case meanwhile" in text_of(late.text)
    assert balance_of(case.id) == 15_000


def test_a_decision_on_a_closed_case_is_409(client, case, collector):
    assert (
        act(client, case, "close", {"_prefix": "close", "reason": "cancelled"}).status_code == 303
    )
    response = act(client, case, "write-off", {"_prefix": "writeoff", "amount": "1",
                   "reason": "x"})  # fmt: skip
    assert response.status_code == 409 and "Not possible on a case that is closed" in text_of(
        response.text
    )


def test_a_creditor_user_cannot_act(client, case, factories):
    user = factories.staff(Role.CREDITOR, creditor_=case.creditor)
    staff_login(client, user.email)
    token = csrf_token(client.get("/staff/", follow_redirects=True).text)
    for path in ("notes", "payments", "write-off", "adjust", "close", "contact",
                 "revoke-links", "assign"):  # fmt: skip
        response = client.post(f"/staff/cases/{case.reference}/{path}", data={"csrf_token": token})
        assert response.status_code == 403, path
    assert balance_of(case.id) == 15_000


def test_a_pause_moves_the_next_step_shown_to_its_end(client, case, collector):
    db.session.add(CaseReminder(case_id=case.id, position=1, time_bar="none",
                                next_due_at=NOW + dt.timedelta(days=2)))  # fmt: skip
    db.session.commit()
    page = client.get(f"/staff/cases/{case.reference}", headers=EN)
    assert "3 Dec 2026" in text_of(page.text)
    until = (NOW + dt.timedelta(days=20)).date().isoformat()
    client.post(f"/staff/cases/{case.reference}/reminders/pause",
                data={"csrf_token": csrf_token(page.text), "until": until})  # fmt: skip
    shown = text_of(client.get(f"/staff/cases/{case.reference}", headers=EN).text)
    assert "Next step due 21 Dec 2026" in shown and "3 Dec 2026" not in shown


def test_the_escalation_file_is_a_download_and_refused_for_a_dispute(client, case, collector):
    response = client.get(f"/staff/cases/{case.reference}/escalation.pdf", headers=EN)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    disputes.open_dispute(case.id, "other", "No.", [])
    refused = client.get(f"/staff/cases/{case.reference}/escalation.pdf", headers=EN)
    assert refused.status_code == 409 and "decide the dispute first" in text_of(refused.text)


def test_revoking_every_link_from_the_case_page_ends_the_debtor_sessions(
    web_app, client, case, collector
):
    debtor = web_app.test_client()
    assert debtor_in(debtor, case) and debtor.get("/case").status_code == 200
    assert act(client, case, "revoke-links", {"_prefix": "revoke"}).status_code == 303
    assert debtor.get("/case").status_code == 302  # back to the login page
    assert debtor_in(debtor, case) and debtor.get("/case").status_code == 200  # a new login works
