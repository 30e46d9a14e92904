"""The mail service: render e-mails in the recipient's language, record each once, send by SMTP.

Every message has a unique key chosen by the caller (e.g. `plan-decision:42`), so asking twice
records and sends once. With no SMTP server configured (the demo), messages are recorded only
and staff read them on the case page. A failed delivery stays pending for the next run.
"""

import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.i18n import babel_locale
from portal.models import ActorKind, Agency, Case, Channel, Message, MessageStatus
from portal.models.base import utcnow
from portal.services import audit


def smtp_configured() -> bool:
    """True when an SMTP server is set (MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def language_of(case: Case) -> str:
    """The debtor's language if the portal speaks it, else the default."""
    languages = current_app.config["LANGUAGES"]
    lang = case.debtor.language
    return lang if lang in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def render(template: str, language: str, subject, **context) -> tuple[str, str, str]:
    """Render (subject, text, html) of `templates/email/<template>.txt|.html` in `language`."""
    with force_locale(babel_locale(language)):
        return (
            str(subject),
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", **context),
        )


def queue_email(
    *,
    key: str,
    case: Case,
    template: str,
    subject,
    headers: dict | None = None,
    **context,
) -> Message | None:
    """Record an e-mail to the case's debtor under `key`, unless that key exists already.

    `subject` is a lazy gettext string, rendered in the debtor's language. Returns the message,
    or None when the debtor has no e-mail address. The caller commits.
    """
    existing = db.session.execute(select(Message).filter_by(key=key)).scalar_one_or_none()
    if existing is not None:
        return existing
    message = build_email(
        key=key, case=case, template=template, subject=subject, headers=headers, **context
    )
    if message is None:
        return None
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:  # another process recorded the same key meanwhile
        return db.session.execute(select(Message).filter_by(key=key)).scalar_one()
    audit.record(
        "message.recorded", actor=ActorKind.SYSTEM, case_id=case.id, template=template, key=key
    )
    return message


def build_email(
    *, key: str, case: Case, template: str, subject, headers: dict | None = None, **context
) -> Message | None:
    """Render an e-mail to the case's debtor as an unsaved Message (None: no address).

    For callers that record many messages in one transaction and guarantee the key is new
    (the unique constraint still refuses a duplicate at commit); others use queue_email.
    """
    if not case.debtor.email:
        return None
    language = language_of(case)
    agency = context.pop("agency", None) or db.session.execute(select(Agency)).scalar_one_or_none()
    subject_text, text, html = render(
        template, language, subject, case=case, agency=agency, **context
    )
    return Message(
        key=key,
        case_id=case.id,
        template=template,
        channel=Channel.EMAIL,
        language=language,
        recipient=case.debtor.email,
        subject=subject_text,
        body_text=text,
        body_html=html,
        headers=headers or {},
        status=MessageStatus.PENDING if smtp_configured() else MessageStatus.RECORDED,
    )


def _email(message: Message) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = formataddr((config["MAIL_SENDER_NAME"], config["MAIL_SENDER"]))
    email["To"] = message.recipient
    email["Message-ID"] = make_msgid(
        idstring=str(message.id), domain=config["MAIL_SENDER"].split("@")[-1]
    )
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    email["Content-Language"] = message.language  # after set_content, which drops Content-*
    return email


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


@dataclass
class DeliveryReport:
    """What a delivery run did."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def deliver(messages: list[Message]) -> DeliveryReport:
    """Send pending e-mails over one SMTP connection; failures stay pending. Commits."""
    report = DeliveryReport()
    pending = [m for m in messages if m.status == MessageStatus.PENDING]
    if not pending or not smtp_configured():
        return report
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        for message in pending:
            _failed(message, exc, report)
        db.session.commit()
        return report
    with smtp:
        for message in pending:
            try:
                smtp.send_message(_email(message))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(message, exc, report)
            else:
                message.status = MessageStatus.SENT
                message.sent_at = utcnow()
                message.attempts += 1
                report.sent.append(message.id)
            db.session.commit()  # one message at a time: a crash never re-sends what went out
    return report


def _failed(message: Message, exc: Exception, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    report.failed[message.id] = message.last_error


def deliver_pending(limit: int = 500) -> DeliveryReport:
    """Send what earlier runs could not (oldest first)."""
    messages = (
        db.session.execute(
            select(Message)
            .where(Message.status == MessageStatus.PENDING, Message.channel == Channel.EMAIL)
            .order_by(Message.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    return deliver(list(messages))


def deliver_locked(message_ids: list[int]) -> DeliveryReport:
    """Send these e-mails one by one, each under a row lock, committed at once. Commits.

    On PostgreSQL the lock is FOR UPDATE SKIP LOCKED: two processes never send the same message,
    and a message already sent (or being sent) elsewhere is skipped. When the server cannot be
    reached the rest stay pending for the next run.
    """
    report = DeliveryReport()
    if not message_ids or not smtp_configured():
        return report
    smtp = None
    # A session of its own: its commit per message leaves the caller's objects alone.
    session = Session(db.engine)
    try:
        for message_id in message_ids:
            message = session.execute(
                select(Message)
                .where(Message.id == message_id, Message.status == MessageStatus.PENDING)
                .with_for_update(skip_locked=True)
            ).scalar_one_or_none()
            if message is None:
                session.rollback()
                continue
            try:
                smtp = smtp or _connect()
                smtp.send_message(_email(message))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(message, exc, report)
                session.commit()
                if smtp is None:
                    break  # the server is down: leave the others for the next run
                continue
            message.status = MessageStatus.SENT
            message.sent_at = utcnow()
            message.attempts += 1
            report.sent.append(message.id)
            session.commit()
            session.expunge(message)
    finally:
        session.close()
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return report


def deliver_pending_locked(limit: int = 500) -> DeliveryReport:
    """Send, under row locks, what earlier runs could not (oldest first)."""
    ids = db.session.execute(
        select(Message.id)
        .where(Message.status == MessageStatus.PENDING, Message.channel == Channel.EMAIL)
        .order_by(Message.id)
        .limit(limit)
    ).scalars()
    return deliver_locked(list(ids))


def send_email(**kwargs) -> Message | None:
    """Queue an e-mail (see queue_email), commit, and try to send it at once."""
    message = queue_email(**kwargs)
    db.session.commit()
    if message is not None:
        deliver([message])
    return message


def case_messages(case_id: int, status: MessageStatus | None = None) -> list[Message]:
    """Messages of a case (only those in `status`, if given), newest first."""
    stmt = select(Message).where(Message.case_id == case_id).order_by(Message.id.desc())
    if status is not None:
        stmt = stmt.where(Message.status == status)
    return list(db.session.execute(stmt).scalars())
