"""At phone width: a collector offers a settlement, the debtor pays it with the test card on
the (double's) hosted checkout, the signed webhook settles the case, and the creditor's case
page shows it settled with the offer paid."""

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, Role, SettlementOffer
from portal.services.casework.money import balance_of
from portal.services.clock import today
from tests.factories import PASSWORD
from tests.pay_support import CARD_OK

pytestmark = pytest.mark.browser


@pytest.fixture
def webhooks_to_live_server(stripe_double, live_server):
    """The double sends its signed events to the live server's webhook URL."""
    stripe_double.state.webhook_url = f"{live_server}/stripe/webhook"
    return stripe_double


def staff_login(page, live_server, user):
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    if user.totp_secret:
        page.fill("#code", pyotp.TOTP(user.totp_secret).now())
        page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def narrow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_collector_offer_paid_by_the_debtor_settles_the_case(
    new_page, factories, case_link, live_server, webhooks_to_live_server, screenshot
):
    double = webhooks_to_live_server
    factories.agency()
    case = factories.case(lines=(25_000,), debtor_=factories.debtor(language="en"))
    collector = factories.staff(Role.COLLECTOR, name="Camille Martin")
    creditor_user = factories.staff(Role.CREDITOR, case.creditor)

    staff = new_page(locale="en-GB")
    staff_login(staff, live_server, collector)
    staff.goto(f"{live_server}/staff/cases/{case.reference}")
    staff.locator("#settlement summary").click()
    staff.fill("#settlement-amount", "180,00")
    staff.fill("#settlement-deadline", today().isoformat())
    screenshot(staff, "1-collector-offers")
    staff.get_by_test_id("make-settlement").click()
    expect(staff.locator("main")).to_contain_text("Settlement offer made")
    expect(staff.get_by_test_id("settlement-row")).to_contain_text("€180.00")

    debtor = new_page(locale="en-GB")
    debtor.goto(case_link(case))
    debtor.fill("#factor", case.debtor.postcode)
    debtor.locator("main button[type=submit]").click()
    debtor.wait_for_url("**/case")
    offer = debtor.get_by_test_id("settlement-offer")
    expect(offer).to_contain_text("€70.00")  # what is written off
    assert narrow(debtor)
    screenshot(debtor, "2-debtor-sees-offer")
    pay = debtor.get_by_test_id("pay-settlement")
    expect(pay).to_have_text("Pay €180.00 now")
    pay.click()
    debtor.wait_for_url(f"{double.base_url}/checkout/**")
    debtor.fill("#card", CARD_OK)
    debtor.locator("form:has(#card) button").click()
    debtor.wait_for_url("**/pay/payments/**")
    expect(debtor.locator("a[href*='/pay/receipts/']")).to_be_visible(timeout=15_000)
    debtor.goto(f"{live_server}/case")
    expect(debtor.locator(".badge")).to_have_text("Settled")
    expect(debtor.get_by_test_id("settlement-offer")).to_have_count(0)
    assert narrow(debtor)
    screenshot(debtor, "3-debtor-settled")

    db.session.expire_all()
    settled = db.session.get(Case, case.id)
    stored = db.session.execute(select(SettlementOffer)).scalar_one()
    assert (settled.status, stored.status, balance_of(case.id)) == ("settled", "accepted", 0)

    creditor = new_page(locale="en-GB")
    staff_login(creditor, live_server, creditor_user)
    creditor.goto(f"{live_server}/creditor/cases/{case.reference}")
    expect(creditor.locator(".facts .badge")).to_have_text("Settled")
    row = creditor.get_by_test_id("settlement-row")
    expect(row).to_contain_text(stored.reference)
    expect(row).to_contain_text("paid: case settled")
    assert narrow(creditor)
    screenshot(creditor, "4-creditor-sees-settled")
