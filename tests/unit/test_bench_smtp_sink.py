"""The benchmark's lean SMTP sink speaks enough SMTP for smtplib and checks what it counts."""

import asyncio
import smtplib
import threading

import pytest

from bench import smtp_sink
from portal.services.mail import mime as mail_mime


@pytest.fixture
def sink():
    """The sink on a free port, its event loop in a thread of its own."""
    tally, started, loop = smtp_sink.Tally(), threading.Event(), asyncio.new_event_loop()

    def serve():
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(smtp_sink.serve("127.0.0.1", 0, tally))
        tally.port = server.sockets[0].getsockname()[1]
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(5)
    yield tally
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def email(text: str) -> bytes:
    return mail_mime.email_bytes(
        sender="Agence <agence@example.org>",
        recipient="debtor@example.org",
        subject="Relance — dossier",
        text=text,
        html=f"<p>{text}</p>",
        language="fr",
        msgid="<1@example.org>",
    )


def test_messages_are_counted_unstuffed_and_checked(sink):
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        client.ehlo()
        assert client.has_extn("pipelining")
        client.sendmail("agence@example.org", ["debtor@example.org"], email(".first\n.\nend"))
        client.rset()
        assert client.noop()[0] == 250
        client.sendmail("agence@example.org", ["x@example.org"], b"no headers at all\r\n")
    assert sink.received == 2 and sink.recipients == 2 and sink.malformed == 1
    assert b"\r\n.\r\n" not in sink.last and b"no headers" in sink.last


def test_commands_out_of_order_are_refused(sink):
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        assert client.docmd("RCPT TO:<a@example.org>")[0] == 503
        assert client.docmd("DATA")[0] == 503
        assert client.docmd("VRFY someone")[0] == 500
    assert sink.received == 0


def test_the_well_formed_check():
    good = email("Bonjour")
    assert smtp_sink.well_formed(good)
    assert not smtp_sink.well_formed(good.replace(b"Message-ID:", b"X-Id:"))
    cut = good[: good.rindex(b"--=_amiable")]  # the closing boundary is missing
    assert not smtp_sink.well_formed(cut)
    assert smtp_sink.unstuff(b"..a\r\n..b\r\nc\r\n") == b".a\r\n.b\r\nc\r\n"
