"""Logging in: debtors by reference and factor, staff by e-mail and password, rate limited."""

import hmac
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain import references
from portal.domain.factors import FactorKind, canonical
from portal.extensions import db
from portal.models import ActorKind, Case, StaffUser
from portal.models.base import utcnow
from portal.services import audit
from portal.services.access.throttle import Keys, Limits, RateLimited, give_back, keys_for, take_try

__all__ = ["Limits", "LoginRefused", "RateLimited"]


# Compared against when the reference or e-mail is unknown, so both paths do the same work.
@cache
def _dummy_hash() -> str:
    """Made on first use rather than at import: scrypt is slow on purpose."""
    return generate_password_hash("not-a-real-password")


class LoginRefused(Exception):
    """The credentials do not match; the message never says which part was wrong."""


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
    keys = keys_for("debtor", reference, ip)
    take_try(keys, limits)
    case = _load_case(reference=reference)
    if not _factor_matches(case, factor_text):
        raise LoginRefused
    return _succeed(case, keys, ip, via="reference")


def login_debtor_by_link(
    case_id: int, link_version: int, factor_text: str, ip: str, limits: Limits
) -> int:
    """Like login_debtor, for a signed link that already names the case."""
    case = _load_case(id=case_id)
    if case is None or case.link_version != link_version:
        raise LinkRevoked
    keys = keys_for("debtor", case.reference, ip)
    take_try(keys, limits)
    case = _load_case(id=case_id)  # read again: take_try ended the transaction
    if case is None or not _factor_matches(case, factor_text):
        raise LoginRefused
    return _succeed(case, keys, ip, via="link")


class LinkRevoked(Exception):
    """The link names a case that no longer accepts it."""


def link_case(case_id: int, link_version: int) -> Case:
    """The case a genuine link points to, or LinkRevoked."""
    case = _load_case(id=case_id)
    if case is None or case.link_version != link_version:
        raise LinkRevoked
    return case


def _succeed(case: Case, keys: Keys, ip: str, via: str) -> int:
    give_back(keys)
    audit.record("debtor.login", actor=ActorKind.DEBTOR, case_id=case.id, ip=ip, via=via)
    db.session.commit()
    return case.id


def revoke_links(case_id: int, staff_user_id: int | None = None) -> None:
    """Invalidate every link issued so far for a case, and end its debtor sessions."""
    case = db.session.get(Case, case_id)
    case.link_version += 1
    case.session_version += 1  # a session opened through a revoked link ends too
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
    keys = keys_for("staff", email, ip)
    take_try(keys, limits)
    user = db.session.execute(select(StaffUser).filter_by(email=email)).scalar_one_or_none()
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password or "")
    if not (user and valid and user.active):
        raise LoginRefused
    give_back(keys)
    user.last_login_at = utcnow()
    audit.record("staff.login", actor=ActorKind.STAFF, staff_user_id=user.id, ip=ip)
    db.session.commit()
    return user


def hash_password(password: str) -> str:
    """Hash a password with scrypt (werkzeug's default, memory-hard)."""
    return generate_password_hash(password, method="scrypt")
