"""The collector's queue page and the case page's single timeline."""

import datetime as dt
import html
import re

import pytest
import time_machine

from portal.models import Role
from portal.services.casework import actions
from portal.services.disputes import debtor as disputes
from tests.conftest import csrf_token
from tests.web.test_overview import text_of
from tests.web.test_staff import staff_login

EN = {"Accept-Language": "en"}
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def collector(client, factories):
    user = factories.staff(Role.COLLECTOR, name="Camille Martin")
    staff_login(client, user.email)
    return user


def test_the_queue_shows_tabs_with_counts_oldest_first_and_assigns(client, factories, collector):
    a = factories.creditor(legal_name="Alpha SA")
    with time_machine.travel(NOW - dt.timedelta(days=4), tick=False):
        old = factories.case(a)
        disputes.open_dispute(old.id, "other", "Old.", [])
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        new = factories.case()
        disputes.open_dispute(new.id, "not_my_debt", "New.", [])
    with time_machine.travel(NOW, tick=False):
        page = client.get("/staff/cases/queue?tab=disputes", headers=EN)
        assert page.status_code == 200
        text = text_of(page.text)
        assert re.search(r"Disputes 2", text) and re.search(r"Proposals to decide 0", text)
        assert text.index(old.display_reference) < text.index(new.display_reference)
        assert "4 days" in text and "1 day" in text
        filtered = text_of(client.get(f"/staff/cases/queue?tab=disputes&creditor={a.id}").text)
        assert old.display_reference in filtered and new.display_reference not in filtered
        url = f"/staff/cases/{new.reference}/assign?tab=disputes&mine=1"
        response = client.post(url, data={"csrf_token": csrf_token(page.text), "back": "queue",
                                          "assign-version": str(new.version)})  # fmt: skip
        assert response.status_code == 303
        assert response.headers["Location"] == "/staff/cases/queue?tab=disputes&mine=1"
        mine = text_of(client.get(response.headers["Location"], headers=EN).text)
        assert new.display_reference in mine and old.display_reference not in mine
        assert "Camille Martin" in mine


def test_unknown_tab_or_filter_is_the_first_tab(client, collector):
    page = client.get("/staff/cases/queue?tab=nope&creditor=x&mine=maybe", headers=EN)
    assert (
        page.status_code == 200 and 'aria-current="page" data-testid="tab-proposals"' in page.text
    )


def test_a_creditor_user_has_no_queue(client, factories):
    staff_login(client, factories.staff(Role.CREDITOR).email)
    assert client.get("/staff/cases/queue").status_code == 403
    assert client.get("/staff/cases/queue?tab=flagged").status_code == 403
    assert 'data-testid="queue-nav"' not in client.get("/staff/", follow_redirects=True).text


def test_the_flagged_tab_filters_sorts_and_the_navigation_counts(client, factories, collector):
    small = factories.case(lines=(5_000,), payments=(6_000,))  # excess payment
    big = factories.case(lines=(300_000,))
    factories.recorded_message(big, status="failed")  # a bounced e-mail
    factories.case()  # nothing to flag
    page = client.get("/staff/cases/queue?tab=flagged&sort=balance_high", headers=EN)
    text = text_of(page.text)
    assert "Excess payment to return" in text and "E-mail bounced" in text
    assert text.index(big.display_reference) < text.index(small.display_reference)
    assert re.search(r"Queue: .*Flagged cases 2", text)  # the staff navigation
    banded = text_of(client.get("/staff/cases/queue?tab=flagged&band=over_2000", headers=EN).text)
    assert big.display_reference in banded and small.display_reference not in banded
    assert (
        'href="/staff/cases/queue?tab=disputes&amp;band=over_2000"'
        in client.get("/staff/cases/queue?tab=flagged&band=over_2000").text
    )  # tabs keep the filters
    other = client.get("/staff/cases/queue?tab=flagged&band=nope&placed=7&status=x&sort=y")
    assert other.status_code == 200 and small.display_reference in text_of(other.text)


def test_the_case_page_shows_one_timeline_filterable_by_kind(client, factories, collector):
    case = factories.case()
    actions.add_note(case.id, collector.id, "Spoke to the debtor's son.")
    disputes.open_dispute(case.id, "already_paid", "I paid.", [])
    page = html.unescape(text_of(client.get(f"/staff/cases/{case.reference}", headers=EN).text))
    assert "Spoke to the debtor's son. — Camille Martin" in page
    assert "Dispute received: I have already paid" in page
    notes = client.get(f"/staff/cases/{case.reference}?kind=notes", headers=EN).text
    timeline = notes[notes.index('data-testid="timeline"') :]
    assert 'data-kind="notes"' in timeline and 'data-kind="disputes"' not in timeline
