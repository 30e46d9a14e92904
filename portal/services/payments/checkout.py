"""Online payments: what the debtor may pay, starting a hosted checkout, and reading payments."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from portal.domain.payments import (
    RECEIVED,
    NothingToPay,
    PaymentPurpose,
    PaymentStatus,
    check_amount,
    minimum_partial,
)
from portal.extensions import db
from portal.gateway import stripe_gateway
from portal.gateway.contract import CheckoutRequest, Gateway, GatewayError
from portal.models import ActorKind, Case, Instalment, LedgerEntry, Payment
from portal.models.base import utcnow
from portal.services import audit
from portal.services.plans import current as plan_service


def gateway() -> Gateway:
    """The configured payment gateway."""
    return stripe_gateway.from_config()


def balance(case_id: int) -> int:
    """What the case owes now: the sum of its ledger, computed by the database."""
    total = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.case_id == case_id)
    ).scalar_one()
    return int(total)


@dataclass
class PayOptions:
    """What the debtor can pay online now."""

    balance: int
    minimum: int
    instalment: Instalment | None

    @property
    def can_pay(self) -> bool:
        """True when something is owed."""
        return self.balance > 0


def options(case: Case) -> PayOptions:
    """The balance, the smallest partial payment and the next instalment of a live plan."""
    owed = balance(case.id)
    minimum = minimum_partial(owed, current_app.config["PAYMENT_MIN_PARTIAL"])
    instalment = plan_service.next_instalment(case.id) if owed > 0 else None
    return PayOptions(balance=owed, minimum=minimum, instalment=instalment)


def new_nonce() -> str:
    """A random token put in the pay form, so a double submission starts one payment."""
    return secrets.token_urlsafe(16)


def amount_for(case: Case, purpose: PaymentPurpose, amount: int | None) -> tuple[int, int | None]:
    """The amount to charge for `purpose` and the instalment it pays; raises AmountRefused."""
    opts = options(case)
    if not opts.can_pay:
        raise NothingToPay("nothing is owed")
    if purpose is PaymentPurpose.FULL:
        return opts.balance, None
    if purpose is PaymentPurpose.INSTALMENT:
        if opts.instalment is None:
            raise NothingToPay("no instalment is due")
        return min(opts.instalment.remaining, opts.balance), opts.instalment.id
    return check_amount(amount or 0, opts.balance, current_app.config["PAYMENT_MIN_PARTIAL"]), None


def start_checkout(
    case: Case,
    purpose: PaymentPurpose,
    amount: int | None,
    *,
    nonce: str,
    success_url: Callable[[int], str],
    cancel_url: str,
    language: str,
    ip: str | None = None,
    fixed: bool = False,
) -> Payment:
    """Record a pending payment and create its hosted checkout page (commits).

    Raises AmountRefused before anything is stored, and GatewayError (ProviderUnavailable when
    the provider timed out or failed) after recording the attempt as failed, so a collector
    sees it. The same `nonce` twice returns the first payment. With `fixed`, `amount` is
    charged as given (a settlement offer's amount, below the balance and above zero).
    """
    key = f"checkout:{case.id}:{nonce[:40]}"
    existing = db.session.execute(
        select(Payment).where(Payment.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None and existing.case_id == case.id:
        return existing
    if fixed:
        if not amount or not 0 < amount <= balance(case.id):
            raise NothingToPay("the amount is not owed")
        charged, instalment_id = amount, None
    else:
        charged, instalment_id = amount_for(case, purpose, amount)
    payment = Payment(
        case_id=case.id,
        purpose=purpose,
        instalment_id=instalment_id,
        amount=charged,
        currency=case.currency,
        idempotency_key=key,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        "payment.started",
        actor=ActorKind.DEBTOR,
        case_id=case.id,
        ip=ip,
        payment_id=payment.id,
        amount=charged,
        purpose=str(purpose),
    )
    db.session.commit()
    request = CheckoutRequest(
        idempotency_key=key,
        success_url=success_url(payment.id),
        cancel_url=cancel_url,
        metadata={"payment_id": str(payment.id), "case_reference": case.reference},
        amount=charged,
        currency=case.currency,
        description=f"{case.creditor.legal_name} — {case.display_reference}",
        customer_email=case.debtor.email,
        language=language,
    )
    try:
        session = gateway().create_checkout(request)
    except GatewayError as exc:
        record_provider_error(payment, exc)
        raise
    payment.provider_checkout_id = session.id
    payment.checkout_url = session.url
    payment.updated_at = utcnow()
    db.session.commit()
    return payment


def record_provider_error(payment: Payment, exc: Exception) -> None:
    """Mark an attempt the provider failed to take as failed, for the collector (commits)."""
    payment.status = PaymentStatus.FAILED
    payment.failure_code = "provider_unavailable"
    payment.failure_message = str(exc)[:300]
    payment.updated_at = utcnow()
    audit.record(
        "payment.provider_error",
        actor=ActorKind.SYSTEM,
        case_id=payment.case_id,
        payment_id=payment.id,
        error=str(exc)[:200],
    )
    db.session.commit()


def payment_of_case(case_id: int, payment_id: int) -> Payment | None:
    """The payment if it belongs to this case (a debtor never sees another case's)."""
    payment = db.session.get(Payment, payment_id)
    return payment if payment is not None and payment.case_id == case_id else None


def case_payments(case_id: int, *, attempts: bool = True) -> list[Payment]:
    """A case's payments, newest first; without `attempts`, only money received."""
    stmt = select(Payment).where(Payment.case_id == case_id)
    if not attempts:
        stmt = stmt.where(Payment.status.in_(RECEIVED))
    return list(db.session.execute(stmt.order_by(Payment.id.desc())).scalars())
