"""Security review, defect 7: HSTS in production, also behind a TLS-terminating proxy."""

HTTPS_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def test_production_sends_hsts_behind_a_tls_proxy(app_factory):
    app = app_factory(PORTAL_ENV="production", PROXY_FIX_X_FOR=1)
    response = app.test_client().get("/", headers=HTTPS_PROXY)
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


def test_production_sends_hsts_on_direct_https(app_factory):
    app = app_factory(PORTAL_ENV="production")
    response = app.test_client().get("/", base_url="https://pay.example.fr")
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")


def test_the_proxy_scheme_is_trusted_when_told(app_factory):
    app = app_factory(PORTAL_ENV="production", PROXY_FIX_X_FOR=1)

    @app.get("/scheme-probe")
    def probe():
        from flask import request

        return request.scheme

    probe.access = "public"
    assert app.test_client().get("/scheme-probe", headers=HTTPS_PROXY).text == "https"


def test_no_hsts_in_the_demo(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
