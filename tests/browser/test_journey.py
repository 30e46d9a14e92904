"""From the e-mail to Stripe Checkout in three screens (identity, case page, checkout), paid with
4242 on the double: at 360 and 320 px, in French and English, with JavaScript on and off, and
once with the keyboard only. The e-mail is the real first notice, received by a local SMTP
server; its link is followed as a debtor would."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.domain.reminders import next_open
from portal.extensions import db
from portal.models import Payment
from portal.services.reminders import run as reminders
from tests.browser.conftest import NARROWEST, PHONE, TIMEOUT_MS
from tests.pay_support import CARD_OK

pytestmark = pytest.mark.browser

AMOUNTS = {"fr": "Payer 299,98\u00a0€ maintenant", "en": "Pay €299.98 now"}


@pytest.fixture
def webhooks_to_live_server(stripe_double, live_server):
    """The double sends its signed events to the live server's webhook URL."""
    stripe_double.state.webhook_url = f"{live_server}/stripe/webhook"
    return stripe_double


def emailed_link(smtp, factories, lang: str) -> tuple[object, str]:
    """A case and the link of its first notice, as received by the SMTP server."""
    factories.agency(phone="+33 1 84 00 00 00")
    case = factories.case(lines=(29_998,), debtor_=factories.debtor(language=lang))
    # The next moment the debtor may be contacted (not at night, on a Sunday or a holiday).
    at = next_open(dt.datetime.now(dt.UTC), ZoneInfo("Europe/Paris"), case.debtor.postcode)
    report = reminders.run(at)
    assert report.delivered == 1, report
    [received] = smtp.messages
    html = received.get_body(("html",)).get_content()
    assert received["Content-Language"] == lang
    link = re.search(r'href="(http://127\.0\.0\.1:\d+/l/[^"]+)"', html).group(1)
    return case, link


def screens_of(page) -> list[str]:
    """The documents shown one after the other in the page's main frame (its screens)."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and seen.append(frame.url))
    return seen


def no_sideways_scroll(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"{name} scrolls sideways"


def pay_on_the_double(page, double, live_server) -> None:
    """Pay with 4242 on the double's page, come back, and wait for the receipt."""
    page.fill("#card", CARD_OK)
    page.locator("form:has(#card) button").click()
    page.wait_for_url("**/pay/payments/**")
    # The page reloads itself (Refresh header, no script needed) until the webhook is applied.
    expect(page.locator("a[href*='/pay/receipts/']")).to_be_visible(timeout=15_000)
    assert db.session.execute(select(Payment.status)).scalar_one() == "succeeded"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("viewport", [PHONE, NARROWEST], ids=["360", "320"])
@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-GB", "en")])
def test_from_the_email_to_checkout_in_three_screens(
    browser, smtp, factories, live_server, webhooks_to_live_server, screenshot,
    locale, lang, viewport, javascript,
):  # fmt: skip
    double = webhooks_to_live_server
    case, link = emailed_link(smtp, factories, lang)
    context = browser.new_context(viewport=viewport, locale=locale, java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        screens = screens_of(page)
        page.goto(link)  # screen 1: who are you
        assert page.locator("html").get_attribute("lang") == lang
        no_sideways_scroll(page, "identity")
        page.fill("#factor", case.debtor.postcode)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/case")  # screen 2: the case, its first action pays everything
        no_sideways_scroll(page, "case")
        pay = page.get_by_test_id("pay-now")
        assert pay.inner_text() == AMOUNTS[lang]
        box = pay.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # a real touch target
        screenshot(page, f"case-{lang}-{viewport['width']}")
        pay.click()
        page.wait_for_url(f"{double.base_url}/checkout/**")  # screen 3: Stripe Checkout
        assert [url.split("?")[0] for url in screens] == [
            link,
            f"{live_server}/case",
            page.url.split("?")[0],
        ], screens
        no_sideways_scroll(page, "checkout")
        pay_on_the_double(page, double, live_server)
    finally:
        context.close()


def test_keyboard_only(new_page, smtp, factories, live_server, webhooks_to_live_server):
    double = webhooks_to_live_server
    case, link = emailed_link(smtp, factories, "en")
    page = new_page(locale="en-GB")
    page.goto(link)
    # The factor field has the focus: type, then Enter submits the form.
    expect(page.locator("#factor")).to_be_focused()  # autofocus lands once the page is ready
    page.keyboard.type(case.debtor.postcode)
    page.keyboard.press("Enter")
    page.wait_for_url("**/case")
    focused = tab_to(page, "[data-testid=pay-now]")
    assert focused, "the pay button cannot be reached with Tab"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{double.base_url}/checkout/**")
    assert tab_to(page, "#card")
    page.keyboard.type(CARD_OK)
    page.keyboard.press("Enter")
    page.wait_for_url("**/pay/payments/**")
    expect(page.locator("a[href*='/pay/receipts/']")).to_be_visible(timeout=15_000)
    assert tab_to(page, "a[href*='/pay/receipts/']")


def tab_to(page, selector: str, most: int = 40) -> bool:
    """Press Tab until `selector` has the focus (True), or give up after `most` presses."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return True
    return False
