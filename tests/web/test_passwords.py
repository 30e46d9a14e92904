"""Staff passwords: reset by e-mail link (single use, 30 minutes), rules, change ends sessions."""

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Role
from tests.conftest import post_form, staff_log_in

EN = {"Accept-Language": "en"}
NEW = "a new and long enough password"


def link_in(smtp) -> str:
    body = smtp.messages[-1].get_body(("plain",)).get_content()
    match = re.search(r"http://portal\.test(/staff/password/reset/\S+)", body)
    assert match, body
    return match.group(1)


def ask_reset(client, email):
    return post_form(client, "/staff/password/forgot", {"email": email}, headers=EN)


def test_a_reset_link_sets_a_new_password_once(web_app, client, smtp, factories):
    user = factories.staff(Role.COLLECTOR, language="en")
    logged_in = web_app.test_client()
    staff_log_in(logged_in, user)
    answer = ask_reset(client, user.email)
    assert answer.status_code == 200 and "Check your e-mail" in answer.text
    assert smtp.messages[-1]["To"] == user.email
    assert "Reset your Amiable password" in smtp.messages[-1]["Subject"]
    path = link_in(smtp)
    assert client.get(path).status_code == 200
    weak = post_form(client, path, {"password": "password2024", "confirm": "password2024"},
                     headers=EN)  # fmt: skip
    assert weak.status_code == 422 and "too common" in weak.text
    done = post_form(client, path, {"password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.headers["Location"] == "/staff/login"
    assert client.get(path).status_code == 410  # used once
    assert logged_in.get("/staff/cases/").status_code == 302  # other sessions ended
    assert staff_log_in(client, user).status_code == 422  # the old password no longer works
    assert staff_log_in(client, user, password=NEW).status_code == 303
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"staff.password_reset_requested", "staff.password_reset"} <= actions


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp, factories):
    answer = ask_reset(client, "nobody@test.example")
    assert answer.status_code == 200 and "Check your e-mail" in answer.text
    assert smtp.messages == []


def test_a_reset_link_expires_after_thirty_minutes(client, smtp, factories):
    user = factories.staff(Role.ADMIN)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ask_reset(client, user.email)
    path = link_in(smtp)
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        assert client.get(path, headers=EN).status_code == 410


def test_an_altered_link_is_refused(client):
    assert client.get("/staff/password/reset/not-a-real-token").status_code == 410
    assert client.get("/staff/password/other/not-a-real-token").status_code == 404


def test_changing_the_password_ends_the_other_sessions_only(web_app, factories):
    user = factories.staff(Role.CREDITOR)
    here, elsewhere = web_app.test_client(), web_app.test_client()
    staff_log_in(here, user)
    staff_log_in(elsewhere, user)
    wrong = post_form(
        here,
        "/staff/password",
        {"current": "not my password", "password": NEW, "confirm": NEW},
        headers=EN,
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    common = post_form(
        here,
        "/staff/password",
        {"current": "correct horse battery staple", "password": "qwerty123456",
         "confirm": "qwerty123456"},
        headers=EN,
    )  # fmt: skip
    assert common.status_code == 422 and "too common" in common.text
    done = post_form(
        here,
        "/staff/password",
        {"current": "correct horse battery staple", "password": NEW, "confirm": NEW},
    )
    assert done.status_code == 303
    assert here.get("/creditor/cases").status_code == 200
    assert elsewhere.get("/creditor/cases").status_code == 302
