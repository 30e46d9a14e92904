"""Daily digests for creditor users: new proposals, payments, disputes and broken plans.

Owns `CreditorDigest` (who asked for it, and the time covered so far). Views call
`subscribe(user)`, `unsubscribe(user)`, `is_subscribed(user_id)`; `flask portal send-digests`
calls `job.run(now)` once a day (a message key per user and day: twice a day sends once).
"""

from portal.extensions import db
from portal.models import ActorKind, CreditorDigest, StaffUser
from portal.services import audit


def is_subscribed(staff_user_id: int) -> bool:
    """True when the user receives the daily digest."""
    return db.session.get(CreditorDigest, staff_user_id) is not None


def subscribe(user: StaffUser) -> None:
    """Send the user a daily digest from now on."""
    if not is_subscribed(user.id):
        db.session.add(CreditorDigest(staff_user_id=user.id))
        audit.record("digest.subscribed", actor=ActorKind.STAFF, staff_user_id=user.id)
        db.session.commit()


def unsubscribe(user: StaffUser) -> None:
    """Stop the user's daily digest."""
    found = db.session.get(CreditorDigest, user.id)
    if found is not None:
        db.session.delete(found)
        audit.record("digest.unsubscribed", actor=ActorKind.STAFF, staff_user_id=user.id)
        db.session.commit()
