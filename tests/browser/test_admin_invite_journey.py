"""At phone width: an admin invites a collector, who opens the e-mailed link, sets a password
and a second factor (the code computed with pyotp from the key shown), and logs in."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.models import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_invites_a_collector_who_sets_up_and_logs_in(
    new_page, factories, live_server, smtp, screenshot
):
    admin = factories.staff(Role.ADMIN, language="en")

    page = new_page(locale="en-GB")
    page.goto(f"{live_server}/staff/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.fill("#code", pyotp.TOTP(admin.totp_secret).now())
    page.locator("main button[type=submit]").click()
    page.goto(f"{live_server}/admin/users")
    page.fill("#email", "nina.collector@agence.example")
    page.fill("#name", "Nina Collector")
    page.select_option("#role", "collector")
    page.select_option("#language", "en")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("main")).to_contain_text("nina.collector@agence.example is invited")
    assert fits_the_width(page)
    screenshot(page, "1-invited")

    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == "nina.collector@agence.example"
    body = smtp.messages[0].get_body(("plain",)).get_content()
    link = re.search(r"(http://127\.0\.0\.1:\d+/staff/password/invite/\S+)", body).group(1)

    nina = new_page(locale="en-GB")
    nina.goto(link)
    expect(nina.locator("main")).to_contain_text("Welcome, Nina Collector")
    password = "blue kettles sing at dawn"
    nina.fill("#password", password)
    nina.fill("#confirm", password)
    nina.get_by_role("button", name="Save the password").click()
    expect(nina.locator("main")).to_contain_text("Your password is set")
    nina.fill("#email", "nina.collector@agence.example")
    nina.fill("#password", password)
    nina.locator("main button[type=submit]").click()
    expect(nina.locator("h1")).to_have_text("Set up a second factor")
    expect(nina.locator("figure.qr svg")).to_be_visible()
    assert fits_the_width(nina)
    screenshot(nina, "2-second-factor")
    secret = nina.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    nina.fill("#code", pyotp.TOTP(secret).now())
    nina.get_by_role("button", name="Confirm").click()
    codes = nina.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    screenshot(nina, "3-recovery-codes")
    nina.get_by_role("link", name="I have kept them, continue").click()
    expect(nina.locator("h1")).to_have_text("Cases")
    expect(nina.locator("header")).to_contain_text("Nina Collector")

    # The admin makes Nina an administrator: her open session ends at once.
    page.goto(f"{live_server}/admin/users")
    page.locator("tr", has_text="nina.collector@agence.example").get_by_role(
        "link", name="Change the role"
    ).click()
    page.select_option("#role", "admin")
    page.get_by_role("button", name="Change the role").click()
    expect(page.locator("main")).to_contain_text("Nina Collector's role is changed")
    nina.reload()
    expect(nina).to_have_url(re.compile(r"/staff/login"))
