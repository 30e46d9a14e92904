"""Sending to a server that advertises PIPELINING: two round trips a message, same outcomes."""

import smtplib

import pytest

from portal.models import Message, MessageStatus
from portal.services.mail import outbox as mail
from portal.services.mail import smtp as mail_smtp
from tests.services.test_mail_delivery import pending


@pytest.fixture
def pipelining(smtp, monkeypatch):
    """The test server, advertising PIPELINING (aiosmtpd reads commands one after another),
    refusing the recipients listed in `refused`; counts the client's writes."""

    async def handle_ehlo(server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_rcpt(server, session, envelope, address, rcpt_options):
        if address in smtp.refused:
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp.handle_EHLO, smtp.handle_RCPT, smtp.refused, smtp.writes = (
        handle_ehlo,
        handle_rcpt,
        set(),
        [],
    )
    send = smtplib.SMTP.send

    def counted(self, data):
        smtp.writes.append(data)
        return send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", counted)
    return smtp


def statuses(db, messages) -> list[MessageStatus]:
    db.session.expire_all()
    return [db.session.get(Message, m.id).status for m in messages]


def test_each_message_takes_two_writes_and_arrives_intact(pipelining, factories, db):
    messages = pending(factories, 3, body=".a line starting with a period {n}\n.\nthe end")
    report = mail.deliver_locked([m.id for m in messages])
    assert sorted(report.sent) == [m.id for m in messages]
    envelopes = [w for w in pipelining.writes if isinstance(w, str) and w.startswith("MAIL")]
    assert len(envelopes) == 3 and all("RCPT TO:" in w and "DATA" in w for w in envelopes)
    assert all("BODY=8BITMIME" in w for w in envelopes)  # the server takes 8BITMIME
    data_writes = [w for w in pipelining.writes if isinstance(w, bytes)]
    assert len(data_writes) == 3  # the message and its final dot: one write
    text = pipelining.messages[1].get_body(("plain",)).get_content()
    assert text.splitlines() == [".a line starting with a period 1", ".", "the end"]
    assert statuses(db, messages) == [MessageStatus.SENT] * 3


def test_a_refused_recipient_stays_pending_and_the_batch_goes_on(pipelining, factories, db):
    messages = pending(factories, 3)
    pipelining.refused.add("debtor1@example.org")
    report = mail.deliver_locked([m.id for m in messages])
    assert sorted(report.sent) == [messages[0].id, messages[2].id]
    assert "550" in report.failed[messages[1].id]
    assert statuses(db, messages) == [MessageStatus.SENT, MessageStatus.PENDING, MessageStatus.SENT]
    assert [m["To"] for m in pipelining.messages] == ["debtor0@example.org", "debtor2@example.org"]
    pipelining.refused.clear()
    assert mail.deliver_pending().sent == [messages[1].id]


def test_a_message_refused_after_its_data_stays_pending(pipelining, factories, db):
    messages = pending(factories, 2)
    pipelining.refuse = True  # 451 at the end of DATA
    report = mail.deliver_locked([m.id for m in messages])
    assert report.sent == [] and all("451" in error for error in report.failed.values())
    assert statuses(db, messages) == [MessageStatus.PENDING] * 2
    pipelining.refuse = False
    assert sorted(mail.deliver_pending().sent) == [m.id for m in messages]
    assert len(pipelining.messages) == 2


def test_without_pipelining_the_standard_exchange_is_used(smtp, factories, db, monkeypatch):
    called = []
    monkeypatch.setattr(mail_smtp, "send_pipelined", lambda *a: called.append(a))
    messages = pending(factories, 2)
    assert len(mail.deliver_locked([m.id for m in messages]).sent) == 2
    assert called == [] and len(smtp.messages) == 2
