"""A debtor opens the link of a reminder e-mail on a phone, confirms the postcode and sees
what is owed, with the legal mentions, in French and in English; a wrong postcode reveals
nothing."""

from functools import cache

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from portal.config import ROOT
from portal.domain import references

pytestmark = pytest.mark.browser

FRENCH_CATALOG = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
# 1 234,56 EUR as French writes it: narrow no-break space for thousands, no-break space before €.
FR_AMOUNT = "1\u202f234,56\u00a0€"
EN_AMOUNT = "€1,234.56"


@cache
def _french_catalog() -> dict[str, str]:
    """The translated, non-fuzzy entries of the French catalog (none while it is missing)."""
    if not FRENCH_CATALOG.exists():
        return {}
    with FRENCH_CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def french(msgid: str) -> str:
    """What a French page shows for `msgid`: its translation, or the English text while the
    catalog does not have it yet (gettext's own fallback)."""
    return _french_catalog().get(msgid, msgid)


def test_link_factor_balance_and_mentions_in_french_then_english(
    page, new_page, factories, case_link, screenshot
):
    factories.agency()
    creditor = factories.creditor(legal_name="Énergie Test SA")
    case = factories.case(creditor_=creditor, lines=(100_000, 23_456))
    link = case_link(case)

    response = page.goto(link)
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "fr"
    page.fill("#factor", "75 011")  # typed with a space, as people do
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/case")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("[data-testid=balance]").inner_text() == FR_AMOUNT
    assert page.locator("[data-amount=balance]").inner_text() == FR_AMOUNT
    # "Montant dû" once the French catalog has it (until then gettext falls back to English).
    assert page.locator("#balance-title").inner_text() == french("Amount due"), (
        "the page does not match translations/fr: run `make translations`"
    )
    mentions = page.locator("section.mentions")
    assert "recouvrement amiable" in mentions.inner_text()
    assert "Énergie Test SA" in mentions.inner_text()
    assert "Agence Test SAS" in mentions.inner_text()
    screenshot(page, "case-link-fr")

    # The language button switches the whole page, amounts included, and keeps the session.
    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # waits for the new page
    assert page.url.endswith("/case")
    assert page.locator("#balance-title").inner_text() == "Amount due"
    assert page.locator("[data-testid=balance]").inner_text() == EN_AMOUNT
    mentions_en = mentions.inner_text()
    assert "carries out amicable debt recovery" in mentions_en
    assert "recouvrement amiable" in mentions_en
    assert "Énergie Test SA" in mentions_en

    # An English-speaking browser gets the link page in English from the first visit.
    english = new_page(locale="en-GB")
    english.goto(link)
    assert english.locator("html").get_attribute("lang") == "en"
    assert english.locator("h1").inner_text() == "Confirm it is you"


def test_wrong_factor_shows_the_error_and_reveals_nothing(
    page, factories, case_link, live_server, screenshot
):
    factories.agency()
    creditor = factories.creditor(legal_name="Discret Créancier SA")
    debtor = factories.debtor(first_name="Zoé", last_name="Secret")
    case = factories.case(creditor_=creditor, debtor_=debtor, lines=(98_765,))
    secrets_on_record = [
        "Discret Créancier SA",
        "Zoé",
        "Secret",
        "987,65",
        "987.65",
        case.reference,
        references.display(case.reference),
        debtor.postcode,
    ]

    page.goto(case_link(case))
    page.fill("#factor", "13001")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("main button[type=submit]").click()
    assert posted.value.status == 422
    error = page.locator("#factor-error")
    assert error.is_visible()
    assert error.inner_text() == french("This postcode does not match. Check it and try again.")
    # The error is tied to the field for screen readers.
    assert page.get_attribute("#factor", "aria-invalid") == "true"
    assert "factor-error" in page.get_attribute("#factor", "aria-describedby")
    assert page.locator("[data-testid=balance]").count() == 0
    body = page.locator("body").inner_text()
    for secret in secrets_on_record:
        assert secret not in body, f"the refused page shows {secret!r}"
    screenshot(page, "link-wrong-factor")

    # Still no session: the case page sends back to the login page.
    page.goto(f"{live_server}/case")
    assert page.url.startswith(f"{live_server}/")
    assert page.locator("[data-testid=balance]").count() == 0

    # On the login page, a real reference with a wrong postcode and a reference that does not
    # exist get the very same answer, so nobody can learn which references exist.
    unknown = references.generate()
    while unknown == case.reference:
        unknown = references.generate()
    answers = []
    for reference in (references.display(case.reference), references.display(unknown)):
        page.goto(f"{live_server}/")
        page.fill("#reference", reference)
        page.fill("#factor", "13001")
        page.locator("main form button[type=submit]").click()
        page.get_by_role("alert").wait_for()
        answers.append(page.get_by_role("alert").inner_text())
        assert page.locator("[data-testid=balance]").count() == 0
        body = page.locator("body").inner_text()
        for secret in secrets_on_record[:5]:  # the reference typed is shown back, fine
            assert secret not in body, f"the refused login page shows {secret!r}"
    assert answers[0] == answers[1]
