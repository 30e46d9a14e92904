"""Two runs at once on PostgreSQL (two apps, two connection pools): each message goes once."""

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from sqlalchemy import func, select

from portal.models import Message, MessageStatus, ReminderContact
from portal.services.reminders import run as reminders

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris, a Tuesday


@pytest.mark.postgres
def test_two_concurrent_runs_send_each_message_once(smtp, factories, db, app_factory):
    factories.agency()
    cases = [factories.case() for _ in range(60)]
    settings = dict(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False)
    apps = [app_factory(**settings) for _ in range(2)]
    reports, errors = [], []
    barrier = threading.Barrier(2)

    def work(application):
        try:
            with application.app_context():
                barrier.wait()
                reports.append(reminders.Runner(at=AT, batch_size=7).run())
        except Exception as exc:  # surfaced below
            errors.append(exc)

    with time_machine.travel(AT, tick=True):
        threads = [threading.Thread(target=work, args=(a,)) for a in apps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert sum(r.emails for r in reports) == 60
    assert all(r.emails > 0 for r in reports), "both runs should have taken a share"
    received = Counter(m["To"] for m in smtp.messages)
    assert len(received) == 60 and set(received.values()) == {1}
    assert {c.debtor.email for c in cases} == set(received)
    assert db.session.scalar(select(func.count(ReminderContact.id))) == 60
    statuses = db.session.execute(select(Message.status)).scalars().all()
    assert set(statuses) == {MessageStatus.SENT}
