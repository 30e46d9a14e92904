"""At phone width: a debtor disputes with a PDF proof, a collector rejects it with an
explanation, the debtor reads it on the case page and reminders resume."""

import datetime as dt

import pyotp
import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Message, Role
from portal.services.reminders import run as reminders
from tests.factories import PASSWORD
from tests.services.test_disputes import PDF

pytestmark = pytest.mark.browser


def reminder_count(case_id: int) -> int:
    return db.session.scalar(
        select(func.count(Message.id)).where(
            Message.case_id == case_id, Message.template.like("reminder%")
        )
    )


NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Paris
LATER = NOW + dt.timedelta(hours=1)  # a reminder run during working hours


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def test_dispute_with_proof_rejected_then_reminders_resume(
    new_page, factories, case_link, live_server, screenshot, tmp_path
):
    factories.agency()
    case = factories.case(lines=(25_000,), debtor_=factories.debtor(language="en"))
    collector = factories.staff(Role.COLLECTOR, name="Camille Martin")
    proof = tmp_path / "bank-statement.pdf"
    proof.write_bytes(PDF)

    debtor = new_page(locale="en-GB")
    debtor.goto(case_link(case))
    debtor.fill("#factor", case.debtor.postcode)
    debtor.locator("main button[type=submit]").click()
    debtor.wait_for_url("**/case")
    debtor.get_by_test_id("dispute-link").click()
    debtor.wait_for_url("**/case/dispute")
    debtor.get_by_label("I have already paid").check()
    debtor.fill("#message", "I paid by bank transfer on 3 May.")
    debtor.set_input_files("#files", str(proof))
    screenshot(debtor, "1-dispute-form")
    debtor.get_by_test_id("dispute-send").click()
    debtor.wait_for_url("**/case/dispute")
    expect(debtor.get_by_test_id("dispute-open")).to_contain_text("being reviewed")
    expect(debtor.get_by_test_id("dispute-file")).to_have_text("bank-statement.pdf")
    debtor.goto(f"{live_server}/case")
    expect(debtor.get_by_test_id("dispute-section")).to_contain_text("being reviewed")
    assert debtor.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(debtor, "2-case-disputed")

    reminders.Runner(at=LATER).run()
    assert reminder_count(case.id) == 0  # nothing while the dispute is open

    staff = new_page(locale="en-GB")
    staff.goto(f"{live_server}/staff/login")
    staff.fill("#email", collector.email)
    staff.fill("#password", PASSWORD)
    staff.locator("main button[type=submit]").click()
    staff.fill("#code", pyotp.TOTP(collector.totp_secret).now())  # a collector's second factor
    staff.locator("main button[type=submit]").click()
    staff.goto(f"{live_server}/staff/cases/{case.reference}")
    dispute = staff.get_by_test_id("staff-dispute")
    expect(dispute).to_contain_text("I paid by bank transfer on 3 May.")
    expect(staff.get_by_test_id("staff-dispute-file")).to_have_text("bank-statement.pdf")
    staff.fill("#reject-explanation", "No transfer from you reached our account in May.")
    screenshot(staff, "3-collector-rejects")
    staff.get_by_test_id("dispute-reject").click()
    expect(staff.locator("main")).to_contain_text("Dispute rejected")

    debtor.goto(f"{live_server}/case")
    section = debtor.get_by_test_id("dispute-section")
    expect(section).to_contain_text("not upheld")
    expect(section).to_contain_text("No transfer from you reached our account in May.")
    assert debtor.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(debtor, "4-debtor-reads-why")

    reminders.Runner(at=LATER).run()
    assert reminder_count(case.id) == 1  # reminders resume
