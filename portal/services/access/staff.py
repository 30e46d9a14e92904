"""Creating staff users."""

from sqlalchemy import select

from portal.domain import passwords
from portal.extensions import db
from portal.models import ActorKind, Creditor, Role, StaffUser
from portal.services import audit
from portal.services.access.login import hash_password

_WEAK = {
    passwords.Weakness.TOO_SHORT: "the password must have at least 12 characters",
    passwords.Weakness.TOO_LONG: "the password must have at most 200 characters",
    passwords.Weakness.COMMON: "the password is too common or too easy to guess",
    passwords.Weakness.EMAIL: "the password must not contain the e-mail address",
}


class StaffError(ValueError):
    """The staff user cannot be created as asked."""


def create_staff(
    email: str, name: str, password: str, role: Role, creditor_id: int | None = None
) -> StaffUser:
    """Create a staff user; a creditor user must be bound to an existing creditor."""
    email = email.strip().lower()
    if "@" not in email:
        raise StaffError("an e-mail address is needed")
    try:
        passwords.check(password, email)
    except passwords.WeakPassword as exc:
        raise StaffError(_WEAK[exc.reason]) from exc
    if role is Role.CREDITOR:
        if creditor_id is None or db.session.get(Creditor, creditor_id) is None:
            raise StaffError("a creditor user needs an existing creditor id")
    elif creditor_id is not None:
        raise StaffError("only creditor users are bound to a creditor")
    if db.session.execute(select(StaffUser.id).filter_by(email=email)).first():
        raise StaffError(f"{email} already exists")
    user = StaffUser(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        creditor_id=creditor_id,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("staff.created", actor=ActorKind.SYSTEM, staff_user_id=user.id, role=str(role))
    db.session.commit()
    return user
