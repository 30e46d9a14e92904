"""The job in forked worker processes (PostgreSQL), and marks that do not wait for the WAL."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from sqlalchemy import create_engine, event, func, select, text, update

from portal.models import Message, MessageStatus, ReminderContact
from portal.models.base import utcnow
from portal.services.mail import delivery as mail_delivery
from portal.services.mail import outbox as mail
from portal.services.reminders import workers as reminders_workers

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris, a Tuesday


@pytest.mark.postgres
def test_workers_send_each_due_message_once_and_report_the_sum(smtp, factories, db, app_factory):
    factories.agency()
    cases = [factories.case() for _ in range(40)]
    paid = [factories.case(lines=(1_000,), payments=(1_000,)) for _ in range(6)]  # stay due
    application = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False)
    progress, pids = [], []
    with application.app_context(), time_machine.travel(AT, tick=True):
        report = reminders_workers.run_in_processes(
            AT, 3, progress=progress.append, forked=pids.extend
        )
    assert len(pids) == 3 and sum(progress) == 46  # each case looked at once, by one worker
    assert report.emails == report.delivered == 40 and report.failed == 0
    assert report.skipped == {"nothing_owed": len(paid)}
    received = Counter(m["To"] for m in smtp.messages)
    assert set(received.values()) == {1} and set(received) == {c.debtor.email for c in cases}
    assert db.session.scalar(select(func.count(ReminderContact.id))) == 40
    assert set(db.session.execute(select(Message.status)).scalars()) == {MessageStatus.SENT}


@pytest.mark.postgres
def test_a_failing_worker_is_reported_and_its_messages_stay_pending(
    smtp, factories, db, app_factory, monkeypatch
):
    factories.case()
    application = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False)

    def crash(self, rows, claimed_at):
        raise RuntimeError("the worker dies before sending")

    monkeypatch.setattr(mail_delivery.Sender, "deliver_claimed", crash)
    with application.app_context(), pytest.raises(reminders_workers.WorkerFailed):
        reminders_workers.run_in_processes(AT, 2)
    monkeypatch.undo()
    assert db.session.execute(select(Message.status)).scalars().all() == [MessageStatus.PENDING]
    with application.app_context():
        assert mail.deliver_pending().sent == []  # recorded claimed by the run that died
        expired = utcnow() - mail_delivery.CLAIM_LEASE - dt.timedelta(seconds=1)
        db.session.execute(update(Message).values(claimed_at=expired))
        db.session.commit()
        assert len(mail.deliver_pending().sent) == 1  # once the claim expires, a run sends it
    assert len(smtp.messages) == 1


def test_workers_need_postgresql(app, db):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(ValueError, match="PostgreSQL"):
        reminders_workers.run_in_processes(AT, 2)


@pytest.mark.postgres
def test_marks_skip_the_wal_wait_and_the_connection_goes_back_as_it_came(smtp, factories, db, app):
    case = factories.case()
    messages = [
        factories.recorded_message(case, status=MessageStatus.PENDING, recipient=f"d{n}@ex.org")
        for n in range(2)
    ]
    engine = create_engine(db.engine.url, pool_size=2, max_overflow=0)
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    sender = mail_delivery.Sender(engine, mail_delivery.MailSettings.from_config(app.config))
    settings = []
    marked = sender._mark_sent

    def mark(marks, message_id):
        settings.append(marks.exec_driver_sql("SHOW synchronous_commit").scalar())
        marked(marks, message_id)

    sender._mark_sent = mark
    try:
        assert len(sender.deliver([m.id for m in messages]).sent) == 2
    finally:
        sender.close()
    assert settings == ["off", "off"]
    assert "RESET synchronous_commit" in seen
    with engine.connect() as one, engine.connect() as two:  # both pooled connections
        assert {c.execute(text("SHOW synchronous_commit")).scalar() for c in (one, two)} == {"on"}
    engine.dispose()
