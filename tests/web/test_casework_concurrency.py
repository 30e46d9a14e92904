"""Two collectors acting on the same case at the same moment (PostgreSQL, row locks): one
wins, the other is told in a 4xx and changes nothing; the case stays consistent."""

import datetime as dt
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import AuditEvent, Case, LedgerEntry, Role
from portal.services.casework.money import balance_of
from tests.conftest import csrf_token
from tests.web.test_overview import text_of
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def collector_client(web_app, factories, name):
    user = factories.staff(Role.COLLECTOR, name=name)
    client = web_app.test_client()
    assert staff_login(client, user.email).status_code in (302, 303)
    return client


def at_once(requests):
    """Send each request from its own thread, released together; their responses."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def send(i, request):
        barrier.wait()
        answers[i] = request()

    threads = [threading.Thread(target=send, args=(i, r)) for i, r in enumerate(requests)]
    with time_machine.travel(NOW, tick=True):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return answers


def form_of(client, case, prefix, fields):
    page = client.get(f"/staff/cases/{case.reference}", headers=EN)
    data = {"csrf_token": csrf_token(page.text), f"{prefix}-version": str(case.version)}
    data.update({f"{prefix}-{k}": v for k, v in fields.items()})
    return data


@pytest.mark.postgres
@pytest.mark.parametrize("second", ["write-off", "close"])
def test_two_collectors_at_once_one_wins_the_other_is_told(web_app, factories, second):
    with time_machine.travel(NOW, tick=False):
        factories.agency()
        case = factories.case(lines=(10_000, 5_000))
        first_client = collector_client(web_app, factories, "Camille Martin")
        other_client = collector_client(web_app, factories, "Alex Durand")
        first = form_of(first_client, case, "writeoff", {"reason": "Goodwill"})  # all of it
        other = (
            form_of(other_client, case, "writeoff", {"amount": "10", "reason": "Gesture"})
            if second == "write-off"
            else form_of(other_client, case, "close", {"reason": "cancelled"})
        )
    path = "write-off" if second == "write-off" else "close"
    answers = at_once([
        lambda: first_client.post(f"/staff/cases/{case.reference}/write-off", data=first,
                                  headers=EN),
        lambda: other_client.post(f"/staff/cases/{case.reference}/{path}", data=other,
                                  headers=EN),
    ])  # fmt: skip
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert "Someone else changed this case meanwhile" in text_of(loser.text)
    db.session.expire_all()
    written_off = db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.case_id == case.id, LedgerEntry.amount < 0)
    )  # fmt: skip
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == case.id,
                                        AuditEvent.action.like("case.%"))
    ).all()  # fmt: skip
    status = db.session.get(Case, case.id).status
    if answers[0].status_code == 303:  # the whole write-off won: the case is written off
        assert balance_of(case.id) == 0 and written_off == 1
        assert "case.written_off" in events and status == CaseStatus.CLOSED
    elif second == "write-off":  # the other, partial write-off won: only its 10 are gone
        assert balance_of(case.id) == 14_000 and written_off == 1
        assert events.count("case.written_off") == 1 and status == CaseStatus.OPEN
    else:  # the close won: nothing written off
        assert balance_of(case.id) == 15_000 and written_off == 0
        assert "case.written_off" not in events and status == CaseStatus.CLOSED
