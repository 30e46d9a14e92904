"""Staff second factor: TOTP (RFC 6238, 30 s steps, 6 digits) with ten single-use recovery codes.

Required for admins and collectors (sent to enrolment after their password until they have
one), optional for creditor users. A code is accepted once: the last accepted time step is
kept, so a code seen over someone's shoulder cannot be replayed in the same half minute.
Recovery codes are random (50 bits each), shown once and stored as SHA-256 digests; each one
is spent by a conditional UPDATE, so two requests cannot both use it.
"""

import hashlib
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models import ActorKind, RecoveryCode, Role, StaffUser
from portal.models.base import utcnow
from portal.services import audit
from portal.services.access import sessions

ISSUER = "Amiable"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper


class CodeRefused(Exception):
    """The code is wrong, already used, or there is no second factor to check it against."""


def required_for(role: str) -> bool:
    """True when this role must have a second factor (admins and collectors)."""
    return role in (Role.ADMIN, Role.COLLECTOR)


def enrolled(user: StaffUser) -> bool:
    """True when the user's second factor is set up and confirmed."""
    return bool(user.totp_secret and user.totp_confirmed_at)


def begin_enrolment(user: StaffUser) -> str:
    """Give the user a new secret to confirm (kept until confirmed or replaced); commits."""
    if enrolled(user):
        raise CodeRefused("a second factor is already set up")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.commit()
    return user.totp_secret


def provisioning_uri(user: StaffUser) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG element (drawn here, nothing fetched)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def _accepted_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step `code` belongs to (this one or a neighbour), if not used already."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp, now = pyotp.TOTP(secret), time.time()
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        step = int(at // totp.interval)
        if secrets.compare_digest(totp.at(at), code) and (last_step is None or step > last_step):
            return step
    return None


def _use_step(user: StaffUser, step: int) -> bool:
    """Record the step as used, unless a concurrent request used it (or a later one) first."""
    done = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .where((StaffUser.totp_last_step.is_(None)) | (StaffUser.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return done.rowcount == 1


def confirm_enrolment(user: StaffUser, code: str, ip: str | None = None) -> list[str]:
    """Confirm the new secret with a code from the app; return ten recovery codes (commits)."""
    if enrolled(user) or not user.totp_secret:
        raise CodeRefused("no second factor waits for confirmation")
    step = _accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is None or not _use_step(user, step):
        db.session.rollback()
        raise CodeRefused("wrong code")
    user.totp_confirmed_at = utcnow()
    codes = _new_recovery_codes(user.id)
    audit.record("staff.totp_enrolled", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip)
    db.session.commit()
    return codes


def _digest(code: str) -> str:
    plain = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"amiable-recovery:{plain}".encode()).hexdigest()


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(staff_user_id=user_id, code_hash=_digest(c)) for c in codes)
    return codes


def check_second_factor(user: StaffUser, code: str, ip: str | None = None) -> str:
    """Accept a TOTP code or an unused recovery code; say which ("totp", "recovery"); commits.

    Raise CodeRefused otherwise. The caller rate-limits the tries (see throttle).
    """
    if not enrolled(user):
        raise CodeRefused("no second factor")
    step = _accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is not None and _use_step(user, step):
        kind = "totp"
    else:
        spent = db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.staff_user_id == user.id,
                RecoveryCode.code_hash == _digest(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
        if spent.rowcount != 1:
            db.session.rollback()
            raise CodeRefused("wrong code")
        kind = "recovery"
    audit.record("staff.second_factor", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip,
                 kind=kind)  # fmt: skip
    db.session.commit()
    return kind


def recovery_codes_left(user_id: int) -> int:
    """How many recovery codes the user has not used."""
    return len(
        db.session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.staff_user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def reset_second_factor(user_id: int, by_staff_id: int | None, ip: str | None = None) -> None:
    """Remove a user's second factor and recovery codes, and end their sessions (commits).

    An admin or collector is asked to set up a new one at their next login.
    """
    user = db.session.get(StaffUser, user_id)
    had = enrolled(user)
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = None, None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_user_id == user_id))
    sessions.bump_staff_version(user_id)
    audit.record(
        "admin.staff_second_factor_reset",
        actor=ActorKind.STAFF if by_staff_id else ActorKind.SYSTEM,
        staff_user_id=by_staff_id,
        ip=ip,
        target_staff_user_id=user_id,
        before={"second_factor": had},
        after={"second_factor": False},
    )
    db.session.commit()
