"""Sending recorded e-mails in batches, safely from several processes at once.

A batch is claimed in one statement: pending messages not claimed by a live run get
`claimed_at` (FOR UPDATE SKIP LOCKED on PostgreSQL, so two runs never claim the same one), and
the claim is committed; a run that records messages itself inserts them claimed already
(deliver_claimed), so no other run takes them, and sends them as it rendered them. They go out
over one SMTP connection, and each is marked sent in its own small autocommitted UPDATE as soon
as the server has accepted it.

The trade-off, if the process dies mid-batch: what was marked sent stays sent; the rest of the
batch stays pending and claimed, and is sent again once the claim is older than CLAIM_LEASE.
So at most one message can go out twice, the one the server accepted just before the crash
and whose mark did not reach the database. A run never sends a message once its own claim is
half way to expiry, so a slow run cannot overlap a run that took its claim over. When the
server cannot be reached, the claim is released at once and everything stays pending.

On PostgreSQL the marks are committed with synchronous_commit off: the job does not wait for
the WAL flush. Only a crash of the database server itself (not of the job) can then forget the
marks of its last fraction of a second (at most 3 x wal_writer_delay, 0.6 s by default): those
messages are pending again and go out a second time. A duplicate at worst, never a lost e-mail;
the claims and the recorded messages themselves are committed durably as before.
"""

import datetime as dt
import smtplib
import ssl
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr
from typing import NamedTuple

from sqlalchemy import Engine, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError

from portal.models import Channel, Message, MessageStatus
from portal.models.base import utcnow
from portal.services.mail import attachments as mail_attachments
from portal.services.mail import mime as mail_mime
from portal.services.mail import smtp as mail_smtp
from portal.services.sql_bulk import among

CLAIM_LEASE = dt.timedelta(minutes=10)
SMTP_ERRORS = (OSError, smtplib.SMTPException)


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)

    def add(self, other: "DeliveryReport") -> None:
        """Count another report's messages in this one."""
        self.sent += other.sent
        self.failed.update(other.failed)


@dataclass(frozen=True)
class MailSettings:
    """The SMTP settings, read once from the app config (usable outside an app context)."""

    server: str
    port: int
    timeout: float
    use_ssl: bool
    use_tls: bool
    username: str | None
    password: str | None
    sender: str  # the From header, formatted
    sender_address: str

    @classmethod
    def from_config(cls, config) -> "MailSettings":
        """Settings of an app's config (MAIL_*)."""
        return cls(
            server=config["MAIL_SERVER"],
            port=config["MAIL_PORT"],
            timeout=config["MAIL_TIMEOUT"],
            use_ssl=config["MAIL_USE_SSL"],
            use_tls=config["MAIL_USE_TLS"],
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            sender=formataddr((config["MAIL_SENDER_NAME"], config["MAIL_SENDER"])),
            sender_address=config["MAIL_SENDER"],
        )


def connect(settings: MailSettings) -> smtplib.SMTP:
    """An SMTP connection, over TLS and logged in as configured."""
    host, port, timeout = settings.server, settings.port, settings.timeout
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if settings.use_tls:
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password)
    return smtp


def send(smtp: smtplib.SMTP, settings: MailSettings, row) -> None:
    """Hand one message (a Message or a claimed row) to the server."""
    msgid = mail_mime.message_id(row.id, settings.sender_address)
    attachments = mail_attachments.render(row.attachment, row.language)
    if not row.recipient.isascii():  # SMTPUTF8 address: the standard library knows the dance
        smtp.send_message(_stdlib_email(settings, row, msgid, attachments))
        return
    smtp.ehlo_or_helo_if_needed()
    eight_bit = smtp.has_extn("8bitmime")  # UTF-8 bodies as they are, not quoted-printable
    data = mail_mime.email_bytes(
        sender=settings.sender,
        recipient=row.recipient,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        language=row.language,
        msgid=msgid,
        headers=row.headers,
        eight_bit=eight_bit,
        attachments=attachments,
    )
    options = ["BODY=8BITMIME"] if eight_bit else []
    if smtp.has_extn("pipelining"):
        mail_smtp.send_pipelined(smtp, settings.sender_address, row.recipient, data, options)
    else:
        smtp.sendmail(settings.sender_address, [row.recipient], data, options)


def _stdlib_email(settings: MailSettings, row, msgid: str, attachments=()) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = row.subject
    email["From"] = settings.sender
    email["To"] = row.recipient
    email["Message-ID"] = msgid
    for name, value in (row.headers or {}).items():
        email[name] = value
    email.set_content(row.body_text)
    if row.body_html:
        email.add_alternative(row.body_html, subtype="html")
    for attached in attachments:
        maintype, _, subtype = attached.mimetype.partition("/")
        email.add_attachment(
            attached.data, maintype=maintype, subtype=subtype, filename=attached.filename
        )
    # Last: set_content and add_attachment move or drop the Content-* headers already there.
    email["Content-Language"] = row.language
    return email


def error_text(exc: Exception) -> str:
    """What is kept of a delivery error."""
    return f"{type(exc).__name__}: {exc}"[:500]


_CLAIMED = (
    Message.id,
    Message.recipient,
    Message.subject,
    Message.body_text,
    Message.body_html,
    Message.headers,
    Message.language,
    Message.attachment,
)


