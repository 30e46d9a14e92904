"""The creditor's webhooks screen: HTTPS to public addresses only (SSRF), secret shown once,
enable/disable/delete, the delivery log; another creditor's endpoints are a 404 everywhere;
the job skips disabled endpoints; the documented verification snippet really verifies."""

import datetime as dt
import html
import re
import socket
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ActorKind, AuditEvent, Role, WebhookDelivery, WebhookEndpoint
from portal.services import audit
from portal.services.outgoing_webhooks import endpoints, job, signing
from tests.conftest import csrf_token, post_form, staff_log_in

PAGE = "/creditor/webhooks"


@pytest.fixture
def creditor_client(web_app, factories):
    user = factories.staff(Role.CREDITOR, language="en")
    client = web_app.test_client()
    assert staff_log_in(client, user).status_code == 303
    client.user = user
    return client


def endpoint_count() -> int:
    return db.session.scalar(select(func.count()).select_from(WebhookEndpoint))


def a_delivery(endpoint: WebhookEndpoint, status_code: int | None = None) -> WebhookDelivery:
    event = audit.record("case.placed", actor=ActorKind.SYSTEM)
    db.session.flush()
    delivery = WebhookDelivery(endpoint_id=endpoint.id, audit_event_id=event.id,
                               event_type="case.placed", last_status_code=status_code,
                               attempts=1 if status_code else 0,
                               payload={"id": f"evt_{event.id}", "type": "case.placed",
                                        "data": {"case_reference": "AB12-CD34"}})  # fmt: skip
    db.session.add(delivery)
    db.session.commit()
    return delivery


def test_registering_shows_the_secret_once_and_audits(creditor_client):
    url = "https://hooks.example.com/amiable"
    response = post_form(creditor_client, PAGE, {"url": url})
    assert response.status_code == 201
    endpoint = db.session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.creditor_id == creditor_client.user.creditor_id and endpoint.active
    assert endpoint.secret in response.get_data(as_text=True)
    again = creditor_client.get(PAGE).get_data(as_text=True)
    assert url in again and endpoint.secret not in again
    event = db.session.scalars(select(AuditEvent).filter_by(action="webhook.endpoint_added")).one()
    assert event.staff_user_id == creditor_client.user.id
    assert event.details["before"] is None and event.details["after"]["url"] == url


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://hooks.example.com/x", "must start with https://"),
        ("https://localhost/x", "not on the public Internet"),
        ("https://127.0.0.1/x", "not on the public Internet"),
        ("https://2130706433/x", "not on the public Internet"),
        ("https://10.0.0.8/x", "not on the public Internet"),
        ("https://192.168.1.20:8443/x", "not on the public Internet"),
        ("https://169.254.169.254/latest/meta-data", "not on the public Internet"),
        ("https://[::1]/x", "not on the public Internet"),
        ("https://[::ffff:10.0.0.1]/x", "not on the public Internet"),
        ("https://[fe80::1]/x", "not on the public Internet"),
        ("https://intranet/x", "not on the public Internet"),
        ("https://user:pass@hooks.example.com/x", "This URL is not valid."),
        ("ftp://hooks.example.com/x", "must start with https://"),
    ],
)
def test_ssrf_targets_are_refused_and_nothing_saved(creditor_client, url, message):
    response = post_form(creditor_client, PAGE, {"url": url})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert endpoint_count() == 0


def test_a_name_resolving_to_a_private_address_is_not_posted_to(creditor_client, monkeypatch):
    endpoint, _ = endpoints.add_endpoint(creditor_client.user.creditor_id,
                                         "https://rebound.example.com/hook")  # fmt: skip
    delivery = a_delivery(endpoint)
    connections = []
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "",
                                          ("10.0.0.5", 443))])  # fmt: skip
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    job.deliver(dt.datetime.now(dt.UTC), job.Report())
    db.session.refresh(delivery)
    assert connections == [] and delivery.attempts == 1
    assert delivery.last_error == "not sent: private_address" and delivery.status == "pending"


def test_the_job_skips_disabled_endpoints(creditor_client, monkeypatch):
    endpoint, _ = endpoints.add_endpoint(creditor_client.user.creditor_id,
                                         "http://127.0.0.1:9/hook", allow_http=True)  # fmt: skip
    delivery = a_delivery(endpoint)
    page = PAGE
    assert post_form(creditor_client, page, {},
                     post_url=f"{PAGE}/{endpoint.id}/disable").status_code == 303  # fmt: skip
    posted = []

    def fake_post(url, body, signature):
        posted.append(url)
        return 200, None

    monkeypatch.setattr(job, "_post", fake_post)
    job.run(dt.datetime.now(dt.UTC))
    db.session.refresh(delivery)
    assert posted == [] and delivery.status == "pending" and delivery.attempts == 0
    assert "Disabled" in creditor_client.get(PAGE).get_data(as_text=True)
    assert post_form(creditor_client, page, {},
                     post_url=f"{PAGE}/{endpoint.id}/enable").status_code == 303  # fmt: skip
    job.run(dt.datetime.now(dt.UTC))
    db.session.refresh(delivery)
    assert posted == [endpoint.url] and delivery.status == "delivered"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("webhook.endpoint_%abled"))
    ).all()
    assert actions == ["webhook.endpoint_disabled", "webhook.endpoint_enabled"]
    disabled = db.session.scalars(
        select(AuditEvent).filter_by(action="webhook.endpoint_disabled")
    ).one()
    assert disabled.details["before"]["active"] is True
    assert disabled.details["after"]["active"] is False


