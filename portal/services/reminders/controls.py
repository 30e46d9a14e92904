"""What people change about reminders: sequences, pauses, the time-bar review, e-mail opt-outs."""

import datetime as dt
from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select

from portal.domain.reminders import DEFAULT_SEQUENCE, Step, check_sequence
from portal.extensions import db
from portal.models import (
    ActorKind,
    CaseReminder,
    Creditor,
    DebtorPreference,
    ReminderStep,
    TimeBarReview,
)
from portal.models.base import utcnow
from portal.services import audit

# --- Sequences -------------------------------------------------------------------------------


def sequence_of(creditor_id: int) -> tuple[Step, ...]:
    """The creditor's own sequence, or the default one."""
    rows = db.session.execute(
        select(ReminderStep)
        .where(ReminderStep.creditor_id == creditor_id)
        .order_by(ReminderStep.position)
    ).scalars()
    steps = tuple(row.as_step() for row in rows)
    return steps or DEFAULT_SEQUENCE


def set_sequence(creditor_id: int, steps: list[Step] | None) -> tuple[Step, ...]:
    """Replace the creditor's sequence (None: back to the default). Commits."""
    if db.session.get(Creditor, creditor_id) is None:
        raise LookupError(f"no creditor {creditor_id}")
    if steps is not None:
        check_sequence(steps)
    db.session.execute(delete(ReminderStep).where(ReminderStep.creditor_id == creditor_id))
    for position, step in enumerate(steps or ()):
        db.session.add(
            ReminderStep(
                creditor_id=creditor_id,
                position=position,
                offset_days=step.offset_days,
                channel=step.channel,
                template=step.template,
                tone=step.tone,
            )
        )
    audit.record(
        "reminders.sequence_changed",
        actor=ActorKind.SYSTEM,
        creditor_id=creditor_id,
        steps=[str(s) for s in steps] if steps is not None else "default",
    )
    db.session.commit()
    return sequence_of(creditor_id)


# --- A case's reminders: pause, time-bar review ----------------------------------------------


def state_of(case_id: int) -> CaseReminder:
    """The case's reminder state, created (unsaved) when the case has none yet."""
    state = db.session.get(CaseReminder, case_id)
    if state is None:
        state = CaseReminder(
            case_id=case_id, position=0, next_due_at=utcnow(), time_bar=TimeBarReview.NONE
        )
        db.session.add(state)
    return state


class PauseError(ValueError):
    """The pause cannot be set as asked."""


def pause(case_id: int, until: dt.date | None, note: str, staff_user_id: int, today: dt.date):
    """Pause the case's reminders until `until` (None resumes them). Commits."""
    if until is not None and until <= today:
        raise PauseError("the pause must end after today")
    if until is not None and until > today + dt.timedelta(days=366):
        raise PauseError("a pause lasts a year at most")
    state = state_of(case_id)
    state.paused_until = until
    state.pause_note = (note or "").strip()[:200] or None
    audit.record(
        "reminders.paused" if until else "reminders.resumed",
        actor=ActorKind.STAFF,
        case_id=case_id,
        staff_user_id=staff_user_id,
        until=until.isoformat() if until else None,
    )
    db.session.commit()
    return state


def clear_time_bar(case_id: int, staff_user_id: int) -> CaseReminder:
    """A collector reviewed a possibly time-barred debt: reminders may go on. Commits."""
    state = state_of(case_id)
    state.time_bar = TimeBarReview.CLEARED
    state.time_bar_cleared_by_id = staff_user_id
    state.time_bar_cleared_at = utcnow()
    audit.record(
        "reminders.time_bar_cleared",
        actor=ActorKind.STAFF,
        case_id=case_id,
        staff_user_id=staff_user_id,
    )
    db.session.commit()
    return state


# --- E-mail opt-out by a signed link ---------------------------------------------------------

UNSUBSCRIBE_MAX_AGE_DAYS = 400


class UnsubscribeLinkInvalid(Exception):
    """The unsubscribe link was altered, or is too old."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(debtor_id: int) -> str:
    """A signed token that stops e-mails to one debtor."""
    return _serializer().dumps(debtor_id)


def read_unsubscribe_token(token: str) -> int:
    """The debtor id of a genuine token, or UnsubscribeLinkInvalid."""
    try:
        debtor_id = _serializer().loads(token, max_age=UNSUBSCRIBE_MAX_AGE_DAYS * 86400)
    except (BadSignature, ValueError, TypeError) as exc:
        raise UnsubscribeLinkInvalid from exc
    if not isinstance(debtor_id, int):
        raise UnsubscribeLinkInvalid
    return debtor_id


def unsubscribe_url(debtor_id: int) -> str:
    """Full URL of the debtor's unsubscribe link (usable outside a request)."""
    return f"{current_app.config['PORTAL_BASE_URL']}/u/{unsubscribe_token(debtor_id)}"


def unsubscribe_url_maker() -> Callable[[int], str]:
    """unsubscribe_url for many links at once (a reminder run): serializer and signer made once."""
    base, serializer = current_app.config["PORTAL_BASE_URL"], _serializer()
    sign, dump = serializer.make_signer().sign, serializer.dump_payload
    return lambda debtor_id: f"{base}/u/{sign(dump(debtor_id)).decode()}"


def opted_out(debtor_id: int) -> bool:
    """True when the debtor asked for no more e-mails."""
    pref = db.session.get(DebtorPreference, debtor_id)
    return bool(pref and pref.email_opt_out_at)


def opt_out(debtor_id: int, ip: str | None = None) -> bool:
    """Stop e-mails to the debtor (letters go on). Returns False if already done. Commits."""
    pref = db.session.get(DebtorPreference, debtor_id)
    if pref is not None and pref.email_opt_out_at is not None:
        return False
    if pref is None:
        pref = DebtorPreference(debtor_id=debtor_id)
        db.session.add(pref)
    pref.email_opt_out_at = utcnow()
    audit.record("debtor.unsubscribed", actor=ActorKind.DEBTOR, debtor_id=debtor_id, ip=ip)
    db.session.commit()
    return True
