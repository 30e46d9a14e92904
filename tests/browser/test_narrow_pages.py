"""No debtor page scrolls sideways on the narrowest phone (320 px), in French and English:
neither the page itself nor a table inside it (a table that scrolls hides its last column)."""

import pytest

from portal.extensions import db
from portal.models import Message
from tests.browser.conftest import NARROWEST
from tests.browser.tour import build_cases, tour

pytestmark = pytest.mark.browser

WIDER_THAN_THE_SCREEN = """() => {
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth) wide.push("the page");
  for (const el of document.querySelectorAll("main *")) {
    if (el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1
        && getComputedStyle(el).overflowX !== "visible")
      wide.push(el.tagName + "." + el.className);
  }
  return wide;
}"""


@pytest.mark.parametrize(("locale", "lang"), [("fr-FR", "fr"), ("en-GB", "en")])
def test_no_debtor_page_scrolls_sideways_at_320_px(
    new_page, factories, case_link, live_server, screenshot, locale, lang
):
    cases = build_cases(factories, lang)
    page = new_page(locale=locale, viewport=NARROWEST)
    seen = []

    def check(page_, name):
        assert page_.locator("html").get_attribute("lang") == lang, name
        wide = page_.evaluate(WIDER_THAN_THE_SCREEN)
        if wide:
            screenshot(page_, f"wide-{name}-{lang}")
        assert not wide, f"{name} ({lang}) scrolls sideways at 320 px: {wide}"
        seen.append(name)

    tour(page, live_server, cases, case_link(cases.wide), check)
    assert len(seen) >= 20
    # The e-mail itself, as a phone's mail app shows it.
    first_notice = db.session.get(Message, cases.email_id)
    page.set_content(first_notice.body_html)
    check(page, "first notice e-mail")
