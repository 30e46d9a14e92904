"""From the inbox: the e-mail's case link and unsubscribe link work; collectors pause and review."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from portal.models import AuditEvent, CaseReminder, TimeBarReview
from portal.services.reminders import controls
from portal.services.reminders import run as reminders
from tests.conftest import post_form, staff_log_in

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders.run(moment.astimezone(dt.UTC))


def link_in(text: str, prefix: str) -> str:
    start = text.index(prefix)
    return text[start:].split()[0].removeprefix("http://portal.test")


def test_links_of_the_email_work(smtp, factories, client, db):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    run_at(TUESDAY)
    text = smtp.messages[0].get_body(("plain",)).get_content()
    # The case link asks for the factor, then shows the case (read an hour after it was sent).
    link = link_in(text, "http://portal.test/l/")
    with time_machine.travel(TUESDAY + dt.timedelta(hours=1), tick=False):
        page = client.get(link)
        assert page.status_code == 200
        response = post_form(client, link, {"factor": case.debtor.postcode})
        assert response.status_code == 303 and response.headers["Location"].endswith("/case")
    with time_machine.travel(TUESDAY + dt.timedelta(hours=2), tick=False):
        # The unsubscribe link: a page first, then one click stops e-mails.
        unsubscribe = link_in(text, "http://portal.test/u/")
        assert unsubscribe == smtp.messages[0]["List-Unsubscribe"].strip("<>").removeprefix(
            "http://portal.test"
        )
        page = client.get(unsubscribe)
        assert page.status_code == 200 and "Stop e-mail reminders" in page.text
        response = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 303
        assert "we will not send you reminders by e-mail" in client.get(unsubscribe).text
        assert controls.opted_out(case.debtor_id)
        # From now on the sequence goes on by letter.
        report = run_at(TUESDAY + dt.timedelta(days=8))
        assert (report.emails, report.letters) == (0, 1) and len(smtp.messages) == 1


def test_unsubscribe_link_must_be_genuine(client, factories):
    case = factories.case()
    token = controls.unsubscribe_token(case.debtor_id)
    assert client.get(f"/u/{token}x").status_code == 400
    assert client.post(f"/u/{token}x", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert client.post(f"/u/{token}", data={}).status_code == 400  # not a one-click request
    assert not controls.opted_out(case.debtor_id)


def staff_client(web_app, factories):
    user = factories.staff(language="en")
    client = web_app.test_client()
    staff_log_in(client, user)
    return client


def test_collector_pauses_and_resumes(web_app, factories, db):
    case = factories.case()
    client = staff_client(web_app, factories)
    page = f"/staff/cases/{case.reference}"
    assert "Pause reminders" in client.get(page).text
    until = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    url = f"{page}/reminders/pause"
    response = post_form(client, page, {"until": until, "note": "Called", "pause": "1"}, url)
    assert response.status_code == 303
    state = db.session.get(CaseReminder, case.id)
    assert state.paused_until.isoformat() == until and state.pause_note == "Called"
    shown = client.get(page).text
    assert "Reminders paused until" in shown and "Resume now" in shown
    post_form(client, page, {"resume": "1"}, url)
    db.session.expire_all()
    assert db.session.get(CaseReminder, case.id).paused_until is None


def test_bad_pause_dates_store_nothing(web_app, factories, db):
    case = factories.case()
    client = staff_client(web_app, factories)
    page = f"/staff/cases/{case.reference}"
    url = f"{page}/reminders/pause"
    for data in ({"until": "31/13/2026", "pause": "1"}, {"until": "2001-01-01", "pause": "1"},
                 {"pause": "1"}):  # fmt: skip
        response = post_form(client, page, data, url, follow_redirects=True)
        assert response.status_code == 200
        assert "alert" in response.text or "notice-error" in response.text
    assert db.session.get(CaseReminder, case.id) is None


def test_a_pause_ends_after_today_in_paris(web_app, factories, db):
    """At 00:30 in Paris it is already the next day there, while still the day before in UTC."""
    case = factories.case()
    page = f"/staff/cases/{case.reference}"
    url = f"{page}/reminders/pause"
    with time_machine.travel(dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC), tick=False):
        client = staff_client(web_app, factories)
        data = {"until": "2026-12-06", "pause": "1"}
        refused = post_form(client, page, data, url, follow_redirects=True)
        assert "Choose a date after today and within a year." in refused.text
        assert db.session.get(CaseReminder, case.id) is None
        data = {"until": "2026-12-07", "pause": "1"}
        assert post_form(client, page, data, url).status_code == 303
        assert db.session.get(CaseReminder, case.id).paused_until == dt.date(2026, 12, 7)


def test_collector_clears_the_time_bar_review(web_app, factories, db):
    case = factories.case()
    state = controls.state_of(case.id)
    state.time_bar = TimeBarReview.REQUIRED
    db.session.commit()
    client = staff_client(web_app, factories)
    page = f"/staff/cases/{case.reference}"
    assert "Possibly time-barred" in client.get(page).text
    response = post_form(client, page, {"clear": "1"}, f"{page}/reminders/time-bar")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(CaseReminder, case.id).time_bar == TimeBarReview.CLEARED
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert "reminders.time_bar_cleared" in actions