def test_the_delivery_log_and_deleting(creditor_client):
    endpoint, _ = endpoints.add_endpoint(creditor_client.user.creditor_id,
                                         "https://hooks.example.com/a")  # fmt: skip
    a_delivery(endpoint, status_code=503)
    log = creditor_client.get(f"{PAGE}/{endpoint.id}").get_data(as_text=True)
    row = re.search(r'data-testid="delivery">(.*?)</tr>', log, re.S)[1]
    assert "case.placed" in row and "503" in row and ">1<" in row
    deleted = post_form(creditor_client, PAGE, {}, post_url=f"{PAGE}/{endpoint.id}/delete")
    assert deleted.status_code == 303 and endpoint_count() == 0
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert creditor_client.get(f"{PAGE}/{endpoint.id}").status_code == 404


def test_another_creditors_endpoint_is_never_visible(creditor_client, factories):
    other = factories.creditor()
    theirs, _ = endpoints.add_endpoint(other.id, "https://theirs.example.com/hook")
    a_delivery(theirs, status_code=200)
    listing = creditor_client.get(PAGE).get_data(as_text=True)
    assert "theirs.example.com" not in listing
    assert creditor_client.get(f"{PAGE}/{theirs.id}").status_code == 404
    for what in ("disable", "enable", "delete"):
        response = post_form(creditor_client, PAGE, {}, post_url=f"{PAGE}/{theirs.id}/{what}")
        assert response.status_code == 404, what
    db.session.refresh(theirs)
    assert theirs.active and endpoint_count() == 1
    assert creditor_client.get(f"{PAGE}/{2**70}").status_code == 404


def test_forms_need_the_csrf_token(creditor_client):
    endpoint, _ = endpoints.add_endpoint(creditor_client.user.creditor_id,
                                         "https://hooks.example.com/a")  # fmt: skip
    assert creditor_client.post(PAGE, data={"url": "https://x.example.com/"}).status_code == 400
    response = creditor_client.post(f"{PAGE}/{endpoint.id}/delete")
    assert response.status_code == 400
    response = creditor_client.post(f"{PAGE}/{endpoint.id}/disable", data={"csrf_token": "x"})
    assert response.status_code == 400
    db.session.refresh(endpoint)
    assert endpoint.active and endpoint_count() == 1


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.ADMIN])
def test_other_staff_get_403(web_app, factories, role):
    client = web_app.test_client()
    staff_log_in(client, factories.staff(role))
    assert client.get(PAGE).status_code == 403


def test_the_documented_snippet_verifies_real_signatures(creditor_client):
    page = creditor_client.get(PAGE).get_data(as_text=True)
    code = html.unescape(re.search(r'data-testid="verify-snippet">(.*?)</code>', page, re.S)[1])
    scope: dict = {}
    exec(compile(code, "snippet", "exec"), scope)  # noqa: S102 (our own page's snippet)
    body, now = b'{"id":"evt_1","type":"case.paid"}', int(time.time())
    header = signing.sign("whsec_test", now, body)
    assert scope["verify"]("whsec_test", header, body)
    assert not scope["verify"]("whsec_test", header, body + b" ")
    assert not scope["verify"]("whsec_other", header, body)
    assert not scope["verify"]("whsec_test", signing.sign("whsec_test", now - 3600, body), body)
    assert csrf_token(page)  # the page's forms carry the token


def test_the_pages_speak_french(creditor_client):
    endpoint, _ = endpoints.add_endpoint(creditor_client.user.creditor_id,
                                         "https://hooks.example.com/a")  # fmt: skip
    a_delivery(endpoint, status_code=200)
    french = {"Accept-Language": "fr"}
    creditor_client.user.language = None
    db.session.commit()
    page = creditor_client.get(PAGE, headers=french).get_data(as_text=True)
    assert "Ajouter une adresse" in page and "Vérifier la signature" in page
    log = creditor_client.get(f"{PAGE}/{endpoint.id}", headers=french).get_data(as_text=True)
    assert "Tentatives" in log and "En attente" in log
