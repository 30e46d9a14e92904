"""A lean SMTP sink for the reminders benchmark: real SMTP on asyncio, little CPU a message.

aiosmtpd (what the tests use) costs about 1.4 ms of CPU a message, on the same two cores as the
job it measures. This server speaks the part of SMTP a client sending mail needs (EHLO/HELO,
MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT; PIPELINING advertised, so commands may
arrive several at a time), counts the messages, and checks each one parses as an e-mail: its
headers parse, it has From, To, Subject, Message-ID and Date, and a multipart body ends with its
closing boundary. Messages are counted, not kept.
"""

import asyncio
import re
from email.parser import BytesHeaderParser
from email.policy import compat32

EHLO = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 33554432\r\n"
REQUIRED = ("From", "To", "Subject", "Message-ID", "Date")
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


class Tally:
    """What the sink received."""

    def __init__(self):
        self.received = 0  # messages accepted (250 after DATA)
        self.malformed = 0  # accepted, but not a well-formed e-mail
        self.recipients = 0
        self.last: bytes = b""  # the last message, unstuffed (for tests)


def well_formed(data: bytes) -> bool:
    """Whether `data` (an unstuffed message) parses as an e-mail with the usual headers."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    headers = BytesHeaderParser(policy=compat32).parsebytes(head + b"\r\n\r\n")
    if any(headers.get(name) is None for name in REQUIRED) or headers.defects:
        return False
    kind = headers.get("Content-Type", "text/plain")
    if kind.lower().startswith("multipart/"):
        match = _BOUNDARY.search(kind)
        return bool(match) and f"--{match.group(1)}--".encode() in body
    return True


def unstuff(data: bytes) -> bytes:
    """The message of a DATA section (CRLF.CRLF removed): leading dots of lines undoubled."""
    if data.startswith(b".."):
        data = data[1:]
    return data.replace(b"\r\n..", b"\r\n.")


class SinkProtocol(asyncio.Protocol):
    """One SMTP session."""

    def __init__(self, tally: Tally):
        self.tally = tally
        self.buffer = b""
        self.in_data = False
        self.greeted = False
        self.sender = False
        self.recipients = 0

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies = []
        while self.buffer and not self.transport.is_closing():
            if self.in_data:
                if not self._message(replies):
                    break
                continue
            line, sep, rest = self.buffer.partition(b"\r\n")
            if not sep:
                if len(self.buffer) > 4096:
                    replies.append(b"500 line too long\r\n")
                    self.buffer = b""
                break
            self.buffer = rest
            replies.append(self._command(line))
        if replies:
            self.transport.write(b"".join(replies))
        if self.closing:
            self.transport.close()

    closing = False

    def _message(self, replies: list) -> bool:
        if self.buffer.startswith(b".\r\n"):  # an empty message
            end, skip = 0, 3
        else:
            end = self.buffer.find(b"\r\n.\r\n")
            if end < 0:
                return False
            end, skip = end + 2, 3  # the last line's CRLF is the message's
        data, self.buffer = unstuff(self.buffer[:end]), self.buffer[end + skip :]
        self.in_data = False
        self.tally.received += 1
        self.tally.recipients += self.recipients
        self.tally.last = data
        if not well_formed(data):
            self.tally.malformed += 1
        self.sender, self.recipients = False, 0
        replies.append(b"250 OK queued\r\n")
        return True

    def _command(self, line: bytes) -> bytes:
        verb = line[:4].upper()
        if verb == b"EHLO":
            self.greeted, self.sender, self.recipients = True, False, 0
            return EHLO
        if verb == b"HELO":
            self.greeted, self.sender, self.recipients = True, False, 0
            return b"250 sink\r\n"
        if verb == b"MAIL" and line[4:10].upper() == b" FROM:":
            if not self.greeted:
                return b"503 send EHLO first\r\n"
            if self.sender:
                return b"503 nested MAIL command\r\n"
            self.sender, self.recipients = True, 0
            return b"250 OK\r\n"
        if verb == b"RCPT" and line[4:8].upper() == b" TO:":
            if not self.sender:
                return b"503 need MAIL first\r\n"
            self.recipients += 1
            return b"250 OK\r\n"
        if verb == b"DATA":
            if not self.recipients:
                return b"503 need RCPT first\r\n"
            self.in_data = True
            return b"354 end data with <CR><LF>.<CR><LF>\r\n"
        if verb == b"RSET":
            self.sender, self.recipients = False, 0
            return b"250 OK\r\n"
        if verb == b"NOOP":
            return b"250 OK\r\n"
        if verb == b"QUIT":
            self.closing = True
            return b"221 bye\r\n"
        return b"500 command not recognized\r\n"


async def serve(host: str, port: int, tally: Tally) -> asyncio.Server:
    """Start the sink on host:port (port 0: any free one)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: SinkProtocol(tally), host, port)
