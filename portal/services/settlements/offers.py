"""Settlement offers on a case: the live one (an expired one disappears), the policy's offer
(shown from the creditor's bands, stored when the debtor pays it), a collector's one-off offer
(it replaces any open one), and the Checkout that pays one."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from portal.domain.casework import CaseAction
from portal.domain.payments import PaymentPurpose, PaymentStatus
from portal.domain.settlement import (
    OfferSource,
    OfferStatus,
    Terms,
    is_live,
    move_offer,
    one_off_terms,
    policy_terms,
)
from portal.domain.states import ACTIVE_STATUSES, CaseStatus
from portal.extensions import db
from portal.models import ActorKind, Case, Payment, SettlementOffer
from portal.models.base import utcnow
from portal.services import audit
from portal.services.cases.locking import lock_case
from portal.services.casework.actions import lock_for_action
from portal.services.casework.money import balance_of
from portal.services.clock import today
from portal.services.payments import checkout
from portal.services.settlements.policy import bands_of

# A policy offer is made on an open case or one in a plan, never while a dispute is open.
OFFERABLE = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN})
assert OFFERABLE <= ACTIVE_STATUSES


class OfferGone(LookupError):
    """The offer asked for is not open any more (paid, expired, withdrawn or replaced)."""


def _open_offers(case_id: int) -> list[SettlementOffer]:
    return list(
        db.session.execute(
            select(SettlementOffer)
            .where(SettlementOffer.case_id == case_id, SettlementOffer.status == OfferStatus.OPEN)
            .order_by(SettlementOffer.id)
        ).scalars()
    )


def _end(offer: SettlementOffer, target: OfferStatus) -> None:
    offer.status = move_offer(OfferStatus(offer.status), target)
    offer.ended_at = utcnow()


def expire_due(case_id: int, on: dt.date) -> int:
    """Mark the case's open offers past their deadline expired (the caller commits)."""
    count = 0
    for offer in _open_offers(case_id):
        if offer.deadline < on:
            _end(offer, OfferStatus.EXPIRED)
            audit.record("settlement.expired", actor=ActorKind.SYSTEM, case_id=case_id,
                         offer=offer.reference)  # fmt: skip
            count += 1
    return count


def live_offer(case: Case, on: dt.date | None = None) -> SettlementOffer | None:
    """The case's open offer whose deadline has not passed, or None (nothing is written)."""
    on = on or today()
    if CaseStatus(case.status) not in OFFERABLE:
        return None
    for offer in reversed(_open_offers(case.id)):
        if is_live(offer.status, offer.deadline, on):
            return offer
    return None


def _reference(case: Case) -> str:
    made = db.session.execute(
        select(func.count()).select_from(SettlementOffer).where(SettlementOffer.case_id == case.id)
    ).scalar_one()
    return f"S{case.reference}-{made + 1}"


