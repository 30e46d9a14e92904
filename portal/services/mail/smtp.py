"""SMTP beyond smtplib: a message in two round trips to a server that pipelines (RFC 2920)."""

import re
import smtplib
from collections.abc import Sequence
from contextlib import suppress


def send_pipelined(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, options: Sequence[str] = ()
) -> None:
    """sendmail() in two round trips instead of four: MAIL, RCPT and DATA are written at once
    (RFC 2920, for servers that advertise PIPELINING), then the message. Raises as sendmail."""
    size = f" SIZE={len(data)}" if smtp.has_extn("size") else ""
    params = "".join(f" {option}" for option in options)
    smtp.send(f"MAIL FROM:<{sender}>{size}{params}\r\nRCPT TO:<{recipient}>\r\nDATA\r\n")
    mail, rcpt, start = smtp.getreply(), smtp.getreply(), smtp.getreply()
    refused = (
        smtplib.SMTPSenderRefused(*mail, sender)
        if mail[0] != 250
        else smtplib.SMTPRecipientsRefused({recipient: rcpt})
        if rcpt[0] not in (250, 251)
        else smtplib.SMTPDataError(*start)
        if start[0] != 354
        else None
    )
    if refused is not None:
        if start[0] == 354:  # DATA accepted though the envelope was not: send nothing
            smtp.send(".\r\n")
            smtp.getreply()
        _abort(smtp, (mail[0], rcpt[0], start[0]))
        raise refused
    body = _PERIODS.sub(b"..", data) if data.startswith(b".") or b"\n." in data else data
    smtp.send(body + (b".\r\n" if body.endswith(b"\r\n") else b"\r\n.\r\n"))
    code, reply = smtp.getreply()
    if code != 250:
        _abort(smtp, (code,))
        raise smtplib.SMTPDataError(code, reply)


_PERIODS = re.compile(rb"(?m)^\.")  # lines starting with a period get another (RFC 5321)


def _abort(smtp: smtplib.SMTP, codes: tuple[int, ...]) -> None:
    # As sendmail: 421 means the server is closing the connection; otherwise start over.
    if 421 in codes:
        smtp.close()
        return
    with suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()
