"""Saved payment methods: set up on a hosted checkout, kept when the provider confirms, one
active per case (later instalments are charged to it off-session by `charges`)."""

import secrets

from sqlalchemy import select

from portal.extensions import db
from portal.gateway.contract import CheckoutRequest, Event
from portal.models import ActorKind, Case, SavedPaymentMethod
from portal.services import audit
from portal.services.payments.checkout import gateway


def saved_method(case_id: int) -> SavedPaymentMethod | None:
    """The case's active saved payment method, if any."""
    return db.session.execute(
        select(SavedPaymentMethod)
        .where(SavedPaymentMethod.case_id == case_id, SavedPaymentMethod.active.is_(True))
        .order_by(SavedPaymentMethod.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def start_setup(case: Case, *, success_url: str, cancel_url: str, language: str) -> str:
    """Create a customer (once per case) and a setup checkout page; returns its URL."""
    existing = saved_method(case.id)
    customer = existing.provider_customer_id if existing else None
    if customer is None:
        customer = gateway().create_customer(
            idempotency_key=f"customer:case:{case.id}",
            email=case.debtor.email,
            name=case.debtor.display_name,
        )
    session = gateway().create_checkout(
        CheckoutRequest(
            idempotency_key=f"setup:{case.id}:{secrets.token_hex(8)}",
            success_url=success_url,
            cancel_url=cancel_url,
            metadata={"case_id": str(case.id)},
            amount=None,
            currency=case.currency,
            customer_id=customer,
            language=language,
        )
    )
    audit.record("payment.method_setup_started", actor=ActorKind.DEBTOR, case_id=case.id)
    db.session.commit()
    return session.url


def save_method(session: dict, event: Event) -> str:
    """Keep the method a setup checkout saved, replacing the case's previous one."""
    case_id = str((session.get("metadata") or {}).get("case_id", ""))
    case = db.session.get(Case, int(case_id)) if case_id.isdigit() else None
    if case is None or not session.get("setup_intent") or not session.get("customer"):
        return "unknown_case"
    method = gateway().retrieve_setup_method(session["setup_intent"])
    known = select(SavedPaymentMethod).where(SavedPaymentMethod.provider_method_id == method.id)
    if db.session.execute(known).scalar_one_or_none() is not None:
        return "stale"
    for old in db.session.execute(
        select(SavedPaymentMethod).where(SavedPaymentMethod.case_id == case.id)
    ).scalars():
        old.active = False
    db.session.add(
        SavedPaymentMethod(
            case_id=case.id,
            provider_customer_id=session["customer"],
            provider_method_id=method.id,
            kind=method.kind,
            label=method.label,
        )
    )
    audit.record("payment.method_saved", actor=ActorKind.STRIPE, case_id=case.id, kind=method.kind)
    return "method_saved"
