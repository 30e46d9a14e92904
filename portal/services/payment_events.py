"""Provider events: each recorded once, applied forward only, safe in any order and twice.

A succeeded payment becomes exactly one ledger entry, allocated to the plan's instalments by the
plans service, and a numbered receipt. Refunds and chargebacks become ledger entries too.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain.ledger import EntryKind
from portal.domain.payments import PaymentStatus, is_stale, move_payment
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Case, Message, Payment, PaymentReversal, WebhookEvent
from portal.models.base import utcnow
from portal.payments.gateway import Event
from portal.services import audit, mail, receipts
from portal.services import ledger as ledger_service
from portal.services import plans as plan_service
from portal.services.payments import balance, gateway, today


def handle_event(event: Event, source: str = "webhook") -> str:
    """Record the event once and apply it (commits); returns what happened (`duplicate`, …)."""
    seen = select(WebhookEvent.id).where(WebhookEvent.provider_event_id == event.id)
    if db.session.execute(seen).first() is not None:
        return "duplicate"
    record = WebhookEvent(
        provider_event_id=event.id, type=event.type[:100], created=event.created, source=source
    )
    outbox: list[Message] = []
    handler = HANDLERS.get(event.type)
    # One flush at the end (fewer round trips); the payment row is locked by the handler, so
    # two deliveries of one event apply one after the other and the second finds it stale.
    with db.session.no_autoflush:
        outcome = handler(event, record, outbox) if handler else "ignored"
    record.outcome = outcome
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if db.session.execute(seen).first() is None:
            raise
        return "duplicate"  # the same event, delivered twice at once
    if outbox and mail.smtp_configured():
        mail.deliver(outbox)
    return outcome


def _find_payment(obj: dict, record: WebhookEvent) -> Payment | None:
    """The payment an event's object belongs to, locked for this transaction."""
    kind = obj.get("object")
    conditions = []
    if kind == "checkout.session":
        conditions.append(Payment.provider_checkout_id == obj.get("id"))
    intent_id = obj.get("id") if kind == "payment_intent" else obj.get("payment_intent")
    if isinstance(intent_id, str):
        conditions.append(Payment.provider_payment_intent_id == intent_id)
    reference = (obj.get("metadata") or {}).get("payment_id")
    if isinstance(reference, str) and reference.isdigit():
        conditions.append(Payment.id == int(reference))
    if not conditions:
        return None
    payment = db.session.execute(
        select(Payment)
        .options(
            joinedload(Payment.case, innerjoin=True).joinedload(Case.debtor, innerjoin=True),
            joinedload(Payment.case, innerjoin=True).joinedload(Case.creditor, innerjoin=True),
        )
        .where(or_(*conditions))
        .order_by(Payment.id)
        .limit(1)
        .with_for_update(of=Payment)
    ).scalar_one_or_none()
    if payment is not None:
        record.payment_id = payment.id
        if isinstance(intent_id, str) and payment.provider_payment_intent_id is None:
            payment.provider_payment_intent_id = intent_id
    return payment


def _method_of(obj: dict) -> str | None:
    types = obj.get("payment_method_types") or []
    return types[0] if len(types) == 1 else None


def _advance(payment: Payment, target: PaymentStatus, event: Event, **details) -> str:
    """Move the payment forward; an event for a state already reached or passed is stale."""
    if is_stale(PaymentStatus(payment.status), target):
        return "stale"
    payment.status = move_payment(PaymentStatus(payment.status), target)
    payment.updated_at = utcnow()
    audit.record(
        f"payment.{target}",
        actor=ActorKind.STRIPE,
        case_id=payment.case_id,
        payment_id=payment.id,
        event=event.id,
        **details,
    )
    return str(target)


