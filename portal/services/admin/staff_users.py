"""Staff users from the admin pages: invite by e-mail, deactivate or reactivate, reset the
second factor. Deactivation ends the user's sessions at once (session version)."""

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import ActorKind, Creditor, Role, StaffUser
from portal.services import audit
from portal.services.access import passwords, sessions, totp
from portal.services.access.login import hash_password
from portal.services.admin import AdminError


def list_users() -> list[StaffUser]:
    """Every staff user, admins first, then by e-mail."""
    return list(db.session.execute(select(StaffUser).order_by(StaffUser.email)).scalars())


def _values(user: StaffUser) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "role": str(user.role),
        "creditor_id": user.creditor_id,
        "active": user.active,
    }


def invite(
    admin: StaffUser,
    email: str,
    name: str,
    role: Role,
    creditor_id: int | None,
    language: str | None = None,
    ip: str | None = None,
) -> StaffUser:
    """Create the user with no usable password and e-mail them a link to set one (commits)."""
    email = (email or "").strip().lower()
    if role is Role.CREDITOR:
        if creditor_id is None or db.session.get(Creditor, creditor_id) is None:
            raise AdminError("creditor_needed", "creditor_id")
    else:
        creditor_id = None
    if db.session.execute(select(StaffUser.id).filter_by(email=email)).first():
        raise AdminError("email_taken", "email")
    user = StaffUser(
        email=email,
        name=name.strip(),
        role=role,
        creditor_id=creditor_id,
        language=language,
        # Nobody knows this password: the invitation's link sets the real one.
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("admin.staff_invited", actor=ActorKind.STAFF, staff_user_id=admin.id, ip=ip,
                 target_staff_user_id=user.id, before=None, after=_values(user))  # fmt: skip
    db.session.commit()
    passwords.send_staff_email(
        user,
        "staff_invite",
        _l("Your Amiable staff account"),
        link=passwords.make_link(user, "invite"),
        inviter=admin.name,
        hours=_invite_hours(),
    )
    return user


def _invite_hours() -> int:
    from flask import current_app

    return current_app.config["INVITE_HOURS"]


def set_active(admin: StaffUser, user_id: int, active: bool, ip: str | None = None) -> StaffUser:
    """Deactivate (ending their sessions at once) or reactivate a staff user (commits)."""
    user = db.session.get(StaffUser, user_id)
    if user is None:
        raise AdminError("no_such_user")
    if user.id == admin.id and not active:
        raise AdminError("not_yourself")
    before = _values(user)
    user.active = active
    sessions.bump_staff_version(user.id)
    action = "admin.staff_reactivated" if active else "admin.staff_deactivated"
    audit.record(action, actor=ActorKind.STAFF, staff_user_id=admin.id, ip=ip,
                 target_staff_user_id=user.id, before=before, after=_values(user))  # fmt: skip
    db.session.commit()
    return user


def reset_second_factor(admin: StaffUser, user_id: int, ip: str | None = None) -> None:
    """Remove a user's second factor (they set up a new one at next login); ends sessions."""
    if db.session.get(StaffUser, user_id) is None:
        raise AdminError("no_such_user")
    totp.reset_second_factor(user_id, by_staff_id=admin.id, ip=ip)


def users_of_creditor(creditor_id: int) -> list[StaffUser]:
    """The creditor's users, by e-mail."""
    stmt = select(StaffUser).filter_by(creditor_id=creditor_id).order_by(StaffUser.email)
    return list(db.session.execute(stmt).scalars())


def change_role(
    admin: StaffUser, user_id: int, role: Role, creditor_id: int | None, ip: str | None = None
) -> StaffUser:
    """Give a staff user another role (a creditor user: of one creditor); their sessions end
    at once, so the new role applies from their next login (commits)."""
    user = db.session.get(StaffUser, user_id)
    if user is None:
        raise AdminError("no_such_user")
    if user.id == admin.id:
        raise AdminError("not_your_own_role", "role")
    if role is Role.CREDITOR:
        if creditor_id is None or db.session.get(Creditor, creditor_id) is None:
            raise AdminError("creditor_needed", "creditor_id")
    else:
        creditor_id = None
    before = _values(user)
    if (user.role, user.creditor_id) == (role, creditor_id):
        return user  # nothing changes: no session ended, nothing audited
    user.role, user.creditor_id = role, creditor_id
    sessions.bump_staff_version(user.id)
    audit.record(
        "admin.staff_role_changed",
        actor=ActorKind.STAFF,
        staff_user_id=admin.id,
        ip=ip,
        target_staff_user_id=user.id,
        before=before,
        after=_values(user),
    )
    db.session.commit()
    return user
