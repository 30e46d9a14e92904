"""Call-back requests and how a debtor prefers to be contacted.

Debtor pages call `request_callback`, `open_request`, `set_channel`, `channel_of`; the
collector's pages call `mark_done`. The queue lists open requests (casework.queue); the
reminder job turns a step into a call-back task for a debtor who prefers the phone.
"""

import datetime as dt

from sqlalchemy import select

from portal.domain import callbacks as rules
from portal.domain.reminders import debtor_zone
from portal.extensions import db
from portal.models import ActorKind, CallbackRequest, Case, DebtorPreference
from portal.models.base import utcnow
from portal.services import audit


class CallbackRefused(ValueError):
    """Nothing was recorded; `reason`: `phone`, `state`, `done`, or a slot's reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def zone_of(case: Case, default: str = "Europe/Paris"):
    """The debtor's time zone (from the country, and the postcode overseas)."""
    return debtor_zone(case.debtor.country, case.debtor.postcode, default)


def open_request(case_id: int) -> CallbackRequest | None:
    """The case's call-back request waiting for a collector, if any."""
    return db.session.execute(
        select(CallbackRequest)
        .where(CallbackRequest.case_id == case_id, CallbackRequest.status == "open")
        .order_by(CallbackRequest.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def request_callback(case_id: int, slot: dt.datetime, phone: str, ip: str | None = None):
    """Ask to be called at `slot` (aware); one open request per case, a new one replaces it.
    Commits; raises CallbackRefused."""
    case = db.session.get(Case, case_id)
    if case is None or case.status not in ("open", "in_plan", "disputed"):
        raise CallbackRefused("state")
    if not rules.valid_phone(phone):
        raise CallbackRefused("phone")
    try:
        rules.check_slot(slot, utcnow(), zone_of(case), case.debtor.postcode)
    except rules.SlotRefused as exc:
        raise CallbackRefused(exc.reason) from None
    previous = open_request(case_id)
    if previous is not None:
        previous.status = "cancelled"
    request = CallbackRequest(case_id=case_id, phone=phone.strip(), slot_at=slot)
    db.session.add(request)
    audit.record("callback.requested", actor=ActorKind.DEBTOR, case_id=case_id, ip=ip,
                 slot=slot.isoformat())  # fmt: skip
    db.session.commit()
    return request


def mark_done(callback_id: int, case_id: int, staff_user_id: int) -> CallbackRequest:
    """A collector called: the request leaves the queue. Commits; raises CallbackRefused."""
    found = db.session.get(CallbackRequest, callback_id)
    if found is None or found.case_id != case_id or found.status != "open":
        raise CallbackRefused("done")
    found.status, found.done_at, found.done_by_id = "done", utcnow(), staff_user_id
    audit.record("callback.done", actor=ActorKind.STAFF, case_id=case_id,
                 staff_user_id=staff_user_id, callback_id=found.id)  # fmt: skip
    db.session.commit()
    return found


def channel_of(debtor_id: int) -> str:
    """How the debtor prefers to be contacted: `email` (the default), `letter` or `phone`."""
    pref = db.session.get(DebtorPreference, debtor_id)
    return (pref.channel if pref and pref.channel else None) or "email"


def set_channel(case: Case, channel: str, phone: str = "", ip: str | None = None) -> None:
    """Record the debtor's preferred channel, and their phone number when given (the phone
    channel needs one). Commits; raises CallbackRefused."""
    if channel not in rules.CHANNELS:
        raise CallbackRefused("channel")
    phone = (phone or "").strip()
    if phone and not rules.valid_phone(phone):
        raise CallbackRefused("phone")
    if channel == "phone" and not (phone or case.debtor.phone):
        raise CallbackRefused("phone")
    if phone:
        case.debtor.phone = phone
    pref = db.session.get(DebtorPreference, case.debtor_id)
    if pref is None:
        pref = DebtorPreference(debtor_id=case.debtor_id)
        db.session.add(pref)
    pref.channel = None if channel == "email" else channel
    audit.record("debtor.contact_preference", actor=ActorKind.DEBTOR, case_id=case.id, ip=ip,
                 channel=channel)  # fmt: skip
    db.session.commit()
