"""Sessions end on the server: logout, revocation, deactivation; absolute lifetimes."""

import datetime as dt

import time_machine

from portal.extensions import db
from portal.models import Role, StaffUser
from portal.services.access import login as auth
from portal.services.access import sessions
from tests.conftest import post_form, staff_log_in

COOKIE = "amiable_session"
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def staff_in(client, user):
    response = staff_log_in(client, user)
    assert response.status_code == 303
    return client.get_cookie(COOKIE).value


def debtor_in(client, case):
    response = post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    assert response.status_code == 303
    return client.get_cookie(COOKIE).value


def with_cookie(app, value):
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def test_a_copied_staff_cookie_is_refused_after_logout(web_app, client, factories):
    user = factories.staff(Role.COLLECTOR)
    copied = staff_in(client, user)
    thief = with_cookie(web_app, copied)
    assert thief.get("/staff/cases/").status_code == 200
    assert post_form(client, "/staff/cases/", {}, post_url="/staff/logout").status_code == 303
    assert thief.get("/staff/cases/").status_code == 302
    assert client.get("/staff/cases/").status_code == 302


def test_a_copied_debtor_cookie_is_refused_after_logout(web_app, client, factories):
    case = factories.case()
    copied = debtor_in(client, case)
    thief = with_cookie(web_app, copied)
    assert thief.get("/case").status_code == 200
    assert post_form(client, "/case", {}, post_url="/logout").status_code == 303
    assert thief.get("/case").status_code == 302
    assert debtor_in(client, case) and client.get("/case").status_code == 200  # a new login


def test_revoking_the_links_ends_the_debtor_sessions(client, factories):
    case = factories.case()
    debtor_in(client, case)
    auth.revoke_links(case.id)
    assert client.get("/case").status_code == 302


def test_deactivation_and_a_bumped_version_end_staff_sessions(web_app, factories):
    first, second = factories.staff(Role.COLLECTOR), factories.staff(Role.ADMIN)
    one, two = web_app.test_client(), web_app.test_client()
    staff_in(one, first)
    staff_in(two, second)
    sessions.bump_staff_version(first.id)  # what a password change does
    db.session.get(StaffUser, second.id).active = False
    db.session.commit()
    assert one.get("/staff/cases/").status_code == 302
    assert two.get("/staff/cases/").status_code == 302


def test_staff_sessions_end_after_twelve_hours_even_when_active(client, factories):
    user = factories.staff(Role.COLLECTOR)
    with time_machine.travel(START, tick=False):
        staff_in(client, user)
    for minutes in range(30, 12 * 60, 30):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/staff/cases/").status_code == 200, minutes
    with time_machine.travel(START + dt.timedelta(hours=12, minutes=1), tick=False):
        assert client.get("/staff/cases/").status_code == 302


def test_debtor_sessions_end_after_two_hours_even_when_active(client, factories):
    case = factories.case()
    with time_machine.travel(START, tick=False):
        debtor_in(client, case)
    for minutes in range(10, 120, 10):
        with time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/case").status_code == 200, minutes
    with time_machine.travel(START + dt.timedelta(hours=2, minutes=1), tick=False):
        assert client.get("/case").status_code == 302
