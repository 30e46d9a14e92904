"""Nothing scrolls sideways on the narrowest phone (320 px), with the longest demo case."""

import pytest
from playwright.sync_api import expect

from portal.services.demo import CONSUMERS, load_demo
from tests.browser.conftest import NARROWEST

pytestmark = pytest.mark.browser


def _scroll_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_no_horizontal_scroll_at_320_px(app, new_page, live_server, screenshot):
    debtors, _ = load_demo(app.config["SECRET_KEY"])
    # The demo's professional debtors have the longest names, several invoices, interest, the
    # 40 EUR indemnity and five- or six-figure amounts: the widest case page there is.
    demo = debtors[len(CONSUMERS) + 1]  # Atelier Numérique SAS: two invoices
    assert demo.factor_kind == "postcode"
    page = new_page(viewport=NARROWEST)
    width = NARROWEST["width"]

    page.goto(f"{live_server}/")
    assert _scroll_width(page) <= width, "the login page scrolls sideways at 320 px"

    page.goto(f"{live_server}/rights")
    assert _scroll_width(page) <= width, "the rights page scrolls sideways at 320 px"

    assert demo.link.startswith(live_server)
    page.goto(demo.link)
    assert _scroll_width(page) <= width, "the link page scrolls sideways at 320 px"
    page.fill("#factor", demo.factor)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/case")
    assert page.locator("article.line").count() >= 2
    assert _scroll_width(page) <= width, "the case page scrolls sideways at 320 px"
    screenshot(page, "case-320")

    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # waits for the new page
    assert _scroll_width(page) <= width, "the English case page scrolls sideways at 320 px"
