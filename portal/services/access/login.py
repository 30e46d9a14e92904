"""Logging in: debtors by reference and factor, staff by e-mail and password, rate limited."""

import datetime as dt
import hmac
from dataclasses import dataclass
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain import references
from portal.domain.factors import FactorKind, canonical
from portal.extensions import db
from portal.models import ActorKind, Case, LoginFailure, StaffUser
from portal.models.base import utcnow
from portal.services import audit


# Compared against when the reference or e-mail is unknown, so both paths do the same work.
@cache
def _dummy_hash() -> str:
    """Made on first use rather than at import: scrypt is slow on purpose."""
    return generate_password_hash("not-a-real-password")


class LoginRefused(Exception):
    """The credentials do not match; the message never says which part was wrong."""


class RateLimited(Exception):
    """Too many failures for this key; try again at `until` (UTC)."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


@dataclass(frozen=True)
class Limits:
    """How many failures in how long before logins are refused."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)


def check_not_limited(keys: list[str], limits: Limits, now: dt.datetime | None = None) -> None:
    """Raise RateLimited if any key has reached the failure limit in the window."""
    now = now or utcnow()
    rows = db.session.execute(
        select(LoginFailure.key, LoginFailure.created_at)
        .where(LoginFailure.key.in_(keys), LoginFailure.created_at > now - limits.window)
        .order_by(LoginFailure.created_at.desc())
    ).all()
    until = None
    for key in keys:
        times = [created for k, created in rows if k == key]
        if len(times) >= limits.max_failures:
            # Once the (max)-th most recent failure leaves the window, the key is allowed again.
            key_until = times[limits.max_failures - 1] + limits.window
            until = max(until, key_until) if until else key_until
    if until:
        raise RateLimited(until)


def record_failure(keys: list[str], now: dt.datetime | None = None) -> None:
    """Count one failure against each key and forget failures older than a day."""
    now = now or utcnow()
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.created_at < now - dt.timedelta(days=1))
    )
    db.session.add_all(LoginFailure(key=key, created_at=now) for key in keys)
    db.session.commit()


def clear_failures(key: str) -> None:
    """Forget the failures of a key after a successful login."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def _factor_matches(case: Case | None, factor_text: str) -> bool:
    if case is None:
        hmac.compare_digest("x" * 10, (factor_text or "")[:10].ljust(10))
        return False
    kind = FactorKind(case.creditor.verification_factor)
    debtor = case.debtor
    if kind is FactorKind.POSTCODE:
        expected = canonical(kind, debtor.postcode or "")
    else:
        expected = debtor.date_of_birth.isoformat() if debtor.date_of_birth else None
    given = canonical(kind, factor_text)
    return bool(expected and given) and hmac.compare_digest(expected, given)


def _load_case(**where) -> Case | None:
    stmt = (
        select(Case).options(joinedload(Case.creditor), joinedload(Case.debtor)).filter_by(**where)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def login_debtor(reference_text: str, factor_text: str, ip: str, limits: Limits) -> int:
    """Return the case id if reference and factor match; raise LoginRefused or RateLimited.

    A malformed reference raises references.InvalidReference before any lookup.
    """
    reference = references.normalize(reference_text)
    keys = [f"ref:{reference}", f"ip:{ip}"]
    check_not_limited(keys, limits)
    case = _load_case(reference=reference)
    if not _factor_matches(case, factor_text):
        record_failure(keys)
        raise LoginRefused
    return _succeed(case, keys[0], ip, via="reference")


def login_debtor_by_link(
    case_id: int, link_version: int, factor_text: str, ip: str, limits: Limits
) -> int:
    """Like login_debtor, for a signed link that already names the case."""
    case = _load_case(id=case_id)
    if case is None or case.link_version != link_version:
        raise LinkRevoked
    keys = [f"ref:{case.reference}", f"ip:{ip}"]
    check_not_limited(keys, limits)
    if not _factor_matches(case, factor_text):
        record_failure(keys)
        raise LoginRefused
    return _succeed(case, keys[0], ip, via="link")


class LinkRevoked(Exception):
    """The link names a case that no longer accepts it."""


def link_case(case_id: int, link_version: int) -> Case:
    """The case a genuine link points to, or LinkRevoked."""
    case = _load_case(id=case_id)
    if case is None or case.link_version != link_version:
        raise LinkRevoked
    return case


def _succeed(case: Case, ref_key: str, ip: str, via: str) -> int:
    clear_failures(ref_key)
    audit.record("debtor.login", actor=ActorKind.DEBTOR, case_id=case.id, ip=ip, via=via)
    db.session.commit()
    return case.id


def revoke_links(case_id: int, staff_user_id: int | None = None) -> None:
    """Invalidate every link issued so far for a case."""
    case = db.session.get(Case, case_id)
    case.link_version += 1
    audit.record(
        "case.links_revoked",
        actor=ActorKind.STAFF if staff_user_id else ActorKind.SYSTEM,
        case_id=case_id,
        staff_user_id=staff_user_id,
    )
    db.session.commit()


def login_staff(email: str, password: str, ip: str, limits: Limits) -> StaffUser:
    """Return the staff user if e-mail and password match; raise LoginRefused or RateLimited."""
    email = (email or "").strip().lower()
    keys = [f"staff:{email}", f"ip:{ip}"]
    check_not_limited(keys, limits)
    user = db.session.execute(select(StaffUser).filter_by(email=email)).scalar_one_or_none()
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if not (user and valid and user.active):
        record_failure(keys)
        raise LoginRefused
    clear_failures(keys[0])
    user.last_login_at = utcnow()
    audit.record("staff.login", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip)
    db.session.commit()
    return user


def hash_password(password: str) -> str:
    """Hash a password with scrypt (werkzeug's default, memory-hard)."""
    return generate_password_hash(password, method="scrypt")
