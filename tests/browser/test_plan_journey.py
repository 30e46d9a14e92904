"""At phone width: the debtor proposes a plan beyond the automatic limits, a collector
counter-proposes, the debtor accepts and sees the plan with its schedule."""

import pyotp
import pytest
from playwright.sync_api import expect

from portal.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_propose_counter_accept(new_page, factories, case_link, live_server, screenshot):
    factories.agency()
    case = factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))
    collector = factories.staff(Role.COLLECTOR)

    debtor = new_page(locale="en-GB")
    debtor.goto(case_link(case))
    debtor.fill("#factor", case.debtor.postcode)
    debtor.locator("main button[type=submit]").click()
    debtor.wait_for_url("**/case")
    debtor.get_by_test_id("propose-plan").click()
    debtor.wait_for_url("**/case/plan")

    # The live preview (plan-preview.js) shows the schedule and the policy's word as one types.
    debtor.fill("#count", "8")
    preview = debtor.locator("#plan-preview")
    expect(preview).to_contain_text("A collector will look at this plan")
    expect(preview.locator("tbody tr")).to_have_count(8)
    screenshot(debtor, "1-live-preview")

    debtor.get_by_role("button", name="Show the schedule").click()
    expect(debtor.locator("#plan-review")).to_contain_text("Review and confirm")
    debtor.get_by_label("I have read this agreement and I accept it.").check()
    screenshot(debtor, "2-review")
    debtor.get_by_role("button", name="Send my proposal").click()
    debtor.wait_for_url("**/case#plan")
    expect(debtor.locator("#plan")).to_contain_text("Waiting for a decision")

    staff = new_page(locale="en-GB")
    staff.goto(f"{live_server}/staff/login")
    staff.fill("#email", collector.email)
    staff.fill("#password", PASSWORD)
    staff.locator("main button[type=submit]").click()
    staff.fill("#code", pyotp.TOTP(collector.totp_secret).now())
    staff.locator("main button[type=submit]").click()
    staff.goto(f"{live_server}/staff/cases/proposals")
    staff.get_by_role("link", name=case.display_reference).click()
    staff.fill("#count", "6")
    staff.get_by_role("button", name="Build the schedule").click()
    staff.get_by_role("button", name="Preview").click()
    expect(staff.locator("#counter")).to_contain_text("Inside the automatic limits")
    staff.get_by_label("The plan lasts too long").last.check()
    staff.fill("#text", "Six months suit the creditor better.")
    screenshot(staff, "3-counter")
    staff.get_by_role("button", name="Send this counter-offer").click()
    expect(staff.locator("main")).to_contain_text("Counter-offer sent")

    debtor.goto(f"{live_server}/case")
    plan = debtor.locator("#plan")
    expect(plan).to_contain_text("We propose this plan instead")
    expect(plan).to_contain_text("Six months suit the creditor better.")
    plan.get_by_label("I have read this agreement and I accept it.").check()
    screenshot(debtor, "4-counter-offer")
    plan.get_by_role("button", name="Accept this plan").click()
    expect(debtor.locator("#plan")).to_contain_text("Active")
    expect(debtor.locator("#plan tbody tr")).to_have_count(6)
    expect(debtor.locator("#plan")).to_contain_text("€100.00")
    expect(debtor.get_by_role("link", name="Download the schedule (PDF)")).to_be_visible()
    # Nothing is wider than the phone.
    width = debtor.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    screenshot(debtor, "5-plan")


def test_without_javascript_at_320px_the_preview_and_confirm_steps_work(
    browser, factories, case_link, screenshot
):
    from tests.browser.conftest import NARROWEST, TIMEOUT_MS

    factories.agency()
    case = factories.case(lines=(15_000,), debtor_=factories.debtor(language="en"))
    context = browser.new_context(viewport=NARROWEST, locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(case_link(case))
        page.fill("#factor", case.debtor.postcode)
        page.locator("main button[type=submit]").click()
        page.wait_for_url("**/case")
        page.get_by_test_id("propose-plan").click()
        page.fill("#count", "3")
        page.get_by_role("button", name="Show the schedule").click()
        expect(page.locator("#plan-preview")).to_contain_text("it will be accepted at once")
        expect(page.locator("#plan-preview tbody tr")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        screenshot(page, "no-js-preview")
        page.get_by_label("I have read this agreement and I accept it.").check()
        page.get_by_role("button", name="Confirm my plan").click()
        expect(page.locator("#plan")).to_contain_text("Active")
        expect(page.locator("#plan tbody tr")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        screenshot(page, "no-js-plan")
    finally:
        context.close()
