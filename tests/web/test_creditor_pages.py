"""The creditor user's dashboard, case list, exports: its own data only, never a 500."""

import datetime as dt

import pytest
import time_machine

from portal.domain.ledger import EntryKind
from portal.models import Role
from portal.services.cases.ledger import add_entry
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)):
        yield


@pytest.fixture
def two(client, factories, db):
    """Creditor A (logged in) with two cases, creditor B with one; a payment on each."""
    a, b = factories.creditor(), factories.creditor()
    mine = [factories.case(a, lines=(10_000,)), factories.case(a, lines=(30_000,))]
    theirs = factories.case(b, lines=(77_700,))
    for case in (*mine, theirs):
        add_entry(case, EntryKind.PAYMENT, -1_000, occurred_on=dt.date(2026, 5, 20))
    db.session.commit()
    staff_login(client, factories.staff(Role.CREDITOR, a, language="en").email)
    return {"mine": mine, "theirs": theirs}


def test_dashboard_draws_the_months_and_gives_the_same_figures_as_a_table(client, two):
    page = client.get("/creditor/dashboard", headers=EN).text
    assert "<svg" in page and "<rect" in page and "May 2026" in page
    assert "€20.00" in page  # collected in May, in the chart's title and the table
    assert "€400.00" in page and "€777.00" not in page  # another creditor's money never shows
    assert "5%" in page  # recovery rate: 20 / 400


def test_case_list_filters_and_never_shows_another_creditors_case(client, two):
    page = client.get("/creditor/cases", headers=EN).text
    for case in two["mine"]:
        assert case.display_reference in page
    assert two["theirs"].display_reference not in page
    assert "Partly paid" in page
    found = client.get(f"/creditor/cases?q={two['theirs'].reference}").text
    assert two["theirs"].display_reference not in found
    narrowed = client.get("/creditor/cases?balance_min=200", headers=EN).text
    assert two["mine"][1].display_reference in narrowed
    assert two["mine"][0].display_reference not in narrowed


@pytest.mark.parametrize(
    "query",
    ["?after=99999999999999999999999", "?after=-3", "?status=%00", "?balance_min=abc",
     "?placed_from=2026-13-45", "?q=%25%5F", "?has_plan=maybe"],
)  # fmt: skip
def test_odd_query_strings_are_never_a_500(client, two, query):
    assert client.get("/creditor/cases" + query).status_code == 200
    assert client.get("/creditor/cases.csv" + query).status_code == 200


def test_exports_are_csv_of_the_creditors_rows_only(client, two):
    cases = client.get("/creditor/cases.csv", headers=EN)
    assert cases.mimetype == "text/csv" and "attachment" in cases.headers["Content-Disposition"]
    text = cases.get_data(as_text=True)
    assert text.count("\n") == 3 and two["theirs"].reference not in text
    payments = client.get("/creditor/payments.csv?from=2026-05-01&to=2026-05-31", headers=EN)
    text = payments.get_data(as_text=True)
    assert text.count("\n") == 3 and two["theirs"].reference not in text
    assert client.get("/creditor/payments.csv?from=2026-06-01&to=2026-05-01").status_code == 400


def test_case_detail_is_read_only_and_shows_messages_without_collector_links(
    client, two, factories
):
    case = two["mine"][0]
    factories.recorded_message(case, subject="Relance amiable")
    page = client.get(f"/creditor/cases/{case.reference}", headers=EN).text
    assert "Relance amiable" in page and "/staff/cases/" not in page
    assert "<form" not in page.split("</header>")[1]  # nothing to change here
    assert client.get(f"/creditor/cases/{two['theirs'].reference}").status_code == 404


def test_the_daily_summary_is_switched_on_and_off_from_the_dashboard(client, two):
    from tests.conftest import csrf_token

    page = client.get("/creditor/dashboard", headers=EN).text
    assert "Receive the daily summary" in page
    token = csrf_token(page)
    on = client.post("/creditor/digest", data={"csrf_token": token, "digest": "on"}, headers=EN)
    assert on.status_code == 302
    page = client.get("/creditor/dashboard", headers=EN).text
    assert "Stop the daily summary" in page
    client.post("/creditor/digest", data={"csrf_token": token, "digest": "off"})
    assert "Receive the daily summary" in client.get("/creditor/dashboard", headers=EN).text
    assert client.post("/creditor/digest", data={"digest": "on"}).status_code == 400


def test_remittance_statements_are_listed_and_downloadable_by_their_creditor_only(
    client, two, factories
):
    from portal.services.remittances import issue

    mine = issue.issue_statement(two["mine"][0].creditor_id, dt.date(2026, 6, 1))
    theirs = issue.issue_statement(two["theirs"].creditor_id, dt.date(2026, 6, 1))
    page = client.get("/creditor/remittances", headers=EN).text
    assert "€20.00" in page and "€10.00" not in page
    assert client.get(f"/creditor/remittances/{mine.id}.pdf").data.startswith(b"%PDF")
    assert "net amount due" in client.get(f"/creditor/remittances/{mine.id}.csv", headers=EN).text
    assert client.get(f"/creditor/remittances/{theirs.id}.pdf").status_code == 404
    assert client.get(f"/creditor/remittances/{theirs.id}.csv").status_code == 404
    assert client.get(f"/creditor/remittances/{2**64}.pdf").status_code == 404


def test_the_payments_export_defaults_to_this_month_in_paris(client, factories):
    creditor = factories.creditor()
    with time_machine.travel(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC), tick=False):
        staff_login(client, factories.staff(Role.CREDITOR, creditor, language="en").email)
        response = client.get("/creditor/payments.csv")  # 00:30 on 1 July in Paris
    assert response.status_code == 200
    assert "payments-2026-07-01-2026-07-01.csv" in response.headers["Content-Disposition"]
