"""Admin changes to who reaches a creditor's data: API tokens (shown once, revoked, last use
shown) and staff roles (sessions ended); each change is an audit row with before and after."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ApiToken, AuditEvent, Role
from portal.services.api_access import tokens
from tests.conftest import post_form, staff_log_in


@pytest.fixture
def admin_client(web_app, factories):
    admin = factories.staff(Role.ADMIN, language="en")
    client = web_app.test_client()
    assert staff_log_in(client, admin).status_code == 303
    client.admin = admin
    return client


def last_event(action: str) -> AuditEvent:
    return db.session.scalars(
        select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id.desc())
    ).first()


def test_a_token_is_shown_once_works_and_is_revoked(admin_client, web_app, factories):
    creditor = factories.creditor()
    page = f"/admin/creditors/{creditor.id}"
    made = post_form(admin_client, page, {"name": "ERP export"},
                     post_url=f"{page}/api-tokens")  # fmt: skip
    assert made.status_code == 201
    secret = re.search(r'data-testid="token-secret">([^<]+)<', made.get_data(as_text=True))[1]
    token = db.session.scalars(select(ApiToken).filter_by(creditor_id=creditor.id)).one()
    event = last_event("api.token_created")
    assert event.staff_user_id == admin_client.admin.id and event.details["before"] is None
    assert event.details["after"]["name"] == "ERP export"
    listed = admin_client.get(page).get_data(as_text=True)
    assert "ERP export" in listed and secret not in listed and "Never" in listed
    api = web_app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/payments?since=2026-01-01T00:00:00Z", headers=auth).status_code == 200
    assert "Never" not in admin_client.get(page).get_data(as_text=True)  # last use shown
    revoked = post_form(admin_client, page, {}, post_url=f"{page}/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    assert api.get("/api/v1/payments?since=2026-01-01T00:00:00Z", headers=auth).status_code == 401
    event = last_event("api.token_revoked")
    assert event.staff_user_id == admin_client.admin.id
    assert event.details["before"]["revoked_at"] is None and event.details["after"]["revoked_at"]


def test_a_token_without_a_name_is_not_made(admin_client, factories):
    creditor = factories.creditor()
    page = f"/admin/creditors/{creditor.id}"
    response = post_form(admin_client, page, {"name": " "}, post_url=f"{page}/api-tokens")
    assert response.status_code == 422
    assert "Give the token a name." in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).first() is None


def test_another_creditors_token_cannot_be_revoked_through_this_one(admin_client, factories):
    mine, other = factories.creditor(), factories.creditor()
    token, _ = tokens.create_token(other.id)
    page = f"/admin/creditors/{mine.id}"
    response = post_form(admin_client, page, {}, post_url=f"{page}/api-tokens/{token.id}/revoke")
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_the_creditor_page_lists_its_users_only(admin_client, factories):
    mine, other = factories.creditor(), factories.creditor()
    alice = factories.staff(Role.CREDITOR, mine, name="Alice Mine")
    factories.staff(Role.CREDITOR, other, name="Bob Other")
    html = admin_client.get(f"/admin/creditors/{mine.id}").get_data(as_text=True)
    assert "Alice Mine" in html and "Bob Other" not in html
    assert f"/admin/users/{alice.id}/role" in html


def test_a_role_change_ends_the_users_sessions_and_is_audited(admin_client, web_app, factories):
    creditor = factories.creditor()
    user = factories.staff(Role.COLLECTOR)
    theirs = web_app.test_client()
    assert staff_log_in(theirs, user).status_code == 303
    assert theirs.get("/staff/cases/").status_code == 200
    url = f"/admin/users/{user.id}/role"
    data = {"role": "creditor", "creditor_id": str(creditor.id)}
    assert post_form(admin_client, url, data).status_code == 303
    db.session.refresh(user)
    assert (user.role, user.creditor_id) == (Role.CREDITOR, creditor.id)
    event = last_event("admin.staff_role_changed")
    assert event.staff_user_id == admin_client.admin.id
    assert event.details["target_staff_user_id"] == user.id
    assert event.details["before"]["role"] == "collector"
    assert event.details["before"]["creditor_id"] is None
    assert event.details["after"]["role"] == "creditor"
    assert event.details["after"]["creditor_id"] == creditor.id
    cut = theirs.get("/staff/cases/")  # the copied session no longer works
    assert cut.status_code in (302, 303) and "/staff/login" in cut.headers["Location"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"role": "creditor", "creditor_id": ""}, "A creditor user needs a creditor."),
        ({"role": "superuser", "creditor_id": ""}, "Not a valid choice"),
    ],
)
def test_a_bad_role_change_saves_nothing(admin_client, factories, data, message):
    user = factories.staff(Role.COLLECTOR)
    response = post_form(admin_client, f"/admin/users/{user.id}/role", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.role is Role.COLLECTOR and last_event("admin.staff_role_changed") is None


def test_an_admin_cannot_change_their_own_role(admin_client):
    url = f"/admin/users/{admin_client.admin.id}/role"
    response = post_form(admin_client, url, {"role": "collector", "creditor_id": ""})
    assert response.status_code == 422
    db.session.refresh(admin_client.admin)
    assert admin_client.admin.role is Role.ADMIN


def test_role_change_needs_the_csrf_token(admin_client, factories):
    user = factories.staff(Role.COLLECTOR)
    response = admin_client.post(f"/admin/users/{user.id}/role", data={"role": "admin"})
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.role is Role.COLLECTOR


def test_an_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999/role").status_code == 404
    assert admin_client.get(f"/admin/users/{2**70}/role").status_code == 404


def test_the_creditor_page_sections_speak_french(web_app, factories):
    admin = factories.staff(Role.ADMIN, language="fr")
    client = web_app.test_client()
    assert staff_log_in(client, admin).status_code == 303
    creditor = factories.creditor()
    page = client.get(f"/admin/creditors/{creditor.id}").get_data(as_text=True)
    assert "Créer un jeton" in page and "Utilisateurs du créancier" in page
    factories.staff(Role.COLLECTOR, name="Colette")
    assert "Changer le rôle" in client.get("/admin/users").get_data(as_text=True)
