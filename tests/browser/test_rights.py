"""The "Your rights" page carries the statute verbatim, in French whatever the language."""

import pytest

from portal.config import ROOT

pytestmark = pytest.mark.browser

STATUTE_FILE = ROOT / "portal" / "legal" / "fr-cpce-L111-8-al2-al3.txt"


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_rights_page_shows_the_statute_verbatim(new_page, live_server, screenshot, locale):
    expected = STATUTE_FILE.read_text(encoding="utf-8").strip()
    page = new_page(locale=locale)

    page.goto(f"{live_server}/")
    page.locator("footer a[href$='/rights']").click()
    page.wait_for_url("**/rights")

    statute = page.locator("[data-testid=statute]")
    paragraphs = statute.locator("p").all_text_contents()
    assert "\n\n".join(paragraphs) == expected
    assert statute.locator("xpath=..").get_attribute("lang") == "fr"
    assert "L111-8" in page.locator(".statute figcaption").inner_text()
    screenshot(page, f"rights-{locale}")
