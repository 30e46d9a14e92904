"""Batch delivery: a batch is claimed by one run, each message marked sent once accepted; a
crash re-sends at most the one message in flight, and a server that is down loses nothing."""

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import update

from portal.models import Message, MessageStatus
from portal.models.base import utcnow
from portal.services.mail import delivery as mail_delivery
from portal.services.mail import outbox as mail


def pending(factories, count: int, body: str = "Bonjour {n}") -> list[Message]:
    case = factories.case()
    return [
        factories.recorded_message(
            case,
            status=MessageStatus.PENDING,
            recipient=f"debtor{n}@example.org",
            subject=f"Relance {n} — dossier",
            body_text=body.format(n=n),
            body_html=f"<p>{body.format(n=n)}</p>",
            headers={"List-Unsubscribe": "<http://portal.test/u/x>"},
        )
        for n in range(count)
    ]


def reload(db, messages) -> list[Message]:
    db.session.expire_all()
    return [db.session.get(Message, m.id) for m in messages]


def test_a_batch_is_claimed_sent_and_each_marked(smtp, factories, db):
    messages = pending(factories, 3)
    report = mail.deliver_locked([m.id for m in messages])
    assert sorted(report.sent) == [m.id for m in messages] and report.failed == {}
    assert sorted(m["To"] for m in smtp.messages) == [m.recipient for m in messages]
    received = smtp.messages[0]
    assert received["Subject"] == "Relance 0 — dossier"
    assert received["List-Unsubscribe"] == "<http://portal.test/u/x>"
    assert "Bonjour 0" in received.get_body(("html",)).get_content()
    for message in reload(db, messages):
        assert message.status == MessageStatus.SENT and message.attempts == 1
        assert message.sent_at is not None and message.claimed_at is not None
    assert mail.deliver_locked([m.id for m in messages]).sent == []  # nothing twice


def test_a_batch_claimed_by_a_live_run_is_left_alone_until_its_claim_expires(smtp, factories, db):
    [message] = pending(factories, 1)
    claimed = utcnow() - mail_delivery.CLAIM_LEASE + dt.timedelta(minutes=1)
    db.session.execute(update(Message).values(claimed_at=claimed))
    db.session.commit()
    assert mail.deliver_locked([message.id]).sent == []
    expired = utcnow() - mail_delivery.CLAIM_LEASE - dt.timedelta(minutes=1)
    db.session.execute(update(Message).values(claimed_at=expired))
    db.session.commit()
    assert mail.deliver_locked([message.id]).sent == [message.id]
    assert len(smtp.messages) == 1


class Crash(Exception):
    """The process dies."""


def test_a_crash_mid_batch_resends_only_the_message_in_flight(smtp, factories, db, app):
    messages = pending(factories, 5)
    ids = [m.id for m in messages]

    class CrashingSender(mail_delivery.Sender):
        def _mark_sent(self, marks, message_id):
            if message_id == ids[2]:  # the server accepted it; the mark never reaches the db
                raise Crash
            super()._mark_sent(marks, message_id)

    sender = CrashingSender(db.engine, mail_delivery.MailSettings.from_config(app.config))
    with pytest.raises(Crash):
        sender.deliver(ids)
    sender.close()  # what the dying process's kernel does
    statuses = [m.status for m in reload(db, messages)]
    assert statuses == [MessageStatus.SENT] * 2 + [MessageStatus.PENDING] * 3
    assert mail.deliver_pending().sent == []  # still claimed by the dead run
    expired = utcnow() - mail_delivery.CLAIM_LEASE - dt.timedelta(seconds=1)
    db.session.execute(update(Message).where(Message.id.in_(ids[2:])).values(claimed_at=expired))
    db.session.commit()
    assert sorted(mail.deliver_pending().sent) == ids[2:]
    received = Counter(m["To"] for m in smtp.messages)
    assert received == {m.recipient: 2 if m.id == ids[2] else 1 for m in messages}


def test_server_down_releases_the_claim_and_keeps_everything(smtp, factories, db, app):
    messages = pending(factories, 3)
    port = app.config["MAIL_PORT"]
    app.config.update(MAIL_PORT=9)  # nothing listens there
    try:
        report = mail.deliver_locked([m.id for m in messages])
    finally:
        app.config.update(MAIL_PORT=port)
    assert report.sent == [] and list(report.failed) == [messages[0].id]
    after = reload(db, messages)
    assert all(m.status == MessageStatus.PENDING and m.claimed_at is None for m in after)
    assert [m.attempts for m in after] == [1, 0, 0] and after[0].last_error
    assert sorted(mail.deliver_pending().sent) == [m.id for m in messages]
    assert len(smtp.messages) == 3


def test_a_refused_message_stays_pending_and_the_batch_goes_on(smtp, factories, db):
    messages = pending(factories, 2)
    smtp.refuse = True
    report = mail.deliver_locked([m.id for m in messages])
    assert report.sent == [] and sorted(report.failed) == [m.id for m in messages]
    after = reload(db, messages)
    assert all(m.status == MessageStatus.PENDING and m.claimed_at is None for m in after)
    assert all("451" in m.last_error for m in after)
    smtp.refuse = False
    assert len(mail.deliver_pending().sent) == 2
