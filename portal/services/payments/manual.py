"""Money received outside the portal (bank transfer, cheque, cash), recorded by a collector.

Recorded as a succeeded payment of provider `manual` with one ledger entry, allocated to the
live plan like an online payment, and a numbered receipt from the same yearly series (its
e-mail goes to the debtor). The form's key makes a second submission of the same form a no-op.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.domain.casework import ACTION_STATES, CaseAction
from portal.domain.ledger import EntryKind
from portal.domain.payments import PaymentPurpose, PaymentStatus
from portal.domain.plan_states import LIVE_PLAN
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Message, Payment, Plan
from portal.models.base import utcnow
from portal.services import audit
from portal.services.cases.ledger import add_entry
from portal.services.cases.locking import lock_case
from portal.services.clock import today
from portal.services.mail import outbox as mail
from portal.services.payments import receipts
from portal.services.payments.checkout import balance
from portal.services.plans import current as plan_service

METHODS = ("transfer", "cheque", "cash")
MAX_AGE_DAYS = 366  # older money is a correction for the agency's accounts, not a receipt


class ManualPaymentRefused(ValueError):
    """The payment cannot be recorded; `reason` says why (`amount`, `future`, `too_old`,
    `method`, `case_closed`, `duplicate`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ManualPayment:
    """What a collector typed."""

    method: str
    amount: int
    received_on: dt.date
    payer_reference: str
    key: str  # the form's own random key: the same form sent twice records one payment


def record(case_id: int, given: ManualPayment, staff_user_id: int, version: int | None = None):
    """Record the payment with its ledger entry and numbered receipt; commits, then e-mails the
    receipt. Raises ManualPaymentRefused (nothing changed), or CaseChanged / CaseNotFound."""
    if given.method not in METHODS:
        raise ManualPaymentRefused("method")
    if not isinstance(given.amount, int) or given.amount <= 0:
        raise ManualPaymentRefused("amount")
    now = today()
    if given.received_on > now:
        raise ManualPaymentRefused("future")
    if given.received_on < now - dt.timedelta(days=MAX_AGE_DAYS):
        raise ManualPaymentRefused("too_old")
    key = f"manual:{given.key}"[:100]
    if db.session.execute(select(Payment.id).where(Payment.idempotency_key == key)).first():
        raise ManualPaymentRefused("duplicate")
    case = lock_case(case_id, version)
    if CaseStatus(case.status) not in ACTION_STATES[CaseAction.MANUAL_PAYMENT]:
        db.session.rollback()
        raise ManualPaymentRefused("case_closed")
    owed_before = balance(case.id)
    payment = Payment(
        case_id=case.id,
        purpose=PaymentPurpose.FULL if given.amount >= owed_before else PaymentPurpose.PARTIAL,
        amount=given.amount,
        currency=case.currency,
        status=PaymentStatus.SUCCEEDED,
        method=given.method,
        provider="manual",
        idempotency_key=key,
        payer_reference=given.payer_reference.strip()[:100] or None,
        recorded_by_id=staff_user_id,
        succeeded_at=utcnow(),
    )
    excess = given.amount - max(owed_before, 0)
    if excess > 0:
        payment.excess_amount, payment.needs_review = excess, True
    db.session.add(payment)
    db.session.flush()
    payment.ledger_entry = add_entry(
        case,
        EntryKind.PAYMENT,
        -given.amount,
        occurred_on=given.received_on,
        memo=f"{given.method.capitalize()} {payment.payer_reference or ''}".strip()[:200],
        staff_user_id=staff_user_id,
    )
    live = db.session.execute(
        select(Plan.id).where(Plan.case_id == case.id, Plan.status.in_(LIVE_PLAN))
    ).first()
    if live:
        plan_service.apply_payment(case, given.amount, given.received_on)
    owed_after = owed_before - given.amount
    if owed_after <= 0 and CaseStatus(case.status) in (CaseStatus.OPEN, CaseStatus.IN_PLAN):
        case.status = move_case(CaseStatus(case.status), CaseStatus.PAID)
        audit.record("case.paid", actor=ActorKind.SYSTEM, case_id=case.id)
    audit.record(
        "payment.recorded_manually",
        actor=ActorKind.STAFF,
        case_id=case.id,
        staff_user_id=staff_user_id,
        payment_id=payment.id,
        method=given.method,
        amount=given.amount,
        received_on=given.received_on.isoformat(),
    )
    outbox: list[Message] = []
    receipt = receipts.issue(payment, given.amount, owed_after, given.received_on)
    receipts.number_and_queue([(receipt, case)], outbox)
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other one recorded it
        db.session.rollback()
        raise ManualPaymentRefused("duplicate") from None
    if outbox and mail.smtp_configured():
        mail.deliver(outbox)
    return payment
