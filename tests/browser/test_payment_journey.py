"""A debtor on a phone pays the whole balance from the case page: the portal form leads to the
(double's) hosted checkout, the test card pays, and the page the debtor returns to says "being
confirmed" until the double's signed webhook reaches the live server, then shows the receipt.
In French and in English."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Payment
from tests.pay_support import CARD_OK

pytestmark = pytest.mark.browser

FR_AMOUNT = "123,45\u00a0€"
EN_AMOUNT = "€123.45"


@pytest.fixture
def webhooks_to_live_server(stripe_double, live_server):
    """The double sends its signed events to the live server's webhook URL."""
    stripe_double.state.webhook_url = f"{live_server}/stripe/webhook"
    return stripe_double


@pytest.mark.parametrize(("locale", "lang", "amount"), [("fr-FR", "fr", FR_AMOUNT),
                                                         ("en-GB", "en", EN_AMOUNT)])  # fmt: skip
def test_pay_in_full_from_the_case_page_to_payment_received(
    new_page,
    factories,
    case_link,
    live_server,
    webhooks_to_live_server,
    screenshot,
    locale,
    lang,
    amount,
):
    double = webhooks_to_live_server
    factories.agency()
    case = factories.case(lines=(12_345,))
    page = new_page(locale=locale)
    page.goto(case_link(case))
    page.fill("#factor", case.debtor.postcode)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/case")

    page.locator("[data-testid=pay-online]").click()
    page.wait_for_url("**/pay")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("[data-testid=full-amount]").inner_text() == amount
    screenshot(page, f"pay-{lang}")
    # A POST answered by a redirect to another origin: allowed by this page's form-action.
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{double.base_url}/checkout/**")
    page.fill("#card", CARD_OK)
    page.locator("form:has(#card) button").click()

    page.wait_for_url("**/pay/payments/**")
    assert page.locator("html").get_attribute("lang") == lang
    receipt = page.locator("a[href*='/pay/receipts/']")
    # The page reloads itself (Refresh header) until the webhook has been applied.
    expect(receipt).to_be_visible(timeout=15_000)
    screenshot(page, f"received-{lang}")
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.status == "succeeded"
    assert page.locator("[data-testid=payment-state]").inner_text() != ""
    pdf = page.request.get(live_server + receipt.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
