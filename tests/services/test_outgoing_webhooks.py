"""Outgoing webhooks to a real local HTTP receiver that checks every signature."""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.models import WebhookDelivery
from portal.services.cases.ledger import add_entry
from portal.services.disputes import debtor as disputes
from portal.services.outgoing_webhooks import endpoints, job, signing
from portal.services.placement import imports
from portal.services.remittances import issue
from tests.placement_support import csv_bytes, opener, row

TODAY = dt.date(2026, 6, 1)


class Receiver:
    """An HTTP server on loopback that verifies signatures with the secret it is told."""

    def __init__(self):
        self.secret, self.received, self.answer = "", [], 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = signing.verify(
                    receiver.secret, self.headers.get(signing.HEADER, ""), body, int(time.time())
                )
                receiver.received.append((valid, json.loads(body)))
                self.send_response(receiver.answer if valid else 400)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


def test_placed_cases_are_sent_signed_once(receiver, factories, db):
    creditor, other = factories.creditor(), factories.creditor()
    endpoint, receiver.secret = endpoints.add_endpoint(creditor.id, receiver.url, allow_http=True)
    imports.import_csv(opener(csv_bytes([row(1), row(2)])), creditor.id, today=TODAY)
    imports.import_csv(opener(csv_bytes([row(9)])), other.id, today=TODAY)  # not theirs
    now = dt.datetime.now(dt.UTC)
    report = job.run(now)
    assert (report.queued, report.delivered) == (2, 2)
    assert all(valid for valid, _ in receiver.received)
    assert sorted(p["data"]["external_reference"] for _, p in receiver.received) == [
        "EXT-1",
        "EXT-2",
    ]
    assert {p["type"] for _, p in receiver.received} == {"case.placed"}
    again = job.run(now)  # a second run (or machine) sends nothing twice
    assert (again.queued, again.delivered) == (0, 0) and len(receiver.received) == 2
    codes = db.session.scalars(select(WebhookDelivery.last_status_code)).all()
    assert codes == [200, 200]


def test_failures_are_retried_with_backoff_then_given_up(receiver, factories, db):
    creditor = factories.creditor()
    _, receiver.secret = endpoints.add_endpoint(creditor.id, receiver.url, allow_http=True)
    imports.import_csv(opener(csv_bytes([row(1)])), creditor.id, today=TODAY)
    receiver.answer = 503
    now = dt.datetime.now(dt.UTC)
    assert job.run(now).retried == 1
    assert job.run(now).retried == 0  # not due again before its backoff
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.last_status_code == 503 and delivery.attempts == 1
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=job.BACKOFF[0])
    for wait in job.BACKOFF:
        now += dt.timedelta(seconds=wait)
        job.run(now)
    db.session.expire_all()
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "failed" and delivery.attempts == len(job.BACKOFF) + 1


def test_signatures_are_checked_and_only_https_is_registered(factories):
    body = b'{"a":1}'
    header = signing.sign("s3cret", 1_000, body)
    assert signing.verify("s3cret", header, body, 1_100)
    assert not signing.verify("other", header, body, 1_100)
    assert not signing.verify("s3cret", header, body + b" ", 1_100)
    assert not signing.verify("s3cret", header, body, 2_000)  # too old: a replay
    assert not signing.verify("s3cret", "garbage", body, 1_000)
    creditor = factories.creditor()
    with pytest.raises(endpoints.EndpointRefused):
        endpoints.add_endpoint(creditor.id, "http://example.org/hook")
    with pytest.raises(endpoints.EndpointRefused):
        endpoints.add_endpoint(2**64, "https://example.org/hook")
    endpoint, secret = endpoints.add_endpoint(creditor.id, "https://example.org/hook")
    assert secret.startswith("whsec_") and endpoint.active


def test_a_dispute_opened_and_a_statement_issued_are_sent_to_their_creditor_only(
    receiver, factories, db
):
    creditor, other = factories.creditor(commission_rate_bp=1_000), factories.creditor()
    _, receiver.secret = endpoints.add_endpoint(creditor.id, receiver.url, allow_http=True)
    may = dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)
    with time_machine.travel(may):
        case = factories.case(creditor, lines=(50_000,))
        theirs = factories.case(other, lines=(50_000,))
        add_entry(case, EntryKind.PAYMENT, -20_000, occurred_on=may.date())
        add_entry(theirs, EntryKind.PAYMENT, -5_000, occurred_on=may.date())
        db.session.commit()
    disputes.open_dispute(case.id, "already_paid", "I paid in May.", [], "203.0.113.9")
    disputes.open_dispute(theirs.id, "already_paid", "I paid in May.", [], "203.0.113.9")
    issue.issue_statement(creditor.id, dt.date(2026, 5, 31))
    issue.issue_statement(other.id, dt.date(2026, 5, 31))
    job.run(dt.datetime.now(dt.UTC))
    assert all(valid for valid, _ in receiver.received)
    sent = {p["type"]: p["data"] for _, p in receiver.received}
    assert set(sent) == {"dispute.opened", "remittance.issued"}
    assert len(receiver.received) == 2  # nothing of the other creditor's
    assert sent["dispute.opened"]["case_reference"] == case.reference
    assert sent["remittance.issued"] == {
        "statement_number": 1,
        "period_start": sent["remittance.issued"]["period_start"],
        "period_end": "2026-05-31",
        "currency": "EUR",
        "net_due": 18_000,
    }
