"""The debtor's payment pages: choose, go to the hosted checkout, come back, see the receipt."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Payment, Role
from portal.services import clock
from portal.services.payments import events as payment_events
from tests.conftest import csrf_token, post_form, staff_log_in
from tests.pay_support import CARD_OK, as_event, make_plan, pay_hosted, post_event


def log_in(client, case, lang="en"):
    post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    if lang:
        post_form(client, "/case", {"lang": lang, "next": "/case"}, post_url="/language")


def text_of(html: str) -> str:
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return plain.replace("\u202f", " ").replace("\xa0", " ")


def submit(client, data: dict):
    page = client.get("/pay")
    form = {"csrf_token": csrf_token(page.text), "nonce": _nonce(page.text), **data}
    return client.post("/pay", data=form)


def _nonce(html: str) -> str:
    return re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)


def payments_count() -> int:
    return db.session.scalar(select(func.count(Payment.id)))


def test_case_page_offers_pay_online_and_the_pay_page_shows_the_amounts(
    client, factories, stripe_double
):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    assert 'href="/pay"' in client.get("/case").text
    page = client.get("/pay")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Everything you owe €123.45" in text
    assert "from €10.00 to €123.45" in text
    assert f"form-action 'self' {stripe_double.base_url}" in page.headers["Content-Security-Policy"]


def test_full_payment_goes_to_checkout_then_waits_for_the_webhook(client, factories, stripe_double):
    factories.agency()
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    response = submit(client, {"choice": "full", "amount": "1"})  # a stray amount is ignored
    assert response.status_code == 303
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.amount == 12_345
    assert response.headers["Location"] == payment.checkout_url
    status, back = pay_hosted(payment.checkout_url, CARD_OK)
    assert back == f"http://localhost/pay/payments/{payment.id}"
    waiting = client.get(f"/pay/payments/{payment.id}")
    assert "Payment being confirmed" in waiting.text and waiting.headers["Refresh"] == "2"
    for raw in stripe_double.events():
        assert post_event(client, raw).status_code == 200
    received = client.get(f"/pay/payments/{payment.id}")
    assert "Payment received" in received.text and "Refresh" not in received.headers
    link = re.search(r'href="(/pay/receipts/\d+\.pdf)"', received.text).group(1)
    pdf = client.get(link)
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = text.replace("\u00a0", " ")
    assert "€123.45" in text and "Remaining balance" in text and "€0.00" in text


def test_partial_payment_within_bounds(client, factories, stripe_double):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    response = submit(client, {"choice": "partial", "amount": "50,50"})
    assert response.status_code == 303
    assert db.session.execute(select(Payment.amount)).scalar_one() == 5_050


def test_tampered_or_bad_amounts_are_refused_and_store_nothing(client, factories, stripe_double):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    cases = {
        "200": "This is more than you owe. Enter at most €123.45.",
        "5": "The smallest amount you can pay online is €10.00.",
        "abc": "Enter an amount, for example 25,50.",
        "-20": "Enter an amount, for example 25,50.",
        "12,345": "Use at most two decimals",
    }
    for typed, message in cases.items():
        response = submit(client, {"choice": "partial", "amount": typed})
        assert response.status_code == 422, typed
        assert message in text_of(response.text), typed
    assert submit(client, {"choice": "everything"}).status_code == 422
    assert payments_count() == 0


def test_paid_case_cannot_be_paid_again(client, factories, stripe_double):
    case = factories.case(lines=(5_000,), payments=(5_000,))
    log_in(client, case)
    page = client.get("/pay")
    assert "There is nothing to pay on this case." in page.text
    token = csrf_token(page.text)
    response = client.post("/pay", data={"csrf_token": token, "choice": "full", "nonce": "x"})
    assert response.status_code == 409
    assert payments_count() == 0


def test_another_case_payment_is_not_found(client, factories, stripe_double):
    mine, other = factories.case(), factories.case()
    theirs = factories.online_payment(other)
    log_in(client, mine)
    assert client.get(f"/pay/payments/{theirs.id}").status_code == 404
    assert client.get(f"/pay/receipts/{theirs.id}.pdf").status_code == 404


def test_provider_failure_shows_try_again_and_the_collector_sees_the_attempt(
    client, web_app, factories, stripe_double
):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    stripe_double.fail_next("/v1/checkout/sessions", "500", times=2)
    response = submit(client, {"choice": "full"})
    assert response.status_code == 503
    assert "Nothing was taken from your account" in text_of(response.text)
    assert db.session.execute(select(Payment.status)).scalar_one() == "failed"
    collector = factories.staff(Role.COLLECTOR)
    staff = web_app.test_client()
    staff_log_in(staff, collector)
    post_form(staff, "/staff/cases/", {"lang": "en", "next": "/"}, post_url="/language")
    page = text_of(staff.get(f"/staff/cases/{case.reference}").text)
    assert "Failed" in page and "The payment provider timed out or failed" in page


def test_creditor_sees_received_payments_not_failed_attempts(client, web_app, factories):
    case = factories.case(lines=(20_000,))
    factories.online_payment(case, amount=5_000)
    factories.online_payment(case, amount=7_000, status="failed", failure_code="card_declined")
    user = factories.staff(Role.CREDITOR, case.creditor)
    staff_log_in(client, user)
    post_form(client, "/creditor/cases", {"lang": "en", "next": "/"}, post_url="/language")
    page = client.get(f"/creditor/cases/{case.reference}").text
    rows = re.findall(r'<tr data-testid="payment-row">(.*?)</tr>', page, re.S)
    assert len(rows) == 1 and "€50.00" in text_of(rows[0]) and "Received" in rows[0]


def test_events_posted_in_shuffled_order_twice_give_one_entry(client, factories, stripe_double):
    case = factories.case(lines=(9_000,))
    log_in(client, case)
    submit(client, {"choice": "full"})
    payment = db.session.execute(select(Payment)).scalar_one()
    pay_hosted(payment.checkout_url, CARD_OK)
    events = stripe_double.events()
    for raw in list(reversed(events)) + events:
        assert post_event(client, raw).status_code == 200
    from portal.services.payments.checkout import balance

    assert balance(case.id) == 0
    # Reconcile finds nothing left to do.
    assert payment_events.reconcile().applied == []
    assert as_event(events[0]).id == events[0]["id"]


def test_plan_case_offers_the_next_instalment_and_saving_a_method(client, factories, stripe_double):
    import datetime as dt

    from tests.pay_support import make_plan

    case = factories.case(lines=(10_000,))
    make_plan(case, (3_000, 3_000, 4_000), dt.date.today() + dt.timedelta(days=3))
    log_in(client, case)
    page = client.get("/pay")
    assert 'value="instalment" checked' in page.text
    assert "The next instalment €30.00" in text_of(page.text)
    response = submit(client, {"choice": "instalment"})
    assert response.status_code == 303
    assert db.session.execute(select(Payment.amount)).scalar_one() == 3_000
    method_page = client.get("/pay/method")
    assert "Save a payment method" in method_page.text
    started = client.post("/pay/method", data={"csrf_token": csrf_token(method_page.text)})
    assert started.status_code == 303
    assert started.headers["Location"].startswith(stripe_double.base_url + "/checkout/")


def test_saving_a_method_without_a_plan_is_refused(client, factories, stripe_double):
    case = factories.case()
    log_in(client, case)
    page = client.get("/pay/method")
    assert "Automatic charges are for instalment plans" in page.text
    refused = client.post("/pay/method", data={"csrf_token": csrf_token(page.text)})
    assert refused.status_code == 409


@pytest.mark.parametrize(("lang", "tag"), [("fr", "fr"), ("en", "en-GB")])
def test_checkout_pages_open_in_the_debtors_language_as_stripe_names_it(
    client, factories, stripe_double, lang, tag
):
    case = factories.case(lines=(10_000,))
    make_plan(case, (3_000, 7_000), clock.today() + dt.timedelta(days=3))
    log_in(client, case, lang)
    paying = submit(client, {"choice": "instalment"})
    method_page = client.get("/pay/method")
    saving = client.post("/pay/method", data={"csrf_token": csrf_token(method_page.text)})
    assert (paying.status_code, saving.status_code) == (303, 303)
    sessions = [
        stripe_double.state.get(r.headers["Location"].rsplit("/", 1)[-1], "checkout.session")
        for r in (paying, saving)
    ]
    assert [(s["mode"], s["locale"]) for s in sessions] == [("payment", tag), ("setup", tag)]
    assert stripe_double.refused == []
