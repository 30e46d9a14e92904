"""The webhook URL: signature, tolerance, duplicates, unknown types; and the live-key guard."""

import time

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ConfigError
from portal.extensions import db
from portal.models import LedgerEntry, WebhookEvent
from tests.pay_support import post_event, signed


def succeeded_event(payment, event_id="evt_test_1", amount=None):
    return {
        "id": event_id,
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": payment.provider_payment_intent_id,
                "object": "payment_intent",
                "amount": amount or payment.amount,
                "amount_received": amount or payment.amount,
                "currency": "eur",
                "status": "succeeded",
                "metadata": {"payment_id": str(payment.id)},
                "payment_method_types": ["card"],
            }
        },
    }


def counts():
    events = db.session.scalar(select(func.count(WebhookEvent.id)))
    entries = db.session.scalar(select(func.count(LedgerEntry.id)))
    return events, entries


@pytest.fixture
def pending(factories, stripe_double):
    case = factories.case(lines=(4_000,))
    return factories.online_payment(case, amount=4_000, status="pending")


def test_a_signed_event_is_applied_once(client, pending):
    before = counts()
    first = post_event(client, succeeded_event(pending))
    assert first.status_code == 200 and first.json["outcome"] == "succeeded"
    again = post_event(client, succeeded_event(pending))
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"
    assert counts() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Stripe-Signature": "t=1,v1=deadbeef"},
        {"Stripe-Signature": "garbage"},
    ],
)
def test_badly_signed_events_are_refused_and_nothing_is_recorded(client, pending, headers):
    before = counts()
    payload, _ = signed(succeeded_event(pending))
    response = client.post("/stripe/webhook", data=payload, headers=headers)
    assert response.status_code == 400
    assert counts() == before


def test_wrong_secret_and_tampered_body_are_refused(client, pending):
    before = counts()
    assert post_event(client, succeeded_event(pending), secret="whsec_other").status_code == 400
    payload, headers = signed(succeeded_event(pending))
    tampered = payload.replace(b'"amount": 4000', b'"amount": 1')
    assert client.post("/stripe/webhook", data=tampered, headers=headers).status_code == 400
    assert counts() == before


def test_events_older_than_the_tolerance_are_refused(client, pending):
    old = int(time.time()) - 301
    assert post_event(client, succeeded_event(pending), timestamp=old).status_code == 400
    recent = int(time.time()) - 290
    assert post_event(client, succeeded_event(pending), timestamp=recent).status_code == 200


def test_events_signed_in_the_future_beyond_the_tolerance_are_refused(client, pending):
    """Security review, defect 6: a signature dated ahead (a clock far off, or one made to be
    replayed later) is refused like an old one; a small drift is accepted."""
    before, ahead = counts(), int(time.time()) + 3600
    assert post_event(client, succeeded_event(pending), timestamp=ahead).status_code == 400
    assert counts() == before  # nothing recorded
    drift = int(time.time()) + 60
    assert post_event(client, succeeded_event(pending), timestamp=drift).status_code == 200


def test_unknown_event_types_are_acknowledged(client, stripe_double):
    event = {"id": "evt_unknown", "object": "event", "type": "customer.updated", "created": 1,
             "data": {"object": {"id": "cus_1", "object": "customer"}}}  # fmt: skip
    response = post_event(client, event)
    assert response.status_code == 200 and response.json["outcome"] == "ignored"


def test_more_money_than_asked_is_recorded_and_flagged(client, pending):
    response = post_event(client, succeeded_event(pending, amount=4_500))
    assert response.status_code == 200
    db.session.refresh(pending)
    assert pending.needs_review and pending.excess_amount == 500


def test_live_key_with_the_double_refuses_to_start(monkeypatch, database_url):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_123")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:12111")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_x")
    with pytest.raises(ConfigError, match="live key"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})


def test_real_test_keys_switch_to_stripe(monkeypatch, database_url):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_abc")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_abc")
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"})
    assert app.config["STRIPE_API_BASE"] == ""
    assert app.config["STRIPE_CHECKOUT_ORIGIN"] == "https://checkout.stripe.com"
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_abc")
    assert create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x"}).config["PAYMENTS_ENABLED"]
