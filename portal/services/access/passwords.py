"""Staff passwords: reset by a signed e-mail link, set from an invitation, changed.

A link carries the user's id and a fingerprint of their current password hash, signed with the
secret key and a salt per purpose. Setting a password changes the hash, so a link works once;
it also expires (30 minutes for a reset, INVITE_HOURS for an invitation). Every change of
password ends the user's sessions (the session version is bumped); a change made while logged
in keeps that one session going with the new version.
"""

import hashlib
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.domain import passwords as rules
from portal.extensions import db
from portal.models import ActorKind, Channel, Message, MessageStatus, StaffUser
from portal.services import audit
from portal.services.access import sessions
from portal.services.access.login import hash_password
from portal.services.mail import outbox

RESET_MINUTES = 30
PURPOSES = ("reset", "invite")


class LinkRefused(Exception):
    """The link is altered, expired, already used, or its user cannot log in."""


class WrongPassword(Exception):
    """The current password given is not the user's."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"staff-{purpose}")


def _fingerprint(user: StaffUser) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def make_link(user: StaffUser, purpose: str) -> str:
    """The full URL of a single-use link to set this user's password."""
    token = _serializer(purpose).dumps([user.id, _fingerprint(user)])
    base = current_app.config["PORTAL_BASE_URL"]
    return f"{base}/staff/password/{purpose}/{token}"


def _max_age(purpose: str) -> int:
    if purpose == "invite":
        return current_app.config["INVITE_HOURS"] * 3600
    return RESET_MINUTES * 60


def user_of_link(token: str, purpose: str, lock: bool = False) -> StaffUser:
    """The user a genuine, unexpired, unused link is for; LinkRefused otherwise. `lock` reads
    the user's row under a lock, so two uses of one link at once set one password."""
    try:
        user_id, fingerprint = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except (SignatureExpired, BadSignature, ValueError, TypeError) as exc:
        raise LinkRefused from exc
    if not isinstance(user_id, int):
        raise LinkRefused
    user = db.session.get(StaffUser, user_id, with_for_update=lock, populate_existing=lock)
    if (
        user is None
        or not user.active
        or not secrets.compare_digest(str(fingerprint), _fingerprint(user))
    ):
        raise LinkRefused
    return user


def _set(user: StaffUser, password: str) -> None:
    rules.check(password, user.email)  # raises WeakPassword
    user.password_hash = hash_password(password)
    sessions.bump_staff_version(user.id)


def set_password_from_link(token: str, purpose: str, password: str, ip: str | None = None):
    """Set the password through a link (reset or invitation), once; ends sessions (commits)."""
    user = user_of_link(token, purpose, lock=True)
    try:
        _set(user, password)
    except rules.WeakPassword:
        db.session.rollback()
        raise
    audit.record(f"staff.password_{purpose}", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip)
    db.session.commit()
    db.session.refresh(user)
    return user


def change_password(user: StaffUser, current: str, new: str, ip: str | None = None) -> StaffUser:
    """Change a logged-in user's password; every other session ends (commits)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise WrongPassword
    _set(user, new)  # WeakPassword: nothing changed
    audit.record("staff.password_changed", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip)
    db.session.commit()
    db.session.refresh(user)  # the new session version, for the session kept
    return user


def send_staff_email(user: StaffUser, template: str, subject, **context) -> Message:
    """Record an e-mail to a staff user in their language, commit, and send it now."""
    config = current_app.config
    language = user.language if user.language in config["LANGUAGES"] else "fr"
    subject_text, text, html = outbox.render(template, language, subject, user=user, **context)
    message = Message(
        key=f"staff:{template}:{user.id}:{secrets.token_hex(8)}",
        case_id=None,
        template=template,
        channel=Channel.EMAIL,
        language=language,
        recipient=user.email,
        subject=subject_text,
        body_text=text,
        body_html=html,
        headers={},
        status=MessageStatus.PENDING if outbox.smtp_configured() else MessageStatus.RECORDED,
    )
    db.session.add(message)
    db.session.commit()
    outbox.deliver([message])
    return message


def request_reset(email: str, ip: str | None = None) -> None:
    """E-mail a reset link if an active user has this address; say nothing either way."""
    email = (email or "").strip().lower()
    user = db.session.execute(select(StaffUser).filter_by(email=email)).scalar_one_or_none()
    if user is None or not user.active:
        return
    audit.record("staff.password_reset_requested", actor=ActorKind.STAFF, staff_user_id=user.id,
                 ip=ip)  # fmt: skip
    send_staff_email(
        user,
        "staff_password_reset",
        _l("Reset your Amiable password"),
        link=make_link(user, "reset"),
        minutes=RESET_MINUTES,
    )
