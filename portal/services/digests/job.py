"""The daily digest run: for each subscribed creditor user, what happened on its creditor's
cases since the last digest, as one e-mail in the user's language (none when nothing did)."""

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import AuditEvent, Case, Channel, CreditorDigest, Message, StaffUser
from portal.models.messages import MessageStatus
from portal.services.mail import outbox

KINDS = {  # audit action -> section of the digest
    "plan.proposed": "proposals",
    "payment.succeeded": "payments",
    "dispute.opened": "disputes",
    "plan.broken": "broken_plans",
    "case.settled": "settlements",
}
SHOWN = 20  # cases listed per section; the count says how many there are


def _sections(creditor_id: int, since: dt.datetime, until: dt.datetime) -> dict[str, list]:
    rows = db.session.execute(
        select(AuditEvent.action, Case.reference, Case.external_reference)
        .join(Case, Case.id == AuditEvent.case_id)
        .where(
            Case.creditor_id == creditor_id,
            AuditEvent.action.in_(list(KINDS)),
            AuditEvent.created_at > since,
            AuditEvent.created_at <= until,
        )
        .order_by(AuditEvent.id)
    ).all()
    sections: dict[str, list] = {}
    for action, reference, external in rows:
        sections.setdefault(KINDS[action], []).append((reference, external))
    return sections


def _message(user: StaffUser, day: dt.date, sections: dict) -> Message:
    languages = current_app.config["LANGUAGES"]
    language = user.language if user.language in languages else languages[0]
    subject, text, html = outbox.render(
        "creditor_digest",
        language,
        _l("Your daily summary"),
        user=user,
        creditor=user.creditor,
        day=day,
        sections=sections,
        shown=SHOWN,
        case=None,
        agency=None,
    )
    return Message(
        key=f"creditor-digest:{user.id}:{day.isoformat()}",
        case_id=None,
        template="creditor_digest",
        channel=Channel.EMAIL,
        language=language,
        recipient=user.email,
        subject=subject,
        body_text=text,
        body_html=html,
        headers={},
        status=MessageStatus.PENDING if outbox.smtp_configured() else MessageStatus.RECORDED,
    )


def run(now: dt.datetime) -> int:
    """Record (and send, with an SMTP server) today's digests; return how many were recorded."""
    rows = db.session.execute(
        select(CreditorDigest, StaffUser)
        .join(StaffUser, StaffUser.id == CreditorDigest.staff_user_id)
        .where(StaffUser.active, StaffUser.creditor_id.is_not(None))
    ).all()
    made = []
    for digest, user in rows:
        sections = _sections(user.creditor_id, digest.covered_until, now)
        digest.covered_until = now
        if sections:
            message = _message(user, now.date(), sections)
            try:
                with db.session.begin_nested():
                    db.session.add(message)
                made.append(message)
            except IntegrityError:  # today's digest was recorded already
                pass
        db.session.commit()
    outbox.deliver(made)
    return len(made)
