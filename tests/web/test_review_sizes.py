"""Security review, defect 5: request bodies are bounded (webhook, forms, uploads) -> 413."""

from portal.models import Role
from tests.conftest import csrf_token

EN = {"Accept-Language": "en"}


def test_a_huge_webhook_body_is_refused_before_it_is_read(client, stripe_double):
    response = client.post(
        "/stripe/webhook",
        data=b"{" + b" " * (5 * 1024 * 1024) + b"}",
        headers={"Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["status"] == 413


def test_a_huge_form_is_a_clear_413_page(client):
    token = csrf_token(client.get("/").text)
    response = client.post(
        "/",
        data={"csrf_token": token, "reference": "x" * (2 * 1024 * 1024), "factor": "1"},
        headers=EN,
    )
    assert response.status_code == 413
    assert "too large" in response.text


def test_an_ordinary_form_still_goes_through(client, factories):
    user = factories.staff(Role.COLLECTOR)
    token = csrf_token(client.get("/staff/login").text)
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "email": user.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 303


def test_the_global_limit_is_set(web_app):
    assert 0 < web_app.config["MAX_CONTENT_LENGTH"] <= 20 * 1024 * 1024
