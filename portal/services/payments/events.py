"""Provider events: each recorded once and committed before it is acknowledged, then applied.

Recording is one INSERT … ON CONFLICT DO NOTHING on the provider's event id, committed at once:
an acknowledged event is never lost, and a second delivery finds the row (`duplicate`).
Events fall into lanes by payment (payment_inbox.py); each lane is applied by one run at a time
(its turn, a PostgreSQL advisory lock), the lanes side by side: a run takes the lane's recorded
events not applied yet, the caller's own first, and applies them in one transaction
(payment_batch.py, payment_handlers.py). The webhook request that gets the turn applies a batch
before answering and drains its lane after; the others only record. A run gives the turn up
and looks again, so nothing recorded meanwhile waits; `flask portal reconcile` applies whatever
a crash or a failure left. States only move forward, so the order of events does not matter.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import current_app
from sqlalchemy import case, select, update

from portal.extensions import db
from portal.gateway.contract import Event
from portal.models import Message, WebhookEvent
from portal.services import audit
from portal.services.mail import outbox as mail
from portal.services.payments import handlers as payment_handlers
from portal.services.payments import inbox, receipts
from portal.services.payments import reversals as payment_reversals
from portal.services.payments.batch import Batch, number_new_rows
from portal.services.payments.checkout import gateway

HANDLERS = {**payment_handlers.HANDLERS, **payment_reversals.HANDLERS}
BATCH_SIZE = 100  # events applied in one transaction at most
MAX_ATTEMPTS = 3  # failed this many times: left to `flask portal reconcile`


class Applied(NamedTuple):
    """What applying one recorded event did."""

    event_id: str
    type: str
    outcome: str


def record(event: Event, source: str = "webhook") -> int | None:
    """Record the event once and commit; its row id, or None when it was recorded before."""
    row_id = inbox.insert_in_session(event, source)
    db.session.commit()
    return row_id


def handle_event(event: Event, source: str = "webhook") -> str:
    """Record the event once, then apply it and what else waits in its lane; what happened.

    `duplicate` when it was recorded before, `queued` when another run has the lane's turn (it
    applies this event too). A caller that got an outcome had the turn: it should
    `drain(lane_of(...))` next, at once or after answering, so that nothing recorded meanwhile
    is left waiting. The event is committed before this returns (on SQLite in the transaction
    that applies it, or alone if applying fails).
    """
    if not inbox.is_postgres():
        row_id = inbox.insert_in_session(event, source)
        if row_id is None:
            db.session.rollback()
            return "duplicate"
        rerecord = lambda: record(event, source)  # noqa: E731
        return _outcome(event, _apply_batch(row_id, BATCH_SIZE, MAX_ATTEMPTS, rerecord=rerecord))
    outbox: list[Message] = []
    with inbox.recorded(event, source) as (row_id, turn):
        if row_id is None:
            return "duplicate"
        if not turn:
            return "queued"
        lane = inbox.lane_of(event.object)
        applied = _apply_batch(row_id, BATCH_SIZE, MAX_ATTEMPTS, lane=lane, outbox=outbox)
    # The receipts go once the lane's turn is given up: sending waits on the mail server and
    # renders each receipt's PDF, and the lane's next batch need not wait for that.
    _deliver(outbox)
    return _outcome(event, applied)


def _outcome(event: Event, applied: dict[int, Applied]) -> str:
    found = [a for a in applied.values() if a.event_id == event.id]
    return found[0].outcome if found else "queued"


def drain(lane: int | None = None, max_attempts: int | None = MAX_ATTEMPTS) -> list[Applied]:
    """Apply what waits in a lane (every lane for None), batch after batch, until nothing does
    or another run has the lane's turn."""
    done: list[Applied] = []
    for each in range(inbox.LANES) if lane is None else [lane]:
        while True:
            applied = apply_pending(max_attempts=max_attempts, lane=each)
            if applied is None:
                break  # the run that has the turn looks again once it gives the turn up
            done.extend(applied.values())
            # After giving the turn up (commit), look again: an event recorded while this run
            # had the turn was acknowledged by a request that could not take it.
            if not applied and not _waiting(max_attempts, each):
                break
    return done


def _waiting(max_attempts: int | None, lane: int | None) -> bool:
    found = db.session.execute(select(WebhookEvent.id).where(*_wanted(max_attempts, lane)).limit(1))
    waiting = found.first() is not None
    db.session.rollback()
    return waiting


def _wanted(max_attempts: int | None, lane: int | None, first: int | None = None) -> list:
    wanted = [WebhookEvent.outcome.is_(None)]
    if lane is not None and inbox.is_postgres():
        wanted.append(WebhookEvent.lane == lane)
    if max_attempts is not None:
        retry = WebhookEvent.attempts < max_attempts
        wanted.append(retry if first is None else (WebhookEvent.id == first) | retry)
    return wanted


