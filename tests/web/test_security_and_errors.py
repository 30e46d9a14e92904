"""Headers, cookies, health check and translated error pages."""

import pytest

from portal.config import ConfigError, from_environment
from tests.conftest import post_form


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, factories):
    case = factories.case()
    response = post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_new_secret_key_ends_old_sessions_unless_kept_as_a_fallback(
    web_app, client, factories, monkeypatch
):
    app, case = web_app, factories.case()
    post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
    assert client.get("/case").status_code == 200
    old = app.secret_key
    # monkeypatch: the session-wide app gets its key back for the tests after this one
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-" + "n" * 40)
    assert client.get("/case").status_code == 302  # signed with the old key: logged out
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert client.get("/case").status_code == 200  # the old key still verifies
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/case").status_code == 302


def test_production_requires_a_secret_and_secures_cookies(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment(str(tmp_path), {"PORTAL_ENV": "production"})
    config = from_environment(str(tmp_path), {"PORTAL_ENV": "production", "SECRET_KEY": "s" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True


def test_schema_commands_run_without_the_production_secret(tmp_path):
    config = from_environment(str(tmp_path), {"PORTAL_ENV": "production"}, require_secret=False)
    assert len(config["SECRET_KEY"]) >= 40
    assert not (tmp_path / "secret_key").exists()  # throw-away, never kept


def test_demo_keeps_its_own_generated_secret(tmp_path):
    first = from_environment(str(tmp_path), {"PORTAL_ENV": "demo"})["SECRET_KEY"]
    second = from_environment(str(tmp_path), {"PORTAL_ENV": "demo"})["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert from_environment(str(tmp_path), {"PORTAL_ENV": "demo"})["SESSION_COOKIE_SECURE"] is False


def test_postgres_urls_use_psycopg3(tmp_path):
    env = {"PORTAL_ENV": "demo", "DATABASE_URL": "postgres://u:p@h/db"}
    assert from_environment(str(tmp_path), env)["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u:p@h/db"
    )


def test_health_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_reports_an_unreachable_database(app_factory):
    app = app_factory("postgresql://nobody:wrong@127.0.0.1:9/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


@pytest.mark.parametrize(("lang", "text"), [("en", "Page not found"), ("fr", "Page introuvable")])
def test_404_is_translated(client, lang, text):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404 and text in response.text


def test_405_and_400(client):
    assert client.put("/").status_code == 405
    assert client.post("/", data={}).status_code == 400  # no CSRF token


def test_unexpected_error_is_a_translated_500(app_factory):
    app = app_factory()

    @app.get("/boom")
    def boom():
        raise RuntimeError("internal-detail-xyz")

    boom.access = "public"
    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "internal-detail-xyz" not in response.text


def test_static_files_are_served_by_the_app(client):
    css = client.get("/static/css/app.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    css.close()
    html = client.get("/").text
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
