"""The debtor asks to be called back and chooses how to be contacted; the collector sees it."""

import datetime as dt

import pytest
import time_machine

from portal.models import Role
from portal.services import callbacks
from tests.conftest import csrf_token
from tests.web.test_overview import log_in, text_of
from tests.web.test_staff import staff_login

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Paris


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(debtor_=factories.debtor(language="en", phone="06 11 22 33 44"))


def test_the_debtor_asks_for_a_call_back(client, case, factories):
    log_in(client, case)
    assert 'href="/case/contact"' in client.get("/case").text
    page = client.get("/case/contact")
    assert 'value="2026-12-01T12:00:00+01:00"' in page.text  # first slot: 2 hours ahead
    assert "2026-12-01T11:30" not in page.text
    sent = client.post("/case/contact/callback", data={
        "csrf_token": csrf_token(page.text), "slot": "2026-12-02T10:00:00+01:00",
        "phone": "06 11 22 33 44"})  # fmt: skip
    assert sent.status_code == 303
    assert "We will call you at 06 11 22 33 44" in text_of(client.get("/case/contact").text)
    client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    staff_login(client, factories.staff(Role.COLLECTOR).email)
    queue = text_of(client.get("/staff/cases/queue?tab=callbacks").text)
    assert case.display_reference in queue and "06 11 22 33 44" in queue


@pytest.mark.parametrize(
    ("slot", "phone", "message"),
    [
        ("2026-12-05T10:00:00+01:00", "0611223344", "Choose a working day."),
        ("2026-12-02T19:00:00+01:00", "0611223344", "between 9:00 and 18:00"),
        ("2026-12-01T10:30:00+01:00", "0611223344", "at least two hours from now"),
        ("not a date", "0611223344", "between 9:00 and 18:00"),
        ("2026-12-02T10:00:00+01:00", "call me", "Enter a phone number"),
    ],
)
def test_a_bad_slot_is_a_422_with_why(client, case, slot, phone, message):
    log_in(client, case)
    page = client.get("/case/contact")
    response = client.post("/case/contact/callback", data={
        "csrf_token": csrf_token(page.text), "slot": slot, "phone": phone})  # fmt: skip
    assert response.status_code == 422 and message in text_of(response.text)
    assert callbacks.open_request(case.id) is None


def test_the_debtor_chooses_letters(client, case):
    log_in(client, case)
    page = client.get("/case/contact")
    saved = client.post("/case/contact/channel", data={
        "csrf_token": csrf_token(page.text), "channel": "letter"})  # fmt: skip
    assert saved.status_code == 303 and callbacks.channel_of(case.debtor_id) == "letter"
    bad = client.post("/case/contact/channel", data={
        "csrf_token": csrf_token(page.text), "channel": "pigeon"})  # fmt: skip
    assert bad.status_code == 422 and callbacks.channel_of(case.debtor_id) == "letter"


def test_the_collector_marks_a_call_back_done(client, case, factories):
    request = callbacks.request_callback(case.id, dt.datetime.fromisoformat(
        "2026-12-02T10:00:00+01:00"), "0611223344")  # fmt: skip
    staff_login(client, factories.staff(Role.COLLECTOR).email)
    page = client.get("/staff/cases/queue?tab=callbacks")
    url = f"/staff/cases/{case.reference}/callbacks/{request.id}/done"
    assert client.post(url, data={"csrf_token": csrf_token(page.text)}).status_code == 303
    assert callbacks.open_request(case.id) is None
