"""A debtor with the letter in hand logs in from the home page with the case reference and
the date of birth, for a creditor that asks for it."""

import pytest

from portal.domain import references
from portal.domain.factors import FactorKind

pytestmark = pytest.mark.browser


def test_login_with_reference_and_date_of_birth(page, factories, live_server, screenshot):
    factories.agency()
    creditor = factories.creditor(FactorKind.DATE_OF_BIRTH, legal_name="Mutuelle Test")
    case = factories.case(creditor_=creditor, lines=(12_345,))

    page.goto(f"{live_server}/")
    assert page.locator("#login-title").is_visible()
    # Typed the way it is read off the letter: lower case, spaces instead of dashes.
    page.fill("#reference", references.display(case.reference).lower().replace("-", " "))
    page.fill("#factor", "14/03/1985")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/case")

    assert page.locator("[data-testid=balance]").inner_text() == "123,45\u00a0€"
    assert references.display(case.reference) in page.locator(".hero .ref").inner_text()
    assert "Mutuelle Test" in page.locator(".hero").inner_text()
    screenshot(page, "login-case")

    # Logging out ends the session: the case page is no longer reachable.
    page.locator("form[action$='/logout'] button").click()
    page.wait_for_url("**/?logged_out=1")
    page.goto(f"{live_server}/case")
    assert page.locator("[data-testid=balance]").count() == 0
    assert page.locator("#login-title").is_visible()
