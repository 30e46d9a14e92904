"""Recorded e-mails read back for the people they went to: a case's e-mails for its debtor (the
Documents page, whatever their opt-out since), and every e-mail for the demo outbox."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Channel, Message, MessageStatus

# Sent by SMTP, or recorded without a mail server (the demo): what the debtor has (or would have).
DELIVERED = (MessageStatus.SENT, MessageStatus.RECORDED)


def case_emails(case_id: int) -> list[Message]:
    """The e-mails of a case that went out (or were recorded), newest first."""
    return list(
        db.session.execute(
            select(Message)
            .where(
                Message.case_id == case_id,
                Message.channel == Channel.EMAIL,
                Message.status.in_(DELIVERED),
            )
            .order_by(Message.created_at.desc(), Message.id.desc())
        ).scalars()
    )


def case_email(case_id: int, message_id: int) -> Message | None:
    """One e-mail of the case that went out; None for another case's or a letter."""
    found = db.session.get(Message, message_id)
    if (
        found is None
        or found.case_id != case_id
        or found.channel != Channel.EMAIL
        or found.status not in DELIVERED
    ):
        return None
    return found


def every_email(limit: int | None = 200, message_id: int | None = None) -> list[Message]:
    """The newest e-mails recorded, whoever they went to (the demo outbox only); or the one
    numbered `message_id`."""
    stmt = select(Message).where(Message.channel == Channel.EMAIL)
    if message_id is not None:
        stmt = stmt.where(Message.id == message_id)
    return list(db.session.execute(stmt.order_by(Message.id.desc()).limit(limit)).scalars())


def email_page_csp() -> str:
    """The policy an e-mail shown as a page needs: its inline styles, no script at all."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


_URL = re.compile(r"https?://[^\s<>\"]+")


def text_with_links(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_a_link) so a template can make its web addresses links."""
    parts, last = [], 0
    for match in _URL.finditer(text or ""):
        parts += [(text[last : match.start()], False), (match.group(0), True)]
        last = match.end()
    return [*parts, ((text or "")[last:], False)]
