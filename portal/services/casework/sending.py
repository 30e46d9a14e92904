"""Sending again what the debtor may have lost: the e-mail with the link to the case page (a
new signed link that expires), and a copy of the case's last letter. Each is audited."""

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.domain.casework import CaseAction
from portal.extensions import db
from portal.models import ActorKind, Channel, Message, MessageStatus
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import audit
from portal.services.casework.actions import ActionRefused, lock_for_action
from portal.services.clock import today
from portal.services.mail import outbox as mail


def resend_link(case_id: int, staff_user_id: int, version: int | None = None) -> Message:
    """E-mail the debtor a new link to the case page (valid LINK_MAX_AGE_DAYS days). Commits,
    then tries to send it; raises ActionRefused("no_email") when the debtor has no address."""
    case = lock_for_action(case_id, CaseAction.RESEND_LINK, version)
    if not case.debtor.email:
        db.session.rollback()
        raise ActionRefused("no_email")
    days = current_app.config["LINK_MAX_AGE_DAYS"]
    message = mail.queue_email(
        key=f"case-link:{case.id}:{case.version}",  # the version is new at every action
        case=case,
        template="case_link",
        subject=_l("Your link to case %(reference)s", reference=case.display_reference),
        link=case_link(case.id, case.link_version),
        expires_on=today() + dt.timedelta(days=days),
    )
    audit.record("case.link_resent", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, message_id=message.id)  # fmt: skip
    db.session.commit()
    if message.status == MessageStatus.PENDING:
        mail.deliver([message])
    return message


def last_letter(case_id: int) -> Message | None:
    """The case's newest letter, if any."""
    return db.session.execute(
        select(Message)
        .where(Message.case_id == case_id, Message.channel == Channel.LETTER)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def resend_letter(case_id: int, staff_user_id: int, version: int | None = None) -> Message:
    """Record a copy of the case's last letter, dated today, to be posted again. Commits;
    raises ActionRefused("no_letter") when the case has none."""
    case = lock_for_action(case_id, CaseAction.RESEND_LETTER, version)
    original = last_letter(case.id)
    if original is None:
        db.session.rollback()
        raise ActionRefused("no_letter")
    copy = Message(
        key=f"letter-resent:{original.id}:{case.version}",
        case_id=case.id,
        template=original.template,
        channel=Channel.LETTER,
        language=original.language,
        recipient="\n".join([case.debtor.display_name, *case.debtor.address_lines]),
        subject=original.subject,
        body_text=original.body_text,
        headers={**(original.headers or {}), "resent_of": original.id},
        status=MessageStatus.RECORDED,
        created_at=utcnow(),
    )
    db.session.add(copy)
    db.session.flush()
    audit.record("case.letter_resent", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, message_id=copy.id,
                 original_id=original.id)  # fmt: skip
    db.session.commit()
    return copy