def apply_pending(
    limit: int = BATCH_SIZE, max_attempts: int | None = MAX_ATTEMPTS, lane: int | None = None
) -> dict[int, Applied] | None:
    """Apply up to `limit` recorded events of a lane (any lane for None, taking every lane's
    turn) in one transaction; None when another run has the turn. Events that failed
    `max_attempts` times are left (None: tried again too)."""
    if not inbox.take_turn(lane):
        db.session.rollback()
        return None
    return _apply_batch(None, limit, max_attempts, lane=lane)


def _apply_batch(
    first, limit, max_attempts, rerecord=None, lane=None, outbox: list[Message] | None = None
) -> dict[int, Applied]:
    """Claim and apply a batch (`first`, maybe not committed yet, before the others); commit.
    Its e-mails are sent then, or added to `outbox` for the caller to send.

    If the batch fails, it is rolled back (with `first`, recorded again by `rerecord`) and each
    event is applied on its own; one that still fails counts an attempt and waits.
    """
    order = [WebhookEvent.id]
    if first is not None:
        order.insert(0, case((WebhookEvent.id == first, 0), else_=1))
    records = list(
        db.session.execute(
            select(WebhookEvent)
            .where(*_wanted(max_attempts, lane, first))
            .order_by(*order)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not records:
        db.session.commit()
        return {}
    row_ids = [r.id for r in records]
    try:
        applied, mails = _apply(records)
        db.session.commit()
    except Exception:  # noqa: BLE001 (each event is tried again on its own below)
        db.session.rollback()
        current_app.logger.warning("a batch of provider events failed; applying one by one")
        if rerecord is not None:
            row_ids = [r for r in row_ids if r != first] + [rerecord()]
        applied, mails = {}, []
        for row_id in row_ids:
            if row_id is not None:
                applied.update(apply_one(row_id, outbox))
    _deliver(mails, outbox)
    return applied


def apply_one(row_id: int, outbox: list[Message] | None = None) -> dict[int, Applied]:
    """Apply one recorded event in its own transaction (if it still waits and nobody holds it);
    its e-mails are sent then, or added to `outbox` for the caller to send."""
    records = list(
        db.session.execute(
            select(WebhookEvent)
            .where(WebhookEvent.id == row_id, WebhookEvent.outcome.is_(None))
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not records:
        db.session.rollback()
        return {}
    try:
        applied, mails = _apply(records)
        db.session.commit()
    except Exception:  # noqa: BLE001 (recorded: a later run tries again)
        db.session.rollback()
        _failed(row_id)
        return {}
    _deliver(mails, outbox)
    return applied


def _apply(records: list[WebhookEvent]) -> tuple[dict[int, Applied], list[Message]]:
    batch = Batch()
    events = [(r, Event(r.provider_event_id, r.type, r.created, r.object or {})) for r in records]
    batch.lock([e.object for _, e in events if e.type in HANDLERS])

    def case_first(pair: tuple[WebhookEvent, Event]) -> tuple[int, int]:
        # Case after case, in the same order in every batch (plan locks never cross), and each
        # case's events in the order they came.
        payment = batch.find(pair[1].object) if pair[1].type in HANDLERS else None
        return (payment.case_id if payment else 0, pair[0].id)

    applied = {}
    with audit.in_bulk():  # the batch's audit rows in one statement
        for rec, event in sorted(events, key=case_first):
            handler = HANDLERS.get(event.type)
            rec.outcome = handler(event, rec, batch) if handler else "ignored"
            applied[rec.id] = Applied(event.id, event.type, rec.outcome)
        receipts.number_and_queue(batch.receipts, batch.outbox, agency=batch.agency())
        number_new_rows()
    return applied, batch.outbox


def _failed(row_id: int) -> None:
    current_app.logger.exception("provider event %s could not be applied; it waits", row_id)
    db.session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == row_id)
        .values(attempts=WebhookEvent.attempts + 1)
    )
    db.session.commit()


def _deliver(mails: list[Message], outbox: list[Message] | None = None) -> None:
    """Send these committed e-mails now, or leave them in `outbox` for the caller to send."""
    if outbox is not None:
        outbox.extend(mails)
    elif mails and mail.smtp_configured():
        mail.deliver(mails)


@dataclass
class ReconcileReport:
    """What a reconciliation run found and fixed."""

    fetched: int = 0
    already: int = 0
    applied: list[tuple[str, str, str]] = field(default_factory=list)


def reconcile(since: dt.timedelta = dt.timedelta(days=3)) -> ReconcileReport:
    """Apply the recorded events still waiting, then fetch the provider's recent events and
    apply those the webhook missed."""
    report = ReconcileReport()
    report.applied.extend(drain(None, max_attempts=None))
    for event in gateway().list_events(int(time.time() - since.total_seconds())):
        report.fetched += 1
        outcome = handle_event(event, source="reconcile")
        if outcome == "duplicate":
            report.already += 1
        else:
            report.applied.append((event.id, event.type, outcome))
    report.applied.extend(drain(None, max_attempts=None))
    return report
