"""Every call the Stripe gateway makes, in French and English, in Checkout's payment and setup
modes, through the double's check of the SDK's own parameter declarations: Stripe accepts them.

The `stripe_double` fixture also fails any test whose requests the double refused."""

import datetime as dt

import pytest
import stripe

from portal.domain.payments import PaymentPurpose
from portal.extensions import db
from portal.gateway.contract import CheckoutRequest
from portal.gateway.stripe_gateway import checkout_locale
from portal.services import clock
from portal.services.payments import charges, methods
from portal.services.payments import checkout as payments
from portal.services.payments import events as payment_events
from tests.pay_support import CARD_OK, IBAN_OK, as_event, make_plan, pay_hosted

LANGUAGES = [("fr", "fr"), ("en", "en-GB")]


def apply_all(double) -> list[str]:
    double.wait_idle()
    return [payment_events.handle_event(as_event(e)) for e in double.events()]


def session_at_double(double, url: str) -> dict:
    return double.state.get(url.rsplit("/", 1)[-1], "checkout.session")


@pytest.mark.parametrize(("language", "tag"), LANGUAGES)
@pytest.mark.parametrize(
    ("purpose", "amount", "charged"),
    [
        (PaymentPurpose.FULL, None, 10_000),
        (PaymentPurpose.PARTIAL, 2_550, 2_550),
        (PaymentPurpose.INSTALMENT, None, 3_000),
    ],
)
def test_a_payment_checkout_in_each_language_is_accepted_and_paid(
    stripe_double, factories, language, tag, purpose, amount, charged
):
    case = factories.case(lines=(10_000,))
    if purpose is PaymentPurpose.INSTALMENT:
        make_plan(case, (3_000, 7_000), clock.today() + dt.timedelta(days=5))
    payment = payments.start_checkout(
        case,
        purpose,
        amount,
        nonce=f"{purpose}-{language}",
        success_url=lambda pid: f"http://portal.test/pay/payments/{pid}",
        cancel_url="http://portal.test/pay",
        language=language,
    )
    assert payment.status == "pending" and payment.checkout_url
    session = session_at_double(stripe_double, payment.checkout_url)
    assert (session["mode"], session["locale"]) == ("payment", tag)
    assert session["allowed_payment_method_types"] == ["card", "sepa_debit"]
    assert pay_hosted(payment.checkout_url, CARD_OK)[0] == 303
    assert "succeeded" in apply_all(stripe_double)
    db.session.refresh(payment)
    assert payment.status == "succeeded" and payment.amount == charged
    assert stripe_double.refused == []


@pytest.mark.parametrize(("language", "tag"), LANGUAGES)
def test_saving_a_method_charging_it_refunding_and_reconciling_are_accepted(
    stripe_double, factories, language, tag
):
    case = factories.case(factories.creditor(), factories.debtor(language=language), (6_000,))
    make_plan(case, (3_000, 3_000), clock.today() - dt.timedelta(days=1))
    # Setup mode: a customer, then a setup checkout page.
    url = methods.start_setup(
        case, success_url="http://portal.test/pay/method?done=1", cancel_url="x", language=language
    )
    session = session_at_double(stripe_double, url)
    assert (session["mode"], session["locale"]) == ("setup", tag)
    assert session["customer"].startswith("cus_")
    assert pay_hosted(url, IBAN_OK, "sepa_debit")[0] == 303
    assert "method_saved" in apply_all(stripe_double)  # retrieves the SetupIntent and method
    assert methods.saved_method(case.id).label.startswith("SEPA")
    stripe_double.state.events.clear()
    # Off-session charge of the due instalment.
    report = charges.charge_due(clock.today())
    assert report.failed == [] and len(report.charged + report.pending) == 1
    apply_all(stripe_double)
    # Refund, list the refunds, and list the events for reconciliation.
    intent = payments.payment_of_case(case.id, (report.charged + report.pending)[0])
    gw = payments.gateway()
    refund_id = gw.refund(
        idempotency_key=f"refund-{language}",
        payment_intent_id=intent.provider_payment_intent_id,
        amount=1_000,
    )
    assert [r[0] for r in gw.list_refunds(intent.provider_payment_intent_id)] == [refund_id]
    assert payment_events.reconcile().fetched >= 1
    assert stripe_double.refused == []


@pytest.mark.parametrize(("language", "tag"), LANGUAGES)
@pytest.mark.parametrize("amount", [4_200, None])
def test_the_gateway_asks_for_card_and_sepa_in_both_modes(stripe_double, language, tag, amount):
    gw = payments.gateway()
    customer = gw.create_customer(idempotency_key=f"c-{language}", email=None, name="Ann Debtor")
    session = gw.create_checkout(
        CheckoutRequest(
            idempotency_key=f"s-{language}-{amount}",
            success_url="http://portal.test/ok",
            cancel_url="http://portal.test/back",
            metadata={"case_id": "1"},
            amount=amount,
            customer_id=customer,
            language=language,
            save_method=True,  # payment mode: keep the method for later off-session charges
        )
    )
    at_double = stripe_double.state.get(session.id, "checkout.session")
    assert at_double["mode"] == ("setup" if amount is None else "payment")
    assert at_double["locale"] == tag
    assert at_double["payment_method_types"] == ["card", "sepa_debit"]
    if amount:
        assert at_double["_setup_future_usage"] == "off_session"
    assert stripe_double.refused == []


def test_every_portal_language_has_a_locale_stripe_lists(app):
    for language in app.config["LANGUAGES"]:
        assert checkout_locale(language) != "auto"
    assert checkout_locale("de") == "auto"


@pytest.mark.parametrize(
    ("old", "param"),
    [
        ({"payment_method_types": ["card", "sepa_debit"], "locale": "fr"}, "payment_method_types"),
        ({"allowed_payment_method_types": ["card"], "locale": "en_GB"}, "locale"),
    ],
)
def test_the_double_refuses_the_old_checkout_request_naming_the_parameter(
    stripe_double, old, param
):
    """What the gateway sent before: `payment_method_types` and `en_GB` (Babel's, not IETF's)."""
    params = {"mode": "payment", "success_url": "http://portal.test/ok", **old}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        payments.gateway().client.v1.checkout.sessions.create(params=params)
    assert caught.value.http_status == 400 and caught.value.param == param
    assert caught.value.error.type == "invalid_request_error"
    assert [r["error"]["param"] for r in stripe_double.refused] == [param]
    assert stripe_double.state.find("checkout.session") == []
    stripe_double.refused.clear()  # refused on purpose
