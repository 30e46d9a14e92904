"""Provider events: each recorded once and committed before it is acknowledged, then applied.

Recording is one INSERT … ON CONFLICT DO NOTHING on the provider's event id, committed at once:
an acknowledged event is never lost, and a second delivery finds the row (`duplicate`).
Applying is done by one run at a time (the turn, a PostgreSQL advisory lock): it takes the
recorded events not applied yet, the caller's own first, and applies them in one transaction
(payment_batch.py, payment_handlers.py). The webhook request that gets the turn applies a batch
before answering and drains the rest after; the others only record. A run gives the turn up
and looks again, so nothing recorded meanwhile waits; `flask portal reconcile` applies whatever
a crash or a failure left. States only move forward, so the order of events does not matter.
"""

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import current_app
from sqlalchemy import case, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import Message, WebhookEvent
from portal.models.base import utcnow
from portal.payments.gateway import Event
from portal.services import mail, payment_handlers, payment_reversals
from portal.services.payment_batch import Batch
from portal.services.payments import gateway

HANDLERS = {**payment_handlers.HANDLERS, **payment_reversals.HANDLERS}
BATCH_SIZE = 100  # events applied in one transaction at most
MAX_ATTEMPTS = 3  # failed this many times: left to `flask portal reconcile`
_TURN_KEY = 0x5EB400C  # the advisory lock of "applying provider events"


class Applied(NamedTuple):
    """What applying one recorded event did."""

    event_id: str
    type: str
    outcome: str


def record(event: Event, source: str = "webhook") -> int | None:
    """Record the event once and commit; its row id, or None when it was recorded before."""
    row_id, _ = _insert(event, source, take_turn=False)
    db.session.commit()
    return row_id


def _insert(event: Event, source: str, take_turn: bool) -> tuple[int | None, bool]:
    row = db.session.execute(
        _insert_once(db.session.get_bind().dialect.name, take_turn),
        {"provider_event_id": event.id, "type": event.type[:100], "created": event.created,
         "object": event.object, "source": source, "attempts": 0, "received_at": utcnow()},
    ).first()  # fmt: skip
    return (None, False) if row is None else (row[0], bool(row[1]))


@functools.cache
def _insert_once(dialect_name: str, take_turn: bool):
    # Built once, on the table (no ORM bulk-insert machinery). With `take_turn` the same round
    # trip asks for the turn (see _take_turn), for the new row only: a duplicate takes nothing.
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = WebhookEvent.__table__
    turn = literal(take_turn)
    if take_turn and dialect_name == "postgresql":
        turn = func.pg_try_advisory_xact_lock(_TURN_KEY)
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["provider_event_id"])
        .returning(table.c.id, turn)
    )


def handle_event(event: Event, source: str = "webhook") -> str:
    """Record the event once, then apply it and what else waits; what happened to it.

    `duplicate` when it was recorded before, `queued` when another run has the turn to apply
    (it applies this event too). A caller that got an outcome had the turn: it should `drain()`
    next, at once or after answering, so that nothing recorded meanwhile is left waiting.
    The event is committed before this returns, in the transaction that applies it if it has
    the turn (one commit), or alone if applying fails.
    """
    row_id, turn = _insert(event, source, take_turn=True)
    if row_id is None:
        db.session.rollback()
        return "duplicate"
    if not turn:
        db.session.commit()
        return "queued"
    applied = _apply_batch(row_id, BATCH_SIZE, MAX_ATTEMPTS, rerecord=lambda: record(event, source))
    found = [a for a in applied.values() if a.event_id == event.id]
    return found[0].outcome if found else "queued"


def drain(max_attempts: int | None = MAX_ATTEMPTS) -> list[Applied]:
    """Apply what waits, batch after batch, until nothing does or another run has the turn."""
    done: list[Applied] = []
    while True:
        applied = apply_pending(max_attempts=max_attempts)
        if applied is None:
            return done  # the run that has the turn looks again once it gives the turn up
        done.extend(applied.values())
        # After giving the turn up (commit), look again: an event recorded while this run had
        # the turn was acknowledged by a request that could not take it.
        if not applied and not _waiting(max_attempts):
            return done


