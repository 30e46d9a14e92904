"""The debtor's "Documents": their letters as PDF, and nobody else's."""

import io

from pypdf import PdfReader

from portal.models.base import utcnow
from portal.services.reminders import letters
from tests.conftest import post_form, staff_log_in


def make_letter(db, case, template="first_notice"):
    letter = letters.record_letter(
        key=f"test-letter:{case.id}:{template}",
        case=case,
        agency=None,
        facts=letters.LetterFacts(template, f"{case.display_reference}-1", utcnow()),
        language="en",
    )
    db.session.commit()
    return letter


def debtor_client(web_app, case):
    client = web_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    assert response.status_code == 303
    return client


def test_debtor_lists_and_downloads_letters(web_app, factories, db):
    factories.agency()
    case = factories.case()
    client = debtor_client(web_app, case)
    assert "No letter has been sent" in client.get("/documents").text
    letter = make_letter(db, case)
    page = client.get("/documents").text
    assert f"/documents/{letter.id}.pdf" in page and "Notice of amount due" in page
    response = client.get(f"/documents/{letter.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert case.display_reference in text


def test_another_cases_letter_is_not_found(web_app, factories, db):
    mine, other = factories.case(), factories.case()
    letter = make_letter(db, other)
    client = debtor_client(web_app, mine)
    assert client.get(f"/documents/{letter.id}.pdf").status_code == 404
    assert client.get("/documents/999999.pdf").status_code == 404


def test_staff_open_the_letter_from_the_case_page(web_app, factories, db):
    case = factories.case()
    letter = make_letter(db, case)
    user = factories.staff(language="en")
    client = web_app.test_client()
    staff_log_in(client, user)
    page = client.get(f"/staff/cases/{case.reference}").text
    url = f"/staff/cases/{case.reference}/letters/{letter.id}.pdf"
    assert url in page
    assert client.get(url).data.startswith(b"%PDF")
    other = factories.case()
    assert client.get(f"/staff/cases/{other.reference}/letters/{letter.id}.pdf").status_code == 404


def test_documents_need_a_debtor_session(client):
    assert client.get("/documents").status_code == 302
