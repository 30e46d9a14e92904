"""The Documents page lists everything: letters, e-mails (also after opting out of e-mails),
receipts, the plan with its agreement, and the certificate once the case is paid."""

import io
import re

from pypdf import PdfReader

from portal.models import Plan
from portal.services.reminders import controls
from tests.web.test_documents import debtor_client, make_letter
from tests.web.test_pay_pages import text_of

HTML = (  # an e-mail as recorded: its HTML part
    '<!doctype html><html><head><meta name="viewport" content="width=device-width">'
    '</head><body style="color:#123"><p>Hello</p><a href="http://portal.test/l/x">See</a>'
    "</body></html>"
)


def test_documents_list_letters_emails_receipts_plan_and_certificate(web_app, factories, db):
    factories.agency()
    case = factories.case(lines=(12_345,), payments=(2_345,))
    make_letter(db, case)
    email = factories.recorded_message(case, subject="Amount due", body_html=HTML, template="x")
    other = factories.case()
    factories.recorded_message(other, subject="Someone else's e-mail")
    controls.opt_out(case.debtor_id)  # the e-mails already received stay listed
    plan = factories.plan(case, amounts=(5_000, 5_000))
    payment = factories.online_payment(case, 10_000)
    plan.status = "completed"
    db.session.commit()
    client = debtor_client(web_app, case)
    page = client.get("/documents")
    text = text_of(page.text)
    assert "Letters" in text and "Notice of amount due" in text
    assert "Amount due" in text and "Someone else's e-mail" not in text
    assert "Receipt Q2026-" in text and f'href="/pay/receipts/{payment.id}.pdf"' in page.text
    assert f'href="/case/plans/{plan.id}.pdf"' in page.text
    assert "Payment schedule and agreement" in text
    assert 'href="/case/certificate.pdf"' in page.text  # the payment settled the case
    shown = client.get(f"/documents/emails/{email.id}")
    assert shown.status_code == 200 and "Amount due" in shown.text


def test_another_cases_email_is_not_found(web_app, factories):
    case = factories.case()
    other = factories.case()
    theirs = factories.recorded_message(other)
    client = debtor_client(web_app, case)
    assert client.get(f"/documents/emails/{theirs.id}").status_code == 404
    assert client.get("/documents/emails/99999999999999999999").status_code == 404


def test_an_email_shows_its_text_in_a_portal_page_with_its_links(web_app, factories):
    case = factories.case()
    body = "Line one\nSee http://portal.test/l/abc.def <b>\nLine three"
    message = factories.recorded_message(case, subject="Reminder", body_text=body)
    client = debtor_client(web_app, case)
    page = client.get(f"/documents/emails/{message.id}")
    assert page.status_code == 200 and "Line one\nSee " in page.text
    assert '<a href="http://portal.test/l/abc.def">http://portal.test/l/abc.def</a>' in page.text
    assert "&lt;b&gt;" in page.text  # the text is escaped, never markup


def test_plan_pdf_carries_the_agreement(web_app, factories, db):
    factories.agency()
    case = factories.case(lines=(30_000,), debtor_=factories.debtor(language="en"))
    plan = factories.plan(case, amounts=(15_000, 15_000))
    plan.proposal.consent_text_version = "2026-12-1"
    db.session.commit()
    client = debtor_client(web_app, case)
    pdf = client.get(f"/case/plans/{db.session.get(Plan, plan.id).id}.pdf")
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    )
    assert "Agreement" in text and "I commit to pay each instalment by its due date" in text