class Claimed(NamedTuple):
    """What sending a claimed message needs (the columns the claim statement returns)."""

    id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    headers: dict
    language: str
    attachment: str | None = None


# Plain SQL on the driver's cursor: marking is one round trip and a few microseconds of Python
# per message, no statement to compile or datetime to convert (the database's clock is used).
_MARK_SENT = (
    f"UPDATE messages SET status = '{MessageStatus.SENT.value}',"
    " sent_at = CURRENT_TIMESTAMP, attempts = attempts + 1 WHERE id = {}"
)
_PLACEHOLDERS = {"pyformat": "%(id)s", "format": "%(id)s", "named": ":id", "qmark": ":id"}
_MARK_FAILED = (
    update(Message)
    .where(Message.id == bindparam("message_id"))
    .values(claimed_at=None, attempts=Message.attempts + 1, last_error=bindparam("error"))
)


class Sender:
    """Claims and sends batches of e-mails over one SMTP connection, kept between batches."""

    def __init__(self, engine: Engine, settings: MailSettings):
        self.engine = engine
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.down = False  # the server could not be reached: leave the rest to the next run
        self.mark_sent_sql = _MARK_SENT.format(_PLACEHOLDERS[engine.dialect.paramstyle])

    def deliver(self, message_ids: list[int]) -> DeliveryReport:
        """Claim these messages (those still pending and free), send them. Commits."""
        if not message_ids or self.down:
            return DeliveryReport()
        with self.engine.connect() as conn:
            now = utcnow()
            free = (
                select(Message.id)
                .where(
                    among(Message.id, message_ids, conn.dialect.name),
                    Message.status == MessageStatus.PENDING,
                    Message.channel == Channel.EMAIL,
                    or_(Message.claimed_at.is_(None), Message.claimed_at < now - CLAIM_LEASE),
                )
                .with_for_update(skip_locked=True)
            )
            claim = (
                update(Message)
                .where(Message.id.in_(free.scalar_subquery()))
                .values(claimed_at=now)
                .returning(*_CLAIMED)
            )
            rows = sorted(conn.execute(claim).all(), key=lambda row: row.id)
            conn.commit()
            return self._send(conn, rows, time.monotonic() + CLAIM_LEASE.total_seconds() / 2)

    def deliver_claimed(self, rows: list[Claimed], claimed_at: dt.datetime) -> DeliveryReport:
        """Send messages that this run recorded already claimed (their INSERT, committed, set
        `claimed_at`): no claim statement, and their text as rendered, not read back. Commits.
        """
        if not rows or self.down:
            return DeliveryReport()
        elapsed = (utcnow() - claimed_at).total_seconds()
        deadline = time.monotonic() + CLAIM_LEASE.total_seconds() / 2 - elapsed
        with self.engine.connect() as conn:
            return self._send(conn, rows, deadline)

    def _send(self, conn, rows, deadline: float) -> DeliveryReport:
        """Send claimed rows, each marked sent at once; stop at `deadline` (half the lease)."""
        report = DeliveryReport()
        with self._autocommit() as marks:
            for index, row in enumerate(rows):
                if time.monotonic() > deadline:
                    self._release(conn, rows[index:])
                    break
                try:
                    self.smtp = self.smtp or connect(self.settings)
                except SMTP_ERRORS as exc:
                    self.down = True
                    self._failed(conn, row, exc, report)
                    self._release(conn, rows[index + 1 :])
                    break
                try:
                    send(self.smtp, self.settings, row)
                except SMTP_ERRORS as exc:
                    self._failed(conn, row, exc, report)
                    if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
                        self.close()  # reconnect for the next one
                    continue
                self._mark_sent(marks, row.id)  # at once: a crash after this never re-sends it
                report.sent.append(row.id)
        return report

    @contextmanager
    def _autocommit(self):
        # Marks go through a connection of their own in autocommit: one round trip each. On
        # PostgreSQL they do not wait for the WAL flush (see the module's docstring).
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as marks:
            relaxed = marks.dialect.name == "postgresql"
            if relaxed:
                marks.exec_driver_sql("SET synchronous_commit TO off")
            try:
                yield marks
            finally:
                if relaxed:  # the pooled connection goes back as it came
                    try:
                        marks.exec_driver_sql("RESET synchronous_commit")
                    except DBAPIError:
                        marks.invalidate()

    def _mark_sent(self, marks, message_id: int) -> None:
        cursor = marks.connection.dbapi_connection.cursor()
        try:
            cursor.execute(self.mark_sent_sql, {"id": message_id})
        finally:
            cursor.close()

    def _failed(self, conn, row, exc: Exception, report: DeliveryReport) -> None:
        report.failed[row.id] = error_text(exc)
        conn.execute(_MARK_FAILED, {"message_id": row.id, "error": report.failed[row.id]})
        conn.commit()

    def _release(self, conn, rows) -> None:
        if rows:
            ids = [row.id for row in rows]
            where = among(Message.id, ids, conn.dialect.name)
            conn.execute(update(Message).where(where).values(claimed_at=None))
            conn.commit()

    def close(self) -> None:
        """Say goodbye to the server."""
        if self.smtp is not None:
            smtp, self.smtp = self.smtp, None
            try:
                smtp.quit()
            except SMTP_ERRORS:
                smtp.close()
