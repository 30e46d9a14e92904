"""`charge-due`: instalments charged off-session to the saved method, retried on a schedule,
never charged twice (a unique (instalment, attempt) row is written before the call)."""

import datetime as dt
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.domain.payments import PaymentPurpose, PaymentStatus, next_attempt_on
from portal.domain.plan_states import LIVE_PLAN, InstalmentStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.gateway.contract import Event, GatewayError, ProviderUnavailable
from portal.models import (
    ActorKind,
    Case,
    Instalment,
    Message,
    Payment,
    Plan,
    SavedPaymentMethod,
)
from portal.models.base import utcnow
from portal.services import audit
from portal.services.mail import outbox as mail
from portal.services.payments.checkout import balance, gateway
from portal.services.payments.handlers import charge_failed, succeed


@dataclass
class ChargeReport:
    """What a `charge-due` run did."""

    charged: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    skipped: int = 0


def _due(on: dt.date) -> list[tuple[Instalment, SavedPaymentMethod]]:
    """Unpaid instalments due by `on` of live plans whose case has a saved method and no open
    dispute."""
    rows = db.session.execute(
        select(Instalment, SavedPaymentMethod)
        .join(Plan, Plan.id == Instalment.plan_id)
        .join(SavedPaymentMethod, SavedPaymentMethod.case_id == Plan.case_id)
        .join(Case, Case.id == Plan.case_id)
        .where(
            Plan.status.in_(LIVE_PLAN),
            Case.status != CaseStatus.DISPUTED,  # an open dispute stops the charges
            Instalment.status != InstalmentStatus.PAID,
            Instalment.due_on <= on,
            SavedPaymentMethod.active.is_(True),
        )
        .order_by(Instalment.due_on, Instalment.id)
    ).all()
    return [(i, m) for i, m in rows]


def _next_attempt(instalment: Instalment, on: dt.date) -> tuple[int, Payment | None] | None:
    """(attempt number, payment to retry) for this instalment today, or None to leave it."""
    tries = list(
        db.session.execute(
            select(Payment)
            .where(Payment.instalment_id == instalment.id, Payment.off_session.is_(True))
            .order_by(Payment.attempt)
        ).scalars()
    )
    for payment in tries:
        if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING):
            return None
        if payment.status == PaymentStatus.PENDING:  # the provider never answered: same key
            return (payment.attempt, payment) if payment.failure_code else None
    if not tries:
        return 1, None
    # The day of the first failure where `on` is counted (the portal's zone), not in UTC.
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    first_failure = tries[0].updated_at.astimezone(zone).date()
    when = next_attempt_on(first_failure, len(tries))
    return (len(tries) + 1, None) if when is not None and when <= on else None


def charge_due(on: dt.date) -> ChargeReport:
    """Charge every due instalment off-session once; safe on several machines at once."""
    report = ChargeReport()
    for instalment, method in _due(on):
        plan = db.session.get(Plan, instalment.plan_id)
        found = _next_attempt(instalment, on)
        amount = min(instalment.remaining, balance(plan.case_id))
        if found is None or amount <= 0:
            report.skipped += 1
            continue
        attempt, payment = found
        if payment is None:
            payment = Payment(
                case_id=plan.case_id,
                purpose=PaymentPurpose.INSTALMENT,
                instalment_id=instalment.id,
                attempt=attempt,
                off_session=True,
                amount=amount,
                currency=plan.currency,
                method=method.kind,
                idempotency_key=f"charge:{instalment.id}:{attempt}",
            )
            try:
                with db.session.begin_nested():
                    db.session.add(payment)
            except IntegrityError:  # another runner took this attempt
                report.skipped += 1
                continue
            db.session.commit()
        try:
            result = gateway().charge_off_session(
                idempotency_key=payment.idempotency_key,
                amount=payment.amount,
                currency=payment.currency,
                customer_id=method.provider_customer_id,
                payment_method_id=method.provider_method_id,
                metadata={"payment_id": str(payment.id), "instalment_id": str(instalment.id)},
            )
        except ProviderUnavailable as exc:
            payment.failure_code, payment.failure_message = "provider_unavailable", str(exc)[:300]
            audit.record("payment.provider_error", actor=ActorKind.SYSTEM,
                         case_id=payment.case_id, payment_id=payment.id)  # fmt: skip
            db.session.commit()
            report.pending.append(payment.id)
            continue
        except GatewayError as exc:
            result_status, code = "failed", str(exc)[:64]
            result = None
        else:
            result_status, code = result.status, result.failure_code
        outbox: list[Message] = []
        payment = db.session.execute(
            select(Payment).where(Payment.id == payment.id).with_for_update()
        ).scalar_one()
        if result is not None and result.payment_intent_id:
            payment.provider_payment_intent_id = result.payment_intent_id
        event = Event(id=f"charge:{payment.id}", type="charge-due", created=int(time.time()))
        payment.failure_code = None if result_status in ("succeeded", "processing") else code
        if payment.status != PaymentStatus.PENDING:
            pass  # the webhook got there first
        elif result_status == "succeeded":
            succeed(payment, payment.amount, event, outbox)
            report.charged.append(payment.id)
        elif result_status == "processing":
            payment.status = PaymentStatus.PROCESSING
            report.pending.append(payment.id)
        else:
            payment.status = PaymentStatus.FAILED
            payment.failure_message = (result.failure_message if result else None) or code
            payment.updated_at = utcnow()
            audit.record("payment.failed", actor=ActorKind.STRIPE, case_id=payment.case_id,
                         payment_id=payment.id, code=code)  # fmt: skip
            charge_failed(payment, outbox)
            report.failed.append(payment.id)
        db.session.commit()
        if outbox:
            mail.deliver(outbox)
    return report
