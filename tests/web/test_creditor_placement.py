"""The creditor's upload page: place a CSV, read the outcome, download the error report."""

import datetime as dt
import io

import pytest
import time_machine
from sqlalchemy import func, select

from portal.models import Case, Role
from tests.conftest import csrf_token
from tests.placement_support import csv_bytes, row
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _clock():
    """The rows' dates (due in April 2026) are in the past: the test's clock says June."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def creditor_user(client, factories):
    user = factories.staff(Role.CREDITOR)
    staff_login(client, user.email)
    return user


def upload(client, data: bytes, name="cases.csv"):
    token = csrf_token(client.get("/creditor/placements").get_data(as_text=True))
    return client.post(
        "/creditor/placements",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=EN,
    )


def test_upload_places_the_cases(client, creditor_user, db):
    page = client.get("/creditor/placements", headers=EN).get_data(as_text=True)
    assert "/static/samples/sample_cases.csv" in page and "external_reference" in page
    response = upload(client, csv_bytes([row(1), row(2)]))
    assert response.status_code == 302
    result = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "2 cases placed" in result
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2
    again = upload(client, csv_bytes([row(1), row(2)]))
    assert "already loaded" in client.get(again.headers["Location"], headers=EN).get_data(
        as_text=True
    )


def test_a_bad_file_shows_every_fault_in_the_readers_language(client, creditor_user, db):
    data = csv_bytes([row(1, principal="abc"), row(2, email="nope", city="@SUM(A1)")])
    response = upload(client, data)
    url = response.headers["Location"]
    french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Rien n’a été placé" in french or "Rien n'a été placé" in french
    english = client.get(url, headers=EN).get_data(as_text=True)
    assert "Not an amount" in english and "Not an e-mail address" in english
    report = client.get(url + "/errors.csv", headers=EN)
    assert report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "line;column;value;reason"
    assert lines[1].startswith("2;principal;abc;Not an amount")
    assert "3;city;'@SUM(A1);A cell may not start with" in report.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize(
    "data,text",
    [(b"", "The file is empty"), (b"\x00\x01\x02", "not a CSV text file"),
     (b"colour\r\nblue\r\n", "Unknown columns: colour")],
)  # fmt: skip
def test_bad_files_get_a_clear_page(client, creditor_user, data, text):
    response = upload(client, data)
    assert response.status_code == 302
    assert text in client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def test_a_file_over_the_limit_is_413(client, creditor_user, web_app):
    web_app.config["PLACEMENT_MAX_BYTES"] = 10_000
    try:
        response = upload(client, b"x" * 20_000)
    finally:
        web_app.config["PLACEMENT_MAX_BYTES"] = 50 * 1024 * 1024
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_no_file_is_a_form_error(client, creditor_user):
    token = csrf_token(client.get("/creditor/placements").get_data(as_text=True))
    response = client.post("/creditor/placements", data={"csrf_token": token}, headers=EN)
    assert response.status_code == 200 and "Choose a CSV file" in response.get_data(as_text=True)


def test_another_creditors_placement_is_404(client, creditor_user, factories):
    from portal.services.placement import imports
    from tests.placement_support import opener

    other = factories.creditor()
    outcome = imports.import_csv(opener(b""), other.id)
    assert client.get(f"/creditor/placements/{outcome.import_id}").status_code == 404
    assert client.get(f"/creditor/placements/{outcome.import_id}/errors.csv").status_code == 404
    assert client.get(f"/creditor/placements/{2**64}").status_code == 404
    assert client.get(f"/creditor/placements/{2**40}").status_code == 404


def test_only_creditor_users_place_cases(client, factories):
    user = factories.staff(Role.COLLECTOR)
    staff_login(client, user.email)
    assert client.get("/creditor/placements").status_code == 403


def test_cli_places_a_file_and_reports_faults(runner, factories, db, tmp_path):
    creditor = factories.creditor()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row(1)]))
    result = runner.invoke(args=["portal", "import-cases", str(good), "--creditor", creditor.id])
    assert result.exit_code == 0 and "1 cases placed" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(2, principal="x")]))
    result = runner.invoke(args=["portal", "import-cases", str(bad), "--creditor", creditor.id])
    assert result.exit_code == 1 and "line 2, column principal" in result.output
    result = runner.invoke(args=["portal", "import-cases", str(good), "--creditor", 9999])
    assert result.exit_code == 1 and "No creditor has the id 9999" in result.output