def _waiting(max_attempts: int | None) -> bool:
    found = db.session.execute(select(WebhookEvent.id).where(*_wanted(max_attempts)).limit(1))
    waiting = found.first() is not None
    db.session.rollback()
    return waiting


def _wanted(max_attempts: int | None, first: int | None = None) -> list:
    wanted = [WebhookEvent.outcome.is_(None)]
    if max_attempts is not None:
        retry = WebhookEvent.attempts < max_attempts
        wanted.append(retry if first is None else (WebhookEvent.id == first) | retry)
    return wanted


def _take_turn() -> bool:
    """One run applies events at a time (PostgreSQL advisory lock, until the transaction ends).

    The others only record theirs: one batch of many events costs far less than many batches
    of one. SQLite writes one transaction at a time anyway.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    return bool(db.session.execute(select(func.pg_try_advisory_xact_lock(_TURN_KEY))).scalar())


def apply_pending(
    limit: int = BATCH_SIZE, max_attempts: int | None = MAX_ATTEMPTS
) -> dict[int, Applied] | None:
    """Apply up to `limit` recorded events in one transaction; None when another run has the
    turn. Events that failed `max_attempts` times are left (None: tried again too)."""
    if not _take_turn():
        db.session.rollback()
        return None
    return _apply_batch(None, limit, max_attempts)


def _apply_batch(first, limit, max_attempts, rerecord=None) -> dict[int, Applied]:
    """Claim and apply a batch (`first`, maybe not committed yet, before the others); commit.

    If the batch fails, it is rolled back (with `first`, recorded again by `rerecord`) and each
    event is applied on its own; one that still fails counts an attempt and waits.
    """
    order = [WebhookEvent.id]
    if first is not None:
        order.insert(0, case((WebhookEvent.id == first, 0), else_=1))
    records = list(
        db.session.execute(
            select(WebhookEvent)
            .where(*_wanted(max_attempts, first))
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
        applied, outbox = _apply(records)
        db.session.commit()
    except Exception:  # noqa: BLE001 (each event is tried again on its own below)
        db.session.rollback()
        current_app.logger.warning("a batch of provider events failed; applying one by one")
        if rerecord is not None:
            row_ids = [r for r in row_ids if r != first] + [rerecord()]
        applied, outbox = {}, []
        for row_id in row_ids:
            if row_id is not None:
                applied.update(apply_one(row_id))
    _deliver(outbox)
    return applied


def apply_one(row_id: int) -> dict[int, Applied]:
    """Apply one recorded event in its own transaction (if it still waits and nobody holds it)."""
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
        applied, outbox = _apply(records)
        db.session.commit()
    except Exception:  # noqa: BLE001 (recorded: a later run tries again)
        db.session.rollback()
        _failed(row_id)
        return {}
    _deliver(outbox)
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
    for rec, event in sorted(events, key=case_first):
        handler = HANDLERS.get(event.type)
        rec.outcome = handler(event, rec, batch) if handler else "ignored"
        applied[rec.id] = Applied(event.id, event.type, rec.outcome)
    return applied, batch.outbox


def _failed(row_id: int) -> None:
    current_app.logger.exception("provider event %s could not be applied; it waits", row_id)
    db.session.execute(
        update(WebhookEvent)
        .where(WebhookEvent.id == row_id)
        .values(attempts=WebhookEvent.attempts + 1)
    )
    db.session.commit()


def _deliver(outbox: list[Message]) -> None:
    if outbox and mail.smtp_configured():
        mail.deliver(outbox)


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
    report.applied.extend(drain(max_attempts=None))
    for event in gateway().list_events(int(time.time() - since.total_seconds())):
        report.fetched += 1
        outcome = handle_event(event, source="reconcile")
        if outcome == "duplicate":
            report.already += 1
        else:
            report.applied.append((event.id, event.type, outcome))
    report.applied.extend(drain(max_attempts=None))
    return report
