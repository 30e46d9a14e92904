"""What a succeeded payment does to the settlement offer it pays.

Paid in full by the deadline, on a case that can still be settled: the rest is written off by
one ledger entry whose memo carries the offer's reference, the offer is accepted, the case's
live plan is cancelled and the case is settled (audit `case.settled`, which the creditor's
webhooks and daily digest report). Paid late, short, or on a disputed case: an ordinary payment,
flagged for a collector to review; nothing is written off, and the offer ends (expired when
late, withdrawn otherwise).
"""

import datetime as dt

from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.domain.payments import PaymentPurpose
from portal.domain.settlement import OfferStatus, move_offer
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Payment, SettlementOffer
from portal.models.base import utcnow
from portal.services import audit
from portal.services.casework.closing import cancel_live_plan

SETTLEABLE = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN})


def offer_paid_by(payment: Payment) -> SettlementOffer | None:
    """The offer this payment was started for, if any (only a debtor's partial payment can be:
    instalment charges and full payments cost no query)."""
    if payment.purpose != PaymentPurpose.PARTIAL or payment.off_session:
        return None
    with db.session.no_autoflush:  # the batch writes its rows at its end, numbered
        return db.session.execute(
            select(SettlementOffer).where(
                SettlementOffer.payment_id == payment.id,
                SettlementOffer.case_id == payment.case_id,
            )
        ).scalar_one_or_none()


def on_payment_succeeded(payment: Payment, amount: int, paid_on: dt.date, batch) -> str | None:
    """Settle the case if `payment` pays its offer in time (the caller commits); returns
    `settled`, `late` or `refused`, or None when the payment pays no offer. `batch` is the
    payment batch (its entries keep the case's balance current)."""
    offer = offer_paid_by(payment)
    if offer is None:
        return None
    case = payment.case
    status = CaseStatus(case.status)
    reason = None
    if offer.status != OfferStatus.OPEN:
        reason = f"offer_{offer.status}"
    elif paid_on > offer.deadline:
        reason = "late"
    elif amount < offer.amount:
        reason = "short"
    elif status not in SETTLEABLE:
        reason = f"case_{status}"
    if reason is not None:
        if offer.status == OfferStatus.OPEN:  # used up: a collector reviews the payment
            target = OfferStatus.EXPIRED if reason == "late" else OfferStatus.WITHDRAWN
            offer.status = move_offer(OfferStatus.OPEN, target)
            offer.ended_at = utcnow()
        payment.needs_review = True
        audit.record("settlement.payment_not_settling", actor=ActorKind.SYSTEM, case_id=case.id,
                     payment_id=payment.id, offer=offer.reference, reason=reason)  # fmt: skip
        return "late" if reason == "late" else "refused"
    rest = batch.owed(case.id)
    if rest > 0:
        offer.write_off_entry = batch.add_entry(
            case, EntryKind.WRITE_OFF, -rest, occurred_on=paid_on,
            memo=f"Settlement {offer.reference}",
        )  # fmt: skip
    offer.status = move_offer(OfferStatus.OPEN, OfferStatus.ACCEPTED)
    offer.ended_at = utcnow()
    cancel_live_plan(case.id, None)
    case.status = move_case(status, CaseStatus.SETTLED)
    case.close_reason = "settled"
    audit.record("case.settled", actor=ActorKind.SYSTEM, case_id=case.id, payment_id=payment.id,
                 offer=offer.reference, amount=amount, written_off=max(rest, 0))  # fmt: skip
    return "settled"