def succeed(payment: Payment, amount: int, event: Event, outbox: list[Message]) -> str:
    """Money received: one ledger entry, plan allocation, case paid, a numbered receipt."""
    if is_stale(PaymentStatus(payment.status), PaymentStatus.SUCCEEDED):
        return "stale"
    case = payment.case
    paid_on = today()
    owed_before = balance(case.id)
    outcome = _advance(payment, PaymentStatus.SUCCEEDED, event, amount=amount)
    payment.succeeded_at = utcnow()
    payment.ledger_entry = ledger_service.add_entry(
        case, EntryKind.PAYMENT, -amount, occurred_on=paid_on, memo=f"Online payment #{payment.id}"
    )
    if amount != payment.amount:
        payment.needs_review = True
        audit.record("payment.amount_differs", actor=ActorKind.STRIPE, case_id=case.id,
                     payment_id=payment.id, asked=payment.amount, received=amount)  # fmt: skip
    excess = amount - max(owed_before, 0)
    if excess > 0:  # the balance changed meanwhile: keep the excess as a credit, flag it
        payment.excess_amount = excess
        payment.needs_review = True
        audit.record("payment.excess_credit", actor=ActorKind.SYSTEM, case_id=case.id,
                     payment_id=payment.id, excess=excess)  # fmt: skip
    plan_service.apply_payment(case, amount, paid_on)
    owed_after = owed_before - amount
    status = CaseStatus(case.status)
    if owed_after <= 0 and status in (CaseStatus.OPEN, CaseStatus.IN_PLAN):
        case.status = move_case(status, CaseStatus.PAID)
        audit.record("case.paid", actor=ActorKind.SYSTEM, case_id=case.id)
    receipt = receipts.issue(payment, amount, owed_after, paid_on)
    message = receipts.queue_email(receipt, case)
    if message is not None:
        outbox.append(message)
    return outcome


def _amount(obj: dict, payment: Payment) -> int:
    for name in ("amount_received", "amount_total", "amount"):
        value = obj.get(name)
        if isinstance(value, int) and value > 0:
            return value
    return payment.amount


def _on_session_completed(event: Event, record, outbox) -> str:
    obj = event.object
    if obj.get("mode") == "setup":
        from portal.services.charges import save_method

        return save_method(obj, event)
    payment = _find_payment(obj, record)
    if payment is None:
        return "unknown_payment"
    if obj.get("payment_status") == "paid":  # paid at once: a card (a debit settles later)
        payment.method = payment.method or "card"
        return succeed(payment, _amount(obj, payment), event, outbox)
    payment.method = payment.method or "sepa_debit"
    return _advance(payment, PaymentStatus.PROCESSING, event)


def _on_succeeded(event: Event, record, outbox) -> str:
    payment = _find_payment(event.object, record)
    if payment is None:
        return "unknown_payment"
    payment.method = payment.method or _method_of(event.object)
    return succeed(payment, _amount(event.object, payment), event, outbox)


def _on_processing(event: Event, record, outbox) -> str:
    payment = _find_payment(event.object, record)
    if payment is None:
        return "unknown_payment"
    payment.method = payment.method or _method_of(event.object) or "sepa_debit"
    return _advance(payment, PaymentStatus.PROCESSING, event)


def _on_failed(event: Event, record, outbox) -> str:
    obj = event.object
    payment = _find_payment(obj, record)
    if payment is None:
        return "unknown_payment"
    error = obj.get("last_payment_error") or {}
    code = error.get("code") or ("expired" if obj.get("object") == "checkout.session" else "failed")
    checkout_page_open = (
        obj.get("object") == "payment_intent"
        and not payment.off_session
        and payment.status == PaymentStatus.PENDING
    )
    if checkout_page_open:  # a declined card on the hosted page: the debtor may try another
        audit.record("payment.attempt_failed", actor=ActorKind.STRIPE, case_id=payment.case_id,
                     payment_id=payment.id, code=code)  # fmt: skip
        return "attempt_failed"
    if is_stale(PaymentStatus(payment.status), PaymentStatus.FAILED):
        return "stale"
    payment.failure_code = str(code)[:64]
    payment.failure_message = (error.get("message") or "")[:300] or None
    outcome = _advance(payment, PaymentStatus.FAILED, event, code=code)
    if payment.off_session:
        from portal.services.charges import charge_failed

        charge_failed(payment, outbox)
    return outcome


