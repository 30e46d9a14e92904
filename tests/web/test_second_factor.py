"""Staff TOTP second factor: enrolment with a QR code, login with real codes, recovery codes."""

import re

import pyotp
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, RecoveryCode, Role, StaffUser
from portal.services.access import totp
from tests.conftest import post_form, staff_log_in

PASSWORD = "correct horse battery staple"
EN = {"Accept-Language": "en"}


def password_step(client, user):
    return post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})


def secret_on(page: str) -> str:
    match = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert match, "no key on the page"
    return match.group(1).replace(" ", "")


def enrol(client, user) -> tuple[str, list[str]]:
    """Go through the set-up as a person would; return the secret and the recovery codes."""
    response = password_step(client, user)
    assert response.status_code == 303 and response.headers["Location"].startswith(
        "/staff/second-factor"
    )
    page = client.get(response.headers["Location"], headers=EN).text
    assert "<svg" in page and "Set up a second factor" in page
    secret = secret_on(page)
    done = post_form(client, "/staff/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.text)
    return secret, codes


def test_a_collector_must_set_up_a_second_factor_before_any_page(client, factories):
    user = factories.staff(Role.COLLECTOR, second_factor=False)
    response = password_step(client, user)
    assert response.headers["Location"] == "/staff/second-factor"
    assert client.get("/staff/cases/").status_code == 302  # not logged in yet
    page = client.get("/staff/second-factor", headers=EN).text
    secret = secret_on(page)
    assert "<svg" in page
    wrong = post_form(client, "/staff/second-factor", {"code": "000000"}, headers=EN)
    assert wrong.status_code == 422 and "This code is not right" in wrong.text
    assert db.session.get(StaffUser, user.id).totp_confirmed_at is None
    done = post_form(client, "/staff/second-factor", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/staff/cases/").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "staff.totp_enrolled" in actions


def test_the_qr_code_is_drawn_by_the_server(client, factories):
    user = factories.staff(Role.ADMIN, second_factor=False)
    password_step(client, user)
    page = client.get("/staff/second-factor").text
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "<path" in svg and "src=" not in svg and "href" not in svg
    assert "<img" not in page  # no image fetched from anywhere: the SVG is in the page


def test_login_asks_for_the_code_and_refuses_a_replay(web_app, client, factories):
    user = factories.staff(Role.COLLECTOR)
    response = password_step(client, user)
    assert response.headers["Location"] == "/staff/login/code"
    assert client.get("/staff/cases/").status_code == 302
    wrong = post_form(client, "/staff/login/code", {"code": "123456"}, headers=EN)
    assert wrong.status_code == 422 and "This code is not right" in wrong.text
    code = pyotp.TOTP(user.totp_secret).now()
    assert post_form(client, "/staff/login/code", {"code": code}).status_code == 303
    assert client.get("/staff/cases/").status_code == 200
    other = web_app.test_client()
    password_step(other, user)
    replay = post_form(other, "/staff/login/code", {"code": code})
    assert replay.status_code == 422  # the same code a second time


def test_recovery_codes_open_the_account_once_each(web_app, factories):
    user = factories.staff(Role.ADMIN, second_factor=False)
    _, codes = enrol(web_app.test_client(), user)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # kept hashed only
    first = web_app.test_client()
    password_step(first, user)
    assert post_form(first, "/staff/login/code", {"code": codes[0]}).status_code == 303
    again = web_app.test_client()
    password_step(again, user)
    assert post_form(again, "/staff/login/code", {"code": codes[0]}).status_code == 422
    assert post_form(again, "/staff/login/code", {"code": codes[1].upper()}).status_code == 303
    assert totp.recovery_codes_left(user.id) == 8


def test_a_creditor_user_may_go_without_or_choose_a_second_factor(web_app, factories):
    user = factories.staff(Role.CREDITOR)
    client = web_app.test_client()
    assert password_step(client, user).headers["Location"] == "/creditor/cases"
    page = client.get("/creditor/cases", headers=EN).text
    assert "Set up a second factor" in page
    secret = secret_on(client.get("/staff/second-factor").text)
    post_form(client, "/staff/second-factor", {"code": pyotp.TOTP(secret).now()})
    later = web_app.test_client()
    assert password_step(later, user).headers["Location"] == "/staff/login/code"


def test_a_reset_second_factor_ends_sessions_and_asks_for_a_new_one(web_app, factories):
    admin, user = factories.staff(Role.ADMIN), factories.staff(Role.COLLECTOR)
    client = web_app.test_client()
    staff_log_in(client, user)
    assert client.get("/staff/cases/").status_code == 200
    totp.reset_second_factor(user.id, by_staff_id=admin.id)
    assert client.get("/staff/cases/").status_code == 302
    assert password_step(client, user).headers["Location"] == "/staff/second-factor"
    row = db.session.scalars(
        select(AuditEvent).filter_by(action="admin.staff_second_factor_reset")
    ).one()
    assert row.details["before"] == {"second_factor": True}
    assert row.details["target_staff_user_id"] == user.id


def test_wrong_codes_are_rate_limited(client, factories):
    user = factories.staff(Role.COLLECTOR)
    password_step(client, user)
    for n in range(5):
        assert post_form(client, "/staff/login/code", {"code": f"00000{n}"}).status_code == 422
    code = pyotp.TOTP(user.totp_secret).now()
    assert post_form(client, "/staff/login/code", {"code": code}).status_code == 429
