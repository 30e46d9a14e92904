"""Applying a payment's provider events: states move forward only, money received once.

A succeeded payment becomes exactly one ledger entry, allocated to the plan's instalments by the
plans service, and a numbered receipt with its e-mail. Each handler takes the event, its
recorded row and the batch it is applied in, and returns what happened (`succeeded`, `stale`…).
Refunds and chargebacks are in reversals.py.
"""

from flask_babel import lazy_gettext as _l

from portal.domain.ledger import EntryKind
from portal.domain.payments import PaymentStatus, is_stale, move_payment
from portal.domain.states import CaseStatus, move_case
from portal.gateway.contract import Event
from portal.models import ActorKind, Message, Payment, WebhookEvent
from portal.models.base import utcnow
from portal.security import case_link
from portal.services import audit
from portal.services.clock import today
from portal.services.mail import outbox as mail
from portal.services.payments import receipts
from portal.services.payments.batch import Batch
from portal.services.payments.methods import save_method
from portal.services.plans import current as plan_service
from portal.services.settlements import apply as settlement_apply


def find_payment(obj: dict, record: WebhookEvent, batch: Batch) -> Payment | None:
    """The payment an event's object belongs to, locked for this transaction."""
    payment = batch.find(obj)
    if payment is not None:
        record.payment_id = payment.id
    return payment


def advance(payment: Payment, target: PaymentStatus, event: Event, **details) -> str:
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


def succeed(
    payment: Payment, amount: int, event: Event, outbox: list[Message], batch: Batch | None = None
) -> str:
    """Money received: one ledger entry, plan allocation, case paid, a numbered receipt."""
    if is_stale(PaymentStatus(payment.status), PaymentStatus.SUCCEEDED):
        return "stale"
    own_batch = batch is None
    batch = batch or Batch()
    case = payment.case
    paid_on = today()
    owed_before = batch.owed(case.id)
    outcome = advance(payment, PaymentStatus.SUCCEEDED, event, amount=amount)
    payment.succeeded_at = utcnow()
    payment.ledger_entry = batch.add_entry(
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
    if batch.has_live_plan(case.id):
        plan_service.apply_payment(case, amount, paid_on)
    settlement = settlement_apply.on_payment_succeeded(payment, amount, paid_on, batch)
    owed_after = batch.owed(case.id) if settlement == "settled" else owed_before - amount
    status = CaseStatus(case.status)
    if owed_after <= 0 and status in (CaseStatus.OPEN, CaseStatus.IN_PLAN):
        case.status = move_case(status, CaseStatus.PAID)
        audit.record("case.paid", actor=ActorKind.SYSTEM, case_id=case.id)
    # Numbered (and its e-mail queued) once the batch's events are applied: the year's counter
    # is locked last and for as short a time as the transaction allows.
    batch.receipts.append((receipts.issue(payment, amount, owed_after, paid_on), case))
    if own_batch:
        receipts.number_and_queue(batch.receipts, outbox, agency=batch.agency())
    return outcome


def _amount(obj: dict, payment: Payment) -> int:
    for name in ("amount_received", "amount_total", "amount"):
        value = obj.get(name)
        if isinstance(value, int) and value > 0:
            return value
    return payment.amount


def _method_of(obj: dict) -> str | None:
    types = obj.get("payment_method_types") or []
    return types[0] if len(types) == 1 else None


def _on_session_completed(event: Event, record: WebhookEvent, batch: Batch) -> str:
    obj = event.object
    if obj.get("mode") == "setup":
        return save_method(obj, event)
    payment = find_payment(obj, record, batch)
    if payment is None:
        return "unknown_payment"
    if obj.get("payment_status") == "paid":  # paid at once: a card (a debit settles later)
        payment.method = payment.method or "card"
        return succeed(payment, _amount(obj, payment), event, batch.outbox, batch)
    payment.method = payment.method or "sepa_debit"
    return advance(payment, PaymentStatus.PROCESSING, event)


def _on_succeeded(event: Event, record: WebhookEvent, batch: Batch) -> str:
    payment = find_payment(event.object, record, batch)
    if payment is None:
        return "unknown_payment"
    payment.method = payment.method or _method_of(event.object)
    return succeed(payment, _amount(event.object, payment), event, batch.outbox, batch)


def _on_processing(event: Event, record: WebhookEvent, batch: Batch) -> str:
    payment = find_payment(event.object, record, batch)
    if payment is None:
        return "unknown_payment"
    payment.method = payment.method or _method_of(event.object) or "sepa_debit"
    return advance(payment, PaymentStatus.PROCESSING, event)


def _on_failed(event: Event, record: WebhookEvent, batch: Batch) -> str:
    obj = event.object
    payment = find_payment(obj, record, batch)
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
    outcome = advance(payment, PaymentStatus.FAILED, event, code=code)
    if payment.off_session:
        charge_failed(payment, batch.outbox)
    return outcome


HANDLERS = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_succeeded,
    "checkout.session.async_payment_failed": _on_failed,
    "checkout.session.expired": _on_failed,
    "payment_intent.succeeded": _on_succeeded,
    "payment_intent.processing": _on_processing,
    "payment_intent.payment_failed": _on_failed,
}


def charge_failed(payment: Payment, outbox: list[Message]) -> None:
    """Tell the debtor an automatic charge failed (or needs them), with a link to pay."""
    case = payment.case
    message = mail.queue_email(
        key=f"charge-failed:{payment.id}",
        case=case,
        template="charge_failed",
        subject=_l("Your instalment could not be charged"),
        payment=payment,
        needs_action=payment.failure_code in ("authentication_required", "requires_action"),
        link=case_link(case.id, case.link_version),
    )
    if message is not None:
        outbox.append(message)