def _reverse(payment: Payment, kind: str, provider_id: str, amount: int, event: Event) -> bool:
    """Write a refund, chargeback or won dispute once (unique kind + provider id)."""
    exists = select(PaymentReversal.id).where(
        PaymentReversal.kind == kind, PaymentReversal.provider_id == provider_id
    )
    if amount <= 0 or db.session.execute(exists).first() is not None:
        return False
    entry_kind = EntryKind.PAYMENT if kind == "chargeback_won" else EntryKind.REFUND
    entry = ledger_service.add_entry(
        payment.case,
        entry_kind,
        -amount if entry_kind is EntryKind.PAYMENT else amount,
        occurred_on=today(),
        memo=f"{kind.replace('_', ' ').capitalize()} of online payment #{payment.id}",
    )
    db.session.flush()
    db.session.add(PaymentReversal(payment_id=payment.id, kind=kind, provider_id=provider_id,
                                   amount=amount, ledger_entry_id=entry.id))  # fmt: skip
    audit.record(f"payment.{kind}", actor=ActorKind.STRIPE, case_id=payment.case_id,
                 payment_id=payment.id, amount=amount, event=event.id)  # fmt: skip
    return True


def _refunded_so_far(payment: Payment) -> int:
    rows = db.session.execute(
        select(PaymentReversal.amount).where(
            PaymentReversal.payment_id == payment.id, PaymentReversal.kind == "refund"
        )
    ).scalars()
    return sum(rows)


def _on_refunded(event: Event, record, outbox) -> str:
    """`charge.refunded` carries the cumulative amount refunded: record what is new."""
    obj = event.object
    payment = _find_payment(obj, record)
    if payment is None or payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return "unknown_payment"
    total = int(obj.get("amount_refunded") or 0)
    new = total - _refunded_so_far(payment)
    if not _reverse(payment, "refund", f"{obj.get('id')}@{total}", new, event):
        return "stale"
    if obj.get("refunded") or total >= payment.amount:
        _advance(payment, PaymentStatus.REFUNDED, event)
    return "refunded"


def _on_dispute(event: Event, record, outbox) -> str:
    obj = event.object
    payment = _find_payment(obj, record)
    if payment is None or payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return "unknown_payment"
    amount = int(obj.get("amount") or 0)
    if event.type == "charge.dispute.created":
        payment.needs_review = True
        done = _reverse(payment, "chargeback", obj["id"], amount, event)
        return "chargeback" if done else "stale"
    if obj.get("status") == "won":
        done = _reverse(payment, "chargeback_won", obj["id"], amount, event)
        return "chargeback_won" if done else "stale"
    return "chargeback_lost"


HANDLERS = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_succeeded,
    "checkout.session.async_payment_failed": _on_failed,
    "checkout.session.expired": _on_failed,
    "payment_intent.succeeded": _on_succeeded,
    "payment_intent.processing": _on_processing,
    "payment_intent.payment_failed": _on_failed,
    "charge.refunded": _on_refunded,
    "charge.dispute.created": _on_dispute,
    "charge.dispute.closed": _on_dispute,
}


@dataclass
class ReconcileReport:
    """What a reconciliation run found and fixed."""

    fetched: int = 0
    already: int = 0
    applied: list[tuple[str, str, str]] = field(default_factory=list)


def reconcile(since: dt.timedelta = dt.timedelta(days=3)) -> ReconcileReport:
    """Fetch the provider's recent events and apply those the webhook missed."""
    report = ReconcileReport()
    for event in gateway().list_events(int(time.time() - since.total_seconds())):
        report.fetched += 1
        outcome = handle_event(event, source="reconcile")
        if outcome == "duplicate":
            report.already += 1
        else:
            report.applied.append((event.id, event.type, outcome))
    return report
