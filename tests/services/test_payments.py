"""Online payments through the real SDK over HTTP to the double: every flow, applied by events."""

import io
import json
import random
import urllib.request

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.domain.ledger import EntryKind
from portal.domain.payments import AboveBalance, BelowMinimum, NothingToPay, PaymentPurpose
from portal.extensions import db
from portal.gateway.contract import ProviderUnavailable
from portal.models import AuditEvent, LedgerEntry, Message, Payment, Receipt, WebhookEvent
from portal.services import clock
from portal.services.cases.ledger import add_entry
from portal.services.payments import checkout as payments
from portal.services.payments import events as payment_events
from tests.pay_support import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    IBAN_FAILS,
    IBAN_OK,
    as_event,
    pay_hosted,
    post_hosted,
)


def start(case, purpose=PaymentPurpose.FULL, amount=None, nonce="n1"):
    return payments.start_checkout(
        case,
        purpose,
        amount,
        nonce=nonce,
        success_url=lambda pid: f"http://portal.test/pay/payments/{pid}",
        cancel_url="http://portal.test/pay",
        language="fr",
    )


def apply_all(double, shuffle=False, repeat=1):
    """Deliver every event the double recorded, maybe shuffled and several times."""
    double.wait_idle()
    raw = double.events() * repeat
    if shuffle:
        random.Random(7).shuffle(raw)
    return [payment_events.handle_event(as_event(e)) for e in raw]


def ledger_payments(case_id):
    return (
        db.session.execute(
            select(LedgerEntry.amount).where(
                LedgerEntry.case_id == case_id, LedgerEntry.kind == EntryKind.PAYMENT
            )
        )
        .scalars()
        .all()
    )


def test_pay_in_full_by_card_records_one_entry_a_receipt_and_an_email(
    stripe_double, factories, smtp
):
    factories.agency()
    case = factories.case(lines=(12_345,))
    payment = start(case)
    assert payment.status == "pending" and payment.amount == 12_345
    assert payment.checkout_url.startswith(stripe_double.base_url)
    status, location = pay_hosted(payment.checkout_url, CARD_OK)
    assert status == 303 and location.endswith(f"/pay/payments/{payment.id}")
    db.session.refresh(payment)
    assert payment.status == "pending"  # the redirect alone proves nothing
    outcomes = apply_all(stripe_double)
    assert "succeeded" in outcomes
    db.session.refresh(payment)
    db.session.refresh(case)
    assert payment.status == "succeeded"
    assert ledger_payments(case.id) == [-12_345]
    assert payments.balance(case.id) == 0
    assert case.status == "paid"
    receipt = db.session.execute(select(Receipt)).scalar_one()
    assert receipt.number.startswith("Q") and receipt.balance_after == 0
    assert len(smtp.messages) == 1 and receipt.number in smtp.messages[0]["Subject"]
    [attached] = list(smtp.messages[0].iter_attachments())  # the receipt itself, as a PDF
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == f"quittance-{receipt.number}.pdf"
    pages = PdfReader(io.BytesIO(attached.get_content())).pages
    pdf_text = "".join(page.extract_text() for page in pages)
    assert receipt.number in pdf_text and "123,45" in pdf_text


def test_duplicates_in_any_order_leave_the_ledger_exact(stripe_double, factories):
    case = factories.case(lines=(50_000,))
    first = start(case, PaymentPurpose.PARTIAL, 20_000, nonce="a")
    second = start(case, PaymentPurpose.PARTIAL, 10_000, nonce="b")
    pay_hosted(first.checkout_url, CARD_OK)
    pay_hosted(second.checkout_url, IBAN_OK, "sepa_debit")
    outcomes = apply_all(stripe_double, shuffle=True, repeat=3)
    assert outcomes.count("duplicate") == len(outcomes) * 2 // 3
    assert sorted(ledger_payments(case.id)) == [-20_000, -10_000]
    assert payments.balance(case.id) == 20_000
    assert db.session.scalar(select(func.count(Receipt.id))) == 2


