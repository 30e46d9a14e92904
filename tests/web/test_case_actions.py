"""The case page's first action pays: one button, straight to the hosted checkout, for the
whole balance or, in a plan, the next instalment; the plan card says how instalments are paid."""

import datetime as dt
import io
import re

import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import Payment
from tests.web.test_pay_pages import log_in, text_of
from tests.web.test_plan_pages import send

PAY_FORM = re.compile(r'<form method="post" action="/pay" class="pay-now">(.*?)</form>', re.S)


def pay_now_form(html: str) -> dict:
    """The fields of the case page's "pay now" form."""
    form = PAY_FORM.search(html)
    assert form, "no pay-now form on the case page"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_the_first_action_pays_the_balance_in_one_tap(client, factories, stripe_double):
    factories.agency()
    case = factories.case(lines=(29_998,))
    log_in(client, case, lang="fr")
    page = client.get("/case")
    text = text_of(page.text)
    assert "Payer 299,98 € maintenant" in text
    # The button comes before every other action, and the page may lead to the checkout.
    assert page.text.index('data-testid="pay-now"') < page.text.index('data-testid="pay-online"')
    assert stripe_double.base_url in page.headers["Content-Security-Policy"]
    fields = pay_now_form(page.text)
    assert fields["choice"] == "full" and fields["csrf_token"] and fields["nonce"]
    response = client.post("/pay", data=fields)
    assert response.status_code == 303
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.amount == 29_998 and response.headers["Location"] == payment.checkout_url


def test_each_view_of_the_page_carries_a_fresh_nonce(client, factories, stripe_double):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    first, second = (pay_now_form(client.get("/case").text) for _ in range(2))
    assert first["nonce"] != second["nonce"]
    assert client.post("/pay", data=first).status_code == 303
    assert client.post("/pay", data=second).status_code == 303
    assert len(db.session.execute(select(Payment)).scalars().all()) == 2


def test_other_amount_and_plan_are_one_tap_away_as_buttons(client, factories, stripe_double):
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    html = client.get("/case").text
    assert re.search(r'<a class="button" href="/pay" data-testid="pay-online">Pay another', html)
    assert re.search(r'<a class="button" href="/case/plan" data-testid="propose-plan">', html)


def test_without_online_payment_there_is_no_pay_button(client, factories, web_app, monkeypatch):
    monkeypatch.setitem(web_app.config, "PAYMENTS_ENABLED", False)
    factories.agency()
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    html = client.get("/case").text
    assert 'data-testid="pay-now"' not in html
    assert "How to pay now" in text_of(html)


def test_agency_phone_and_email_are_links(client, factories):
    agency = factories.agency(phone="01 23 45 67 89")
    case = factories.case(lines=(12_345,))
    log_in(client, case)
    html = client.get("/case").text
    assert f'href="mailto:{agency.email}"' in html
    assert f'href="tel:{agency.phone.replace(" ", "")}"' in html


def test_in_a_plan_the_first_action_pays_the_next_instalment(client, factories, stripe_double):
    factories.agency()
    case = factories.case(lines=(30_000,))
    plan = factories.plan(case, amounts=(10_000, 10_000, 10_000), first_due=dt.date(2026, 7, 1))
    log_in(client, case)
    html = client.get("/case").text
    text = text_of(html)
    assert "Pay the instalment of €100.00" in text
    fields = pay_now_form(html)
    assert fields["choice"] == "instalment"
    assert client.post("/pay", data=fields).status_code == 303
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.instalment_id == plan.instalments[0].id and payment.amount == 10_000
    # The plan card says how instalments are paid and offers automatic payment.
    assert "How you pay the instalments" in text
    assert "Pay instalment 1 now" in text
    assert 'data-testid="save-method"' in html
    setup = re.search(r'<form method="post" action="/pay/method" class="setup-method">(.*?)</form>',
                      html, re.S).group(1)  # fmt: skip
    token = re.search(r'name="csrf_token" value="([^"]+)"', setup).group(1)
    response = client.post("/pay/method", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(stripe_double.base_url)


@time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_agreement_and_plan_pdf_carry_the_payment_details(client, factories):
    agency = factories.agency()
    case = factories.case(lines=(30_000,))
    log_in(client, case)
    data = {"mode": "count", "count": "2", "frequency": "monthly", "first_due_on": "10/12/2026"}
    review = text_of(send(client, data).text)
    assert "Review and confirm" in review
    assert "I pay each instalment online from my case page" in review
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in review
    plan = factories.plan(case, amounts=(15_000, 15_000))
    pdf = client.get(f"/case/plans/{plan.id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    assert agency.iban in text.replace(" ", "")
    assert "How to pay the instalments" in text and case.display_reference in text
    assert "charged automatically" in text


def test_a_paid_case_offers_its_certificate_of_payment_in_full(client, factories):
    factories.agency()
    case = factories.case(lines=(12_345,), payments=(2_345, 10_000))
    log_in(client, case)
    page = client.get("/case")
    assert "Paid in full: nothing remains to be paid." in text_of(page.text)
    assert 'href="/case/certificate.pdf"' in page.text
    pdf = client.get("/case/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    assert f"Certificate of payment in full — case {case.display_reference}" in text
    assert case.debtor.display_name in text and case.creditor.legal_name in text
    assert "has paid in full" in text and "€123.45" in text
    assert "Nothing remains to be paid on this case." in text


@time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False)
def test_the_certificate_is_dated_with_the_day_in_paris(client, factories):
    factories.agency()
    case = factories.case(lines=(12_345,), payments=(12_345,))
    log_in(client, case)
    pdf = client.get("/case/certificate.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    assert "Issued on January 1, 2027" in text  # 00:30 in Paris, still 31 December in UTC


def test_no_certificate_while_something_is_owed(client, factories):
    case = factories.case(lines=(12_345,), payments=(2_345,))
    log_in(client, case)
    assert "certificate.pdf" not in client.get("/case").text
    assert client.get("/case/certificate.pdf").status_code == 404
