"""Money going back after a payment: refunds, chargebacks and won disputes, each written once."""

from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.domain.payments import RECEIVED, PaymentStatus
from portal.extensions import db
from portal.gateway.contract import Event
from portal.models import ActorKind, Payment, PaymentReversal, WebhookEvent
from portal.services import audit
from portal.services.clock import today
from portal.services.payments.batch import Batch
from portal.services.payments.handlers import advance, find_payment


def _reverse(
    payment: Payment, kind: str, provider_id: str, amount: int, event: Event, batch: Batch
) -> bool:
    """Write a refund, chargeback or won dispute once (unique kind + provider id)."""
    exists = select(PaymentReversal.id).where(
        PaymentReversal.kind == kind, PaymentReversal.provider_id == provider_id
    )
    if amount <= 0 or db.session.execute(exists).first() is not None:
        return False
    entry_kind = EntryKind.PAYMENT if kind == "chargeback_won" else EntryKind.REFUND
    entry = batch.add_entry(
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


def _received_payment(obj: dict, record: WebhookEvent, batch: Batch) -> Payment | None:
    """The event's payment if its money was received (only then can it be reversed)."""
    payment = find_payment(obj, record, batch)
    return payment if payment is not None and payment.status in RECEIVED else None


def _on_refunded(event: Event, record: WebhookEvent, batch: Batch) -> str:
    """`charge.refunded` carries the cumulative amount refunded: record what is new."""
    obj = event.object
    payment = _received_payment(obj, record, batch)
    if payment is None:
        return "unknown_payment"
    total = int(obj.get("amount_refunded") or 0)
    new = total - _refunded_so_far(payment)
    if not _reverse(payment, "refund", f"{obj.get('id')}@{total}", new, event, batch):
        return "stale"
    if obj.get("refunded") or total >= payment.amount:
        advance(payment, PaymentStatus.REFUNDED, event)
    return "refunded"


def _on_dispute(event: Event, record: WebhookEvent, batch: Batch) -> str:
    obj = event.object
    payment = _received_payment(obj, record, batch)
    if payment is None:
        return "unknown_payment"
    amount = int(obj.get("amount") or 0)
    if event.type == "charge.dispute.created":
        payment.needs_review = True
        done = _reverse(payment, "chargeback", obj["id"], amount, event, batch)
        return "chargeback" if done else "stale"
    if obj.get("status") == "won":
        done = _reverse(payment, "chargeback_won", obj["id"], amount, event, batch)
        return "chargeback_won" if done else "stale"
    return "chargeback_lost"


HANDLERS = {
    "charge.refunded": _on_refunded,
    "charge.dispute.created": _on_dispute,
    "charge.dispute.closed": _on_dispute,
}