def test_partial_amount_bounds_store_nothing(stripe_double, factories):
    case = factories.case(lines=(5_000,))
    with pytest.raises(AboveBalance):
        start(case, PaymentPurpose.PARTIAL, 5_001)
    with pytest.raises(BelowMinimum):
        start(case, PaymentPurpose.PARTIAL, 999)
    paid = factories.case(lines=(5_000,), payments=(5_000,))
    with pytest.raises(NothingToPay):
        start(paid)
    with pytest.raises(NothingToPay):  # no plan, so no instalment to pay
        start(case, PaymentPurpose.INSTALMENT)
    assert db.session.scalar(select(func.count(Payment.id))) == 0


def test_same_form_submitted_twice_starts_one_payment(stripe_double, factories):
    case = factories.case()
    assert start(case, nonce="same").id == start(case, nonce="same").id
    assert len(stripe_double.state.find("checkout.session")) == 1


def test_sepa_pending_then_succeeded_or_failed(stripe_double, factories):
    ok_case, bad_case = factories.case(lines=(3_000,)), factories.case(lines=(4_000,))
    ok, bad = start(ok_case), start(bad_case)
    pay_hosted(ok.checkout_url, IBAN_OK, "sepa_debit")
    pay_hosted(bad.checkout_url, IBAN_FAILS, "sepa_debit")
    completed = [e for e in stripe_double.events() if e["type"] == "checkout.session.completed"]
    for raw in completed:
        payment_events.handle_event(as_event(raw))
    db.session.refresh(ok)
    assert ok.status == "processing" and ledger_payments(ok_case.id) == []
    apply_all(stripe_double)
    db.session.refresh(ok)
    db.session.refresh(bad)
    assert ok.status == "succeeded" and ok.method == "sepa_debit"
    assert bad.status == "failed" and bad.failure_code == "insufficient_funds"
    assert ledger_payments(ok_case.id) == [-3_000] and ledger_payments(bad_case.id) == []


def test_declined_card_then_another_card_on_the_same_page(stripe_double, factories):
    case = factories.case(lines=(2_500,))
    payment = start(case)
    status, body = pay_hosted(payment.checkout_url, CARD_DECLINED)
    assert status == 402 and "declined" in body
    assert apply_all(stripe_double) == ["attempt_failed"]
    db.session.refresh(payment)
    assert payment.status == "pending"
    assert pay_hosted(payment.checkout_url, CARD_OK)[0] == 303
    apply_all(stripe_double)
    db.session.refresh(payment)
    assert payment.status == "succeeded" and ledger_payments(case.id) == [-2_500]


def test_authentication_step_then_success(stripe_double, factories):
    case = factories.case(lines=(2_500,))
    payment = start(case)
    status, location = pay_hosted(payment.checkout_url, CARD_3DS)
    assert status == 303 and location.endswith("/authenticate")
    assert stripe_double.events() == []
    status, location = post_hosted(payment.checkout_url + "/authenticate", outcome="complete")
    assert status == 303 and location.endswith(f"/pay/payments/{payment.id}")
    apply_all(stripe_double)
    db.session.refresh(payment)
    assert payment.status == "succeeded"


def test_payment_above_a_changed_balance_keeps_the_excess_as_a_credit(stripe_double, factories):
    case = factories.case(lines=(10_000,))
    payment = start(case)
    # Meanwhile a bank transfer of 30.00 is recorded by a collector.
    add_entry(case, EntryKind.PAYMENT, -3_000, occurred_on=clock.today())
    db.session.commit()
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.refresh(payment)
    assert payment.status == "succeeded"
    assert payment.excess_amount == 3_000 and payment.needs_review
    assert payments.balance(case.id) == -3_000  # a credit, never lost
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "payment.excess_credit")
    ).scalar_one()


