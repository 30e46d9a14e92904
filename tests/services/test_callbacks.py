"""Call-back requests (working days, 9-18 h in the debtor's zone, 2 hours ahead) and contact
preferences honoured by the reminder job."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain import callbacks as rules
from portal.extensions import db
from portal.models import CallbackRequest, Channel, Message
from portal.services import callbacks
from portal.services.casework import queue
from portal.services.reminders import run as reminders

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # Tuesday 10:00 in Paris


def paris(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        (paris(1, 12), None),  # two hours ahead exactly
        (paris(1, 11, 30), "too_soon"),
        (paris(2, 9), None),
        (paris(2, 17, 30), None),  # the last half hour before 18:00
        (paris(2, 18), "hours"),
        (paris(2, 8, 30), "hours"),
        (paris(2, 10, 15), "hours"),
        (paris(5, 10), "day"),  # Saturday
        (paris(25, 10), "day"),  # Christmas
        (paris(24, 10), "too_far"),
    ],
)
def test_slot_rules(slot, reason):
    if reason is None:
        rules.check_slot(slot, NOW, PARIS)
    else:
        with pytest.raises(rules.SlotRefused) as refused:
            rules.check_slot(slot, NOW, PARIS)
        assert refused.value.reason == reason


def test_offered_slots_all_pass_the_rules():
    offered = rules.slots(NOW, PARIS)
    assert offered[0] == paris(1, 12) and len({s.date() for s in offered}) == 7
    for slot in offered:
        rules.check_slot(slot, NOW, PARIS)


def test_an_overseas_debtor_is_called_in_their_own_hours():
    reunion = ZoneInfo("Indian/Reunion")  # UTC+4
    with pytest.raises(rules.SlotRefused):
        rules.check_slot(dt.datetime(2026, 12, 2, 8, 0, tzinfo=reunion), NOW, reunion)
    rules.check_slot(dt.datetime(2026, 12, 2, 9, 0, tzinfo=reunion), NOW, reunion)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_request_replaces_the_previous_one_and_shows_in_the_queue(factories):
    case = factories.case()
    callbacks.request_callback(case.id, paris(2, 10), "06 12 34 56 78")
    second = callbacks.request_callback(case.id, paris(3, 14), "06 12 34 56 78")
    assert callbacks.open_request(case.id).id == second.id
    assert queue.counts(queue.Filters())["callbacks"] == 1
    with pytest.raises(callbacks.CallbackRefused) as refused:
        callbacks.request_callback(case.id, paris(2, 10), "call me")
    assert refused.value.reason == "phone"
    callbacks.mark_done(second.id, case.id, factories.staff().id)
    assert queue.counts(queue.Filters())["callbacks"] == 0


def run_reminders():
    reminders.Runner(at=NOW).run()


def test_a_debtor_who_prefers_letters_gets_a_letter(factories):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    callbacks.set_channel(case, "letter")
    run_reminders()
    channels = db.session.scalars(select(Message.channel).where(Message.case_id == case.id))
    assert list(channels) == [Channel.LETTER]


def test_a_debtor_who_prefers_the_phone_gets_a_call_back_task(factories):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en", phone="0612345678"))
    callbacks.set_channel(case, "phone")
    run_reminders()
    assert db.session.scalar(select(func.count(Message.id)).where(Message.case_id == case.id)) == 0
    task = db.session.scalars(select(CallbackRequest)).one()
    assert (task.case_id, task.phone, task.status) == (case.id, "0612345678", "open")
    assert queue.counts(queue.Filters())["callbacks"] == 1


def test_the_phone_needs_a_number(factories):
    case = factories.case(debtor_=factories.debtor(phone=None))
    with pytest.raises(callbacks.CallbackRefused):
        callbacks.set_channel(case, "phone")
    callbacks.set_channel(case, "phone", phone="+33 6 12 34 56 78")
    assert callbacks.channel_of(case.debtor_id) == "phone" and case.debtor.phone
