"""The webhook job: turn new audit events into deliveries, then post the due ones, signed.

Safe on several machines: an endpoint's cursor moves under its row lock and a delivery is
unique per (endpoint, event); due deliveries are taken with FOR UPDATE SKIP LOCKED (PostgreSQL)
and pushed to a later attempt time before they are posted, so no other run takes them meanwhile.
"""

import datetime as dt
import json
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import AuditEvent, Case, RemittanceStatement, WebhookDelivery, WebhookEndpoint
from portal.services.outgoing_webhooks import transport
from portal.services.outgoing_webhooks.signing import HEADER, sign

EVENTS = {  # audit action -> event type sent
    "case.placed": "case.placed",
    "payment.succeeded": "payment.succeeded",
    "plan.proposed": "proposal.received",
    "plan.approved": "plan.approved",
    "plan.approved_by_policy": "plan.approved",
    "plan.broken": "plan.broken",
    "case.paid": "case.paid",
    "case.settled": "case.settled",
    "dispute.opened": "dispute.opened",
}
# Events of a creditor rather than of one case: the creditor's id is in the event's details.
CREDITOR_EVENTS = {"remittance.issued": "remittance.issued"}
BACKOFF = (60, 300, 1800, 7200, 43200)  # seconds before attempts 2..6; then failed
TIMEOUT = 10
BATCH = 100


@dataclass
class Report:
    """What one run did."""

    queued: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def _payload(event: AuditEvent, case: Case, event_type: str) -> dict:
    data = {"case_reference": case.reference, "external_reference": case.external_reference}
    amount = (event.details or {}).get("amount")
    if isinstance(amount, int):
        data["amount"] = amount
    return {
        "id": f"evt_{event.id}",
        "type": event_type,
        "created_at": event.created_at.isoformat(),
        "data": data,
    }


def _statement_payload(event: AuditEvent, statement: RemittanceStatement) -> dict:
    return {
        "id": f"evt_{event.id}",
        "type": CREDITOR_EVENTS[event.action],
        "created_at": event.created_at.isoformat(),
        "data": {
            "statement_number": statement.number,
            "period_start": statement.period_start.isoformat(),
            "period_end": statement.period_end.isoformat(),
            "currency": statement.currency,
            "net_due": statement.net_due,
        },
    }


def _creditor_events(creditor_id: int, cursor: int) -> list[tuple[AuditEvent, dict]]:
    """The creditor's own new events (a statement issued), with their payloads."""
    found = []
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.id > cursor,
            AuditEvent.case_id.is_(None),
            AuditEvent.action.in_(list(CREDITOR_EVENTS)),
        )
        .order_by(AuditEvent.id)
    )
    for event in events:
        details = event.details or {}
        if details.get("creditor_id") != creditor_id:
            continue
        statement = db.session.get(RemittanceStatement, details.get("statement_id"))
        if statement is not None and statement.creditor_id == creditor_id:
            found.append((event, _statement_payload(event, statement)))
    return found


def enqueue(report: Report, now: dt.datetime) -> None:
    """Deliveries for every active endpoint's new events (each endpoint under its row lock)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    ids = db.session.scalars(select(WebhookEndpoint.id).where(WebhookEndpoint.active)).all()
    for endpoint_id in ids:
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        endpoint = db.session.scalar(stmt.with_for_update(skip_locked=True) if postgres else stmt)
        if endpoint is None:
            continue
        rows = db.session.execute(
            select(AuditEvent, Case)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(
                AuditEvent.id > endpoint.cursor,
                Case.creditor_id == endpoint.creditor_id,
                AuditEvent.action.in_(list(EVENTS)),
            )
            .order_by(AuditEvent.id)
        ).all()
        events = [(event, _payload(event, case, EVENTS[event.action])) for event, case in rows]
        events += _creditor_events(endpoint.creditor_id, endpoint.cursor)
        for event, payload in sorted(events, key=lambda pair: pair[0].id):
            db.session.add(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    audit_event_id=event.id,
                    event_type=payload["type"],
                    next_attempt_at=now,
                    payload=payload,
                )
            )
        last = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        endpoint.cursor = max(endpoint.cursor, last or 0)
        try:
            db.session.commit()
            report.queued += len(events)
        except IntegrityError:  # another run queued them first
            db.session.rollback()


def _post(url: str, body: bytes, signature: str) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json", HEADER: signature,
               "User-Agent": "Amiable-Webhooks/1"}  # fmt: skip
    return transport.post(url, body, headers, TIMEOUT)


def deliver(now: dt.datetime, report: Report) -> None:
    """Post the due deliveries; a 2xx marks one delivered, anything else schedules a retry."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    while True:
        stmt = (
            select(WebhookDelivery)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.active,  # a disabled endpoint's retries wait until it is enabled
            )
            .order_by(WebhookDelivery.id)
            .limit(BATCH)
        )
        if postgres:
            stmt = stmt.with_for_update(of=WebhookDelivery, skip_locked=True)
        due = db.session.scalars(stmt).all()
        if not due:
            return
        claimed = [(d.id, d.endpoint.url, d.endpoint.secret, d.payload) for d in due]
        for d in due:  # nobody else takes them while they are being posted
            d.next_attempt_at = now + dt.timedelta(seconds=TIMEOUT * 3)
        db.session.commit()
        for delivery_id, url, secret, payload in claimed:
            body = json.dumps(payload, separators=(",", ":")).encode()
            code, error = _post(url, body, sign(secret, int(time.time()), body))
            delivery = db.session.get(WebhookDelivery, delivery_id)
            if delivery is None:  # its endpoint was deleted meanwhile
                continue
            delivery.attempts += 1
            delivery.last_status_code, delivery.last_error = code, error
            if code is not None and 200 <= code < 300:
                delivery.status, delivery.delivered_at = "delivered", now
                report.delivered += 1
            elif delivery.attempts > len(BACKOFF):
                delivery.status = "failed"
                report.failed += 1
            else:
                wait = BACKOFF[delivery.attempts - 1]
                delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
                report.retried += 1
            db.session.commit()


def run(now: dt.datetime) -> Report:
    """Queue the new events, then post what is due at `now`."""
    report = Report()
    enqueue(report, now)
    deliver(now, report)
    return report
