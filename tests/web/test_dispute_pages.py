"""Dispute pages: the debtor disputes with proof, the collector decides, files stay private."""

import datetime as dt
import io

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.states import CaseStatus
from portal.models import DisputeFile, Role
from portal.services.disputes import debtor as disputes
from tests.conftest import csrf_token
from tests.services.test_disputes import EXE, PDF
from tests.web.test_overview import log_in, text_of
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(25_000,), debtor_=factories.debtor(language="en"))


def send_dispute(client, files, reason="already_paid", message="Paid in May."):
    page = client.get("/case/dispute")
    data = {"csrf_token": csrf_token(page.text), "reason": reason, "message": message,
            "files": [(io.BytesIO(content), name) for name, content in files]}  # fmt: skip
    return client.post("/case/dispute", data=data, content_type="multipart/form-data")


def file_count(db):
    return db.session.scalar(select(func.count(DisputeFile.id)))


def test_the_debtor_disputes_with_a_pdf_and_sees_it_reviewed(client, case, db):
    log_in(client, case)
    page = client.get("/case")
    assert "Coming soon" not in page.text and 'href="/case/dispute"' in page.text
    response = send_dispute(client, [("proof.pdf", PDF)])
    assert response.status_code == 303 and response.headers["Location"] == "/case/dispute"
    db.session.refresh(case)
    assert case.status == CaseStatus.DISPUTED
    text = text_of(client.get("/case").text)
    assert "Received on 1 December 2026, being reviewed." in text
    dispute_page = client.get("/case/dispute")
    assert "proof.pdf" in dispute_page.text and "Add to my dispute" in dispute_page.text


def test_a_disguised_file_is_refused_and_nothing_is_kept(client, case, db):
    log_in(client, case)
    response = send_dispute(client, [("invoice.pdf", EXE)])
    assert response.status_code == 422
    assert "invoice.pdf is not a PDF, JPEG or PNG file." in text_of(response.text)
    assert "Paid in May." in response.text  # what was typed is still there
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN and file_count(db) == 0


def test_a_file_over_the_limit_is_refused_with_a_message(client, case, db, monkeypatch):
    # the limit made small: the page's behaviour is the same, without sending 10 MB here
    # (tests/services/test_disputes.py refuses a real 10 MB + 1 byte file)
    monkeypatch.setattr("portal.domain.disputes.MAX_FILE_BYTES", 1_000)
    log_in(client, case)
    response = send_dispute(client, [("big.pdf", b"%PDF-" + b"\0" * 1_000)])
    assert response.status_code == 422 and "big.pdf is larger than 10 MB." in text_of(response.text)
    assert file_count(db) == 0


def test_a_request_beyond_every_allowed_file_is_413(client, case, app, web_app, monkeypatch):
    monkeypatch.setitem(web_app.config, "DISPUTE_MAX_BYTES", 2_000)
    log_in(client, case)
    response = send_dispute(client, [("big.pdf", b"%PDF-" + b"\0" * 3_000)])
    assert response.status_code == 413


def test_the_debtor_adds_a_file_while_open(client, case, db):
    log_in(client, case)
    send_dispute(client, [])
    page = client.get("/case/dispute")
    response = client.post(
        "/case/dispute/add",
        data={
            "csrf_token": csrf_token(page.text),
            "message": "Bank statement attached.",
            "files": [(io.BytesIO(PDF), "statement.pdf")],
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert "statement.pdf" in client.get("/case/dispute").text and file_count(db) == 1


def test_proof_files_are_downloads_for_their_debtor_only(client, case, factories, db):
    other = factories.case(debtor_=factories.debtor(language="en"))
    theirs = disputes.open_dispute(other.id, "other", "Not mine.", [disputes.Upload("x.pdf", PDF)])
    log_in(client, case)
    send_dispute(client, [("mine.pdf", PDF)])
    mine = disputes.latest(case.id).files[0]
    response = client.get(f"/case/dispute/files/{mine.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="mine.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/case/dispute/files/{theirs.files[0].id}").status_code == 404
    assert client.get(f"/case/dispute/files/{2**63}").status_code == 404


def test_the_collector_rejects_and_the_debtor_reads_why(client, case, factories, db, smtp):
    disputes.open_dispute(case.id, "already_paid", "Paid.", [disputes.Upload("p.pdf", PDF)])
    collector = factories.staff(Role.COLLECTOR)
    staff_login(client, collector.email)
    page = client.get(f"/staff/cases/{case.reference}", headers=EN)
    assert page.status_code == 200 and "p.pdf" in page.text
    dispute = disputes.latest(case.id)
    file_url = f"/staff/cases/{case.reference}/disputes/files/{dispute.files[0].id}"
    assert client.get(file_url).headers["Content-Disposition"].startswith("attachment")
    url = f"/staff/cases/{case.reference}/disputes/{dispute.id}/reject"
    empty = client.post(url, data={"csrf_token": csrf_token(page.text),
                                   "reject-version": str(case.version)}, headers=EN)  # fmt: skip
    assert empty.status_code == 422 and "Write the explanation." in empty.text
    sent = client.post(url, data={"csrf_token": csrf_token(page.text),
                                  "reject-version": str(case.version),
                                  "reject-explanation": "No transfer reached us."})  # fmt: skip
    assert sent.status_code == 303
    again = client.post(url, data={"csrf_token": csrf_token(page.text),
                                   "reject-version": str(case.version + 1),
                                   "reject-explanation": "Twice."}, headers=EN)  # fmt: skip
    assert again.status_code == 409
    assert "already decided" in again.text
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN
    client.post("/staff/logout")
    log_in(client, case)
    text = text_of(client.get("/case").text)
    assert "not upheld" in text and "No transfer reached us." in text
    assert any("No transfer reached us." in m.get_body(("plain",)).get_content()
               for m in smtp.messages)  # fmt: skip


def test_a_creditor_user_cannot_decide_nor_download(client, case, factories):
    dispute = disputes.open_dispute(case.id, "other", "?", [disputes.Upload("p.pdf", PDF)])
    user = factories.staff(Role.CREDITOR, creditor_=case.creditor)
    staff_login(client, user.email)
    token = csrf_token(client.get("/staff/", follow_redirects=True).text)  # the logout form's
    url = f"/staff/cases/{case.reference}/disputes/{dispute.id}/reject"
    response = client.post(url, data={"csrf_token": token, "reject-explanation": "x"})
    assert response.status_code == 403
    file_url = f"/staff/cases/{case.reference}/disputes/files/{dispute.files[0].id}"
    assert client.get(file_url).status_code == 403


def test_another_case_s_file_is_404_for_staff_on_this_case(client, case, factories):
    other = factories.case()
    theirs = disputes.open_dispute(other.id, "other", "?", [disputes.Upload("x.pdf", PDF)])
    staff_login(client, factories.staff().email)
    url = f"/staff/cases/{case.reference}/disputes/files/{theirs.files[0].id}"
    assert client.get(url).status_code == 404