def _add(case: Case, terms: Terms, source: OfferSource, staff_user_id: int | None):
    offer = SettlementOffer(
        reference=_reference(case),
        case_id=case.id,
        balance_at_offer=terms.balance,
        amount=terms.amount,
        discount_bp=terms.discount_bp,
        deadline=terms.deadline,
        source=source,
        created_by_id=staff_user_id,
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def placed_on(case: Case) -> dt.date:
    """The day the case was placed, in the portal's time zone."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return case.created_at.astimezone(zone).date()


def policy_offer(case: Case, balance: int, on: dt.date) -> SettlementOffer | None:
    """The policy's offer on the case as it stands (not stored: nothing is written), or None.

    Its deadline runs from the day the case was placed; the policy offers once per case (a
    stored policy offer, paid, expired or withdrawn, means no other)."""
    if CaseStatus(case.status) not in OFFERABLE:
        return None
    made_before = db.session.execute(
        select(SettlementOffer.id).where(
            SettlementOffer.case_id == case.id, SettlementOffer.source == OfferSource.POLICY
        )
    ).first()
    if made_before is not None:
        return None
    terms = policy_terms(bands_of(case.creditor_id), balance, placed_on(case))
    if terms is None or terms.deadline < on:
        return None
    return SettlementOffer(
        case_id=case.id, balance_at_offer=terms.balance, amount=terms.amount,
        discount_bp=terms.discount_bp, deadline=terms.deadline, source=OfferSource.POLICY,
        status=OfferStatus.OPEN,
    )  # fmt: skip


def offer_for_debtor(case: Case, balance: int | None = None) -> SettlementOffer | None:
    """The offer the debtor sees: the live stored one, else the policy's (unsaved, id None).
    Reads only."""
    on = today()
    found = live_offer(case, on)
    if found is not None:
        return found
    return policy_offer(case, balance_of(case.id) if balance is None else balance, on)


def _store_policy_offer(case: Case, amount: int) -> SettlementOffer:
    """Store the policy's offer the debtor chose to pay (OfferGone if it changed meanwhile)."""
    locked = db.session.execute(
        select(Case).where(Case.id == case.id).with_for_update()
    ).scalar_one()
    on = today()
    if live_offer(locked, on) is not None:
        db.session.rollback()
        raise OfferGone("policy")
    shown = policy_offer(locked, balance_of(case.id), on)
    if shown is None or shown.amount != amount:
        db.session.rollback()
        raise OfferGone("policy")
    offer = _add(locked, Terms(shown.balance_at_offer, shown.amount, shown.discount_bp,
                               shown.deadline), OfferSource.POLICY, None)  # fmt: skip
    audit.record("settlement.offered", actor=ActorKind.SYSTEM, case_id=case.id,
                 offer=offer.reference, amount=offer.amount, deadline=offer.deadline.isoformat(),
                 source=str(OfferSource.POLICY))  # fmt: skip
    db.session.commit()
    return offer


def make_offer(
    case_id: int, staff_user_id: int, amount: int, deadline: dt.date, version: int | None = None
) -> SettlementOffer:
    """A collector's one-off offer: `amount` by `deadline`; it withdraws any open offer.
    Raises ActionNotAllowed, CaseChanged or OfferInvalid (nothing saved); commits."""
    case = lock_for_action(case_id, CaseAction.SETTLEMENT_OFFER, version)
    on = today()
    try:
        terms = one_off_terms(balance_of(case.id), amount, deadline, on)
    except Exception:
        db.session.rollback()
        raise
    expire_due(case.id, on)
    for previous in _open_offers(case.id):
        _end(previous, OfferStatus.WITHDRAWN)
        audit.record("settlement.withdrawn", actor=ActorKind.STAFF, case_id=case.id,
                     staff_user_id=staff_user_id, offer=previous.reference)  # fmt: skip
    offer = _add(case, terms, OfferSource.COLLECTOR, staff_user_id)
    audit.record("settlement.offered", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id, offer=offer.reference, amount=offer.amount,
                 deadline=offer.deadline.isoformat(),
                 source=str(OfferSource.COLLECTOR))  # fmt: skip
    db.session.commit()
    return offer


def withdraw(case_id: int, staff_user_id: int, version: int | None = None) -> None:
    """A collector withdraws the case's open offers (OfferGone if there is none); commits."""
    case = lock_case(case_id, version)
    found = _open_offers(case.id)
    if not found:
        db.session.rollback()
        raise OfferGone(case_id)
    for offer in found:
        _end(offer, OfferStatus.WITHDRAWN)
        audit.record("settlement.withdrawn", actor=ActorKind.STAFF, case_id=case.id,
                     staff_user_id=staff_user_id, offer=offer.reference)  # fmt: skip
    db.session.commit()


def offers_of(case_id: int) -> list[SettlementOffer]:
    """Every offer made on the case, newest first (for staff and the creditor)."""
    return list(
        db.session.execute(
            select(SettlementOffer)
            .where(SettlementOffer.case_id == case_id)
            .order_by(SettlementOffer.id.desc())
        ).scalars()
    )


def accepted_offer(case_id: int) -> SettlementOffer | None:
    """The offer the case was settled by, if any."""
    return db.session.execute(
        select(SettlementOffer).where(
            SettlementOffer.case_id == case_id, SettlementOffer.status == OfferStatus.ACCEPTED
        )
    ).scalar_one_or_none()


def start_payment(case: Case, offer_key: str, amount: int, **checkout_args):
    """Start the Checkout that pays the offer the debtor saw: `offer_key` is the stored offer's
    id or `policy`, `amount` the amount shown. OfferGone when that offer is not live any more
    or its amount changed."""
    if offer_key == "policy":
        offer = _store_policy_offer(case, amount)
    else:
        offer = live_offer(case)
        if offer is None or str(offer.id) != offer_key or offer.amount != amount:
            raise OfferGone(offer_key)
    reused = db.session.get(Payment, offer.payment_id) if offer.payment_id else None
    if reused is not None and reused.status == PaymentStatus.PENDING and reused.checkout_url:
        return reused  # one Checkout per offer while it is open: the offer names its payment
    payment = checkout.start_checkout(
        case, PaymentPurpose.PARTIAL, offer.amount, fixed=True, **checkout_args
    )
    if offer.payment_id != payment.id:
        offer.payment_id = payment.id
        db.session.commit()
    return payment
