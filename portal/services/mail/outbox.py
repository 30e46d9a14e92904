"""The mail service: render e-mails in the recipient's language, record each once, send by SMTP.

Every message has a unique key chosen by the caller (e.g. `plan-decision:42`), so asking twice
records and sends once. With no SMTP server configured (the demo), messages are recorded only
and staff read them on the case page. A failed delivery stays pending for the next run.
"""

import functools

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.i18n import babel_locale
from portal.models import ActorKind, Agency, Case, Channel, Message, MessageStatus
from portal.services import audit
from portal.services.mail import delivery as mail_delivery
from portal.services.mail import render as mail_render
from portal.services.mail.delivery import DeliveryReport, MailSettings


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
    with force_locale(_locale(language)):
        text, html = mail_render.renderer(language).render(template, **context)
        return str(subject), text, html


@functools.cache
def _locale(language: str) -> Locale:
    # force_locale given a Locale object skips parsing its name at every message.
    return Locale.parse(babel_locale(language))


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
    *,
    key: str,
    case: Case,
    template: str,
    subject,
    headers: dict | None = None,
    attachment: str | None = None,
    **context,
) -> Message | None:
    """Render an e-mail to the case's debtor as an unsaved Message (None: no address).

    `attachment` names a document attached when it is sent (see mail_attachments.py).
    For callers that record many messages in one transaction and guarantee the key is new
    (the unique constraint still refuses a duplicate at commit); others use queue_email.
    """
    row = email_row(
        key=key, case=case, template=template, subject=subject, headers=headers, **context
    )
    return None if row is None else Message(**row, attachment=attachment)


def email_row(
    *, key: str, case: Case, template: str, subject, headers: dict | None = None, **context
) -> dict | None:
    """Render an e-mail to the case's debtor as the values of a `messages` row (None: no
    address), for callers that insert many rows at once (see build_email)."""
    if not case.debtor.email:
        return None
    language = language_of(case)
    # An agency passed (even None: looked up already, there is none) saves a query per message.
    if "agency" in context:
        agency = context.pop("agency")
    else:
        agency = db.session.execute(select(Agency)).scalar_one_or_none()
    subject_text, text, html = render(
        template, language, subject, case=case, agency=agency, **context
    )
    return dict(
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


def deliver(messages: list[Message]) -> DeliveryReport:
    """Send these committed e-mails if still pending, each claimed first (see deliver_locked)
    so that no other run sends it too; failures stay pending."""
    pending = [m for m in messages if m.status == MessageStatus.PENDING]
    report = deliver_locked([m.id for m in pending])  # committed rows, other connections
    for message in pending:
        db.session.expire(message)  # its status and attempts changed outside this session
    return report


def deliver_pending(limit: int = 500) -> DeliveryReport:
    """Send what earlier runs could not (oldest first), batch by batch, each claimed."""
    return deliver_locked(pending_email_ids(limit=limit))


def deliver_locked(message_ids: list[int]) -> DeliveryReport:
    """Claim these e-mails as one batch and send them (see mail_delivery). Commits.

    Two processes never send the same message; what is not sent stays pending for the next run.
    """
    if not message_ids or not smtp_configured():
        return DeliveryReport()
    sender = mail_delivery.Sender(db.engine, MailSettings.from_config(current_app.config))
    try:
        return sender.deliver(message_ids)
    finally:
        sender.close()


def pending_email_ids(after: int = 0, limit: int = 500) -> list[int]:
    """Ids of pending e-mails after `after`, oldest first."""
    return list(
        db.session.execute(
            select(Message.id)
            .where(
                Message.id > after,
                Message.status == MessageStatus.PENDING,
                Message.channel == Channel.EMAIL,
            )
            .order_by(Message.id)
            .limit(limit)
        ).scalars()
    )


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