def test_provider_answering_500_is_recorded_once_as_failed(stripe_double, factories):
    case = factories.case()
    stripe_double.fail_next("/v1/checkout/sessions", "500", times=2)  # both SDK tries
    with pytest.raises(ProviderUnavailable):
        start(case)
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.status == "failed" and payment.failure_code == "provider_unavailable"
    assert ledger_payments(case.id) == []


def test_provider_timing_out_is_recorded_as_failed(stripe_double, factories):
    case = factories.case()
    stripe_double.fail_next("/v1/checkout/sessions", "timeout", times=2)
    with pytest.raises(ProviderUnavailable):
        start(case)
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.failure_code == "provider_unavailable"


def test_expired_checkout_fails_the_payment(stripe_double, factories):
    case = factories.case()
    payment = start(case)
    payments.gateway().client.v1.checkout.sessions.expire(payment.provider_checkout_id)
    assert apply_all(stripe_double) == ["failed"]
    db.session.refresh(payment)
    assert payment.status == "failed" and payment.failure_code == "expired"


def test_refunds_in_any_order_become_ledger_entries(stripe_double, factories):
    case = factories.case(lines=(10_000,))
    payment = start(case)
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.refresh(payment)
    gw = payments.gateway()
    intent = payment.provider_payment_intent_id
    gw.refund(idempotency_key="r1", payment_intent_id=intent, amount=2_000)
    gw.refund(idempotency_key="r2", payment_intent_id=intent, amount=8_000)
    refunds = [e for e in stripe_double.events() if e["type"] == "charge.refunded"]
    for raw in reversed(refunds + refunds):  # the full refund first, each twice
        payment_events.handle_event(as_event(raw))
    refunded = (
        db.session.execute(select(LedgerEntry.amount).where(LedgerEntry.kind == EntryKind.REFUND))
        .scalars()
        .all()
    )
    assert sum(refunded) == 10_000
    db.session.refresh(payment)
    assert payment.status == "refunded"
    assert payments.balance(case.id) == 10_000


def test_chargeback_then_won_dispute(stripe_double, factories):
    case = factories.case(lines=(6_000,))
    payment = start(case)
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.refresh(payment)
    base = stripe_double.base_url
    request = urllib.request.Request(
        f"{base}/_double/disputes",
        data=f"payment_intent={payment.provider_payment_intent_id}".encode(),
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        dispute_id = json.load(response)["id"]
    assert apply_all(stripe_double).count("chargeback") == 1
    assert payments.balance(case.id) == 6_000
    close = urllib.request.Request(
        f"{base}/_double/disputes/{dispute_id}/close", data=b"status=won"
    )
    urllib.request.urlopen(close, timeout=5).close()
    apply_all(stripe_double, shuffle=True, repeat=2)
    assert payments.balance(case.id) == 0
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "payment.chargeback" in actions and "payment.chargeback_won" in actions


def test_reconcile_applies_what_the_webhook_missed(stripe_double, factories):
    case = factories.case(lines=(7_000,))
    payment = start(case)
    pay_hosted(payment.checkout_url, CARD_OK)
    stripe_double.wait_idle()
    report = payment_events.reconcile()
    assert report.fetched == 2 and report.already == 0
    assert {outcome for _, _, outcome in report.applied} == {"succeeded", "stale"}
    assert ledger_payments(case.id) == [-7_000]
    again = payment_events.reconcile()
    assert again.already == 2 and again.applied == []
    sources = db.session.execute(select(WebhookEvent.source)).scalars().all()
    assert set(sources) == {"reconcile"}


def test_unknown_event_types_are_acknowledged(stripe_double, factories):
    from portal.gateway.contract import Event

    assert payment_events.handle_event(Event("evt_x", "customer.created", 1, {})) == "ignored"
    assert payment_events.handle_event(Event("evt_x", "customer.created", 1, {})) == "duplicate"
    assert db.session.scalar(select(func.count(Message.id))) == 0
