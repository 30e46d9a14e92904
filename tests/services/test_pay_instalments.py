"""Instalments: paid through checkout, or charged off-session by `charge-due` to a saved method."""

import datetime as dt
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.payments import PaymentPurpose
from portal.extensions import db
from portal.models import Instalment, Message, Payment, SavedPaymentMethod
from portal.services import clock
from portal.services.payments import charges, methods
from portal.services.payments import checkout as payments
from portal.services.payments import events as payment_events
from tests.pay_support import (
    CARD_3DS,
    CARD_CHARGE_FAILS,
    CARD_OK,
    IBAN_OK,
    as_event,
    make_plan,
    pay_hosted,
)


def apply_all(double):
    double.wait_idle()
    return [payment_events.handle_event(as_event(e)) for e in double.events()]


def save(case, number, method="card"):
    url = methods.start_setup(
        case, success_url="http://portal.test/pay/method?done=1", cancel_url="x", language="fr"
    )
    assert pay_hosted(url, number, method)[0] == 303


def planned_case(factories, double, number=CARD_OK, method="card", amounts=(3_000, 3_000, 4_000)):
    case = factories.case(factories.creditor(), factories.debtor(language="en"), (sum(amounts),))
    make_plan(case, amounts, clock.today() - dt.timedelta(days=1))
    save(case, number, method)
    assert "method_saved" in apply_all(double)
    double.state.events.clear()  # keep the saved method, forget the events already applied
    return case


def instalments(case_id):
    return db.session.execute(
        select(Instalment.status, Instalment.paid_amount).order_by(Instalment.sequence)
    ).all()


def attempts(case_id):
    return db.session.execute(
        select(Payment.attempt, Payment.status, Payment.failure_code)
        .where(Payment.case_id == case_id)
        .order_by(Payment.attempt)
    ).all()


def test_pay_the_next_instalment_through_checkout(stripe_double, factories):
    case = factories.case(lines=(10_000,))
    make_plan(case, (3_000, 3_000, 4_000), clock.today() + dt.timedelta(days=5))
    assert payments.options(case).instalment.remaining == 3_000
    payment = payments.start_checkout(
        case,
        PaymentPurpose.INSTALMENT,
        None,
        nonce="i1",
        success_url=lambda pid: f"http://portal.test/pay/payments/{pid}",
        cancel_url="http://portal.test/pay",
        language="en",
    )
    assert payment.amount == 3_000 and payment.instalment_id is not None
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    assert instalments(case.id)[0] == ("paid", 3_000)
    assert payments.options(case).instalment.sequence == 2


def test_saving_a_method_keeps_only_the_latest(stripe_double, factories):
    case = planned_case(factories, stripe_double)
    save(case, IBAN_OK, "sepa_debit")
    apply_all(stripe_double)
    saved = db.session.execute(select(SavedPaymentMethod)).scalars().all()
    assert [m.active for m in saved] == [False, True]
    assert methods.saved_method(case.id).label == "SEPA •••• 2606"


def test_charge_due_charges_once_and_allocates_to_the_instalment(stripe_double, factories):
    case = planned_case(factories, stripe_double)
    first = charges.charge_due(clock.today())
    assert len(first.charged) == 1
    again = charges.charge_due(clock.today())
    assert again.charged == [] and again.failed == [] and again.pending == []
    assert instalments(case.id)[0] == ("paid", 3_000)
    assert payments.balance(case.id) == 7_000
    assert len(stripe_double.state.find("payment_intent")) == 1
    # The webhook arriving afterwards changes nothing.
    assert set(apply_all(stripe_double)) <= {"stale"}
    assert payments.balance(case.id) == 7_000


def test_failed_charge_emails_a_link_and_retries_after_3_and_7_days(stripe_double, factories):
    case = planned_case(factories, stripe_double, number=CARD_CHARGE_FAILS)
    today = clock.today()
    assert len(charges.charge_due(today).failed) == 1
    message = db.session.execute(select(Message).where(Message.template == "charge_failed"))
    assert "/l/" in message.scalar_one().body_text
    assert charges.charge_due(today + dt.timedelta(days=2)).skipped == 1
    assert len(charges.charge_due(today + dt.timedelta(days=3)).failed) == 1
    assert charges.charge_due(today + dt.timedelta(days=5)).failed == []
    assert len(charges.charge_due(today + dt.timedelta(days=7)).failed) == 1
    assert charges.charge_due(today + dt.timedelta(days=20)).failed == []  # tries are over
    assert [a[0] for a in attempts(case.id)] == [1, 2, 3]
    assert payments.balance(case.id) == 10_000


def test_retries_count_days_from_the_failure_in_paris(stripe_double, factories):
    """At 00:30 in Paris on 1 January the failure is of that day, though still 31 December in
    UTC: the retry comes 3 days later in Paris, not 2."""
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), tick=True):
        case = planned_case(factories, stripe_double, number=CARD_CHARGE_FAILS)
        today = clock.today()
        assert today == dt.date(2027, 1, 1)
        assert len(charges.charge_due(today).failed) == 1
        assert charges.charge_due(today + dt.timedelta(days=2)).skipped == 1
        assert len(charges.charge_due(today + dt.timedelta(days=3)).failed) == 1
    assert [a[0] for a in attempts(case.id)] == [1, 2]


def test_charge_needing_authentication_asks_the_debtor(stripe_double, factories):
    case = planned_case(factories, stripe_double, number=CARD_3DS)
    assert len(charges.charge_due(clock.today()).failed) == 1
    assert attempts(case.id) == [(1, "failed", "authentication_required")]
    body = db.session.execute(select(Message.body_text)).scalars().all()[-1]
    assert "asks you to confirm" in body


def test_sepa_charge_is_pending_until_the_bank_settles(stripe_double, factories):
    case = planned_case(factories, stripe_double, IBAN_OK, "sepa_debit")
    assert len(charges.charge_due(clock.today()).pending) == 1
    assert attempts(case.id)[0][1] == "processing"
    apply_all(stripe_double)
    assert attempts(case.id)[0][1] == "succeeded"
    assert instalments(case.id)[0] == ("paid", 3_000)


def test_provider_failure_is_retried_with_the_same_key(stripe_double, factories):
    case = planned_case(factories, stripe_double)
    stripe_double.fail_next("/v1/payment_intents", "500", times=2)
    assert len(charges.charge_due(clock.today()).pending) == 1
    assert attempts(case.id) == [(1, "pending", "provider_unavailable")]
    assert len(charges.charge_due(clock.today()).charged) == 1
    assert attempts(case.id) == [(1, "succeeded", None)]
    assert len(stripe_double.state.find("payment_intent")) == 1


@pytest.mark.postgres
def test_two_runners_at_once_never_charge_an_instalment_twice(
    stripe_double, factories, app_factory, app
):
    cases = [planned_case(factories, stripe_double) for _ in range(6)]
    apps = [app_factory(), app_factory()]
    for other in apps:
        other.config.update({k: v for k, v in app.config.items() if k.startswith("STRIPE")})
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run(application):
        try:
            with application.app_context():
                barrier.wait()
                reports.append(charges.charge_due(clock.today()))
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(len(r.charged) for r in reports) == 6
    assert sum(r.skipped for r in reports) == 6  # the other runner left each one alone
    assert len(stripe_double.state.find("payment_intent")) == 6
    assert db.session.scalar(select(func.count(Payment.id))) == 6
    for case in cases:
        assert payments.balance(case.id) == 7_000
