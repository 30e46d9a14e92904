"""Recording provider events (once, committed before they are acknowledged) and the turns.

An event is recorded by one INSERT … ON CONFLICT DO NOTHING on the provider's event id. On
PostgreSQL it runs in autocommit on a plain connection: one round trip, durable when it returns,
no ORM session. Events fall into lanes by the payment they name; each lane is applied by one run
at a time (its turn, a PostgreSQL advisory lock), and the lanes side by side, so every core can
apply. A payment's events share a lane; a case's balance is guarded by its row lock anyway
(payment_batch.py), so events that land in another lane are still applied right.
"""

import functools
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import current_app
from psycopg.types.json import Json
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import PoolProxiedConnection

from portal import db_liveness
from portal.extensions import db
from portal.gateway.contract import Event
from portal.models import WebhookEvent
from portal.models.base import utcnow
from portal.services.payments.batch import references

LANES = 2  # runs applying events at once (one per core of the machine it was measured on)
_TURN_KEY = 0x5EB400C  # the advisory lock of lane 0; lane n uses _TURN_KEY + n


def lane_of(obj: dict) -> int:
    """The lane of an event's object: from the payment it names (our id, else the provider's)."""
    checkout, intent, payment_id = references(obj)
    name = str(payment_id) if payment_id is not None else intent or checkout
    return zlib.crc32(name.encode()) % LANES if name else 0


def turn_key(lane: int) -> int:
    """The advisory lock key of a lane's turn."""
    return _TURN_KEY + lane


def is_postgres() -> bool:
    """True on PostgreSQL (turns and autocommit recording); SQLite has one writer anyway."""
    return db.engine.dialect.name == "postgresql"


def values(event: Event, source: str) -> dict:
    """The row of a recorded event, not applied yet."""
    return {"provider_event_id": event.id, "type": event.type[:100], "created": event.created,
            "object": event.object, "source": source, "attempts": 0,
            "lane": lane_of(event.object), "received_at": utcnow()}  # fmt: skip


def insert_in_session(event: Event, source: str) -> int | None:
    """Insert in the ORM session's transaction (the caller commits); the row id or None."""
    row = db.session.execute(_insert_once(db.engine.dialect.name), values(event, source))
    found = row.first()
    return None if found is None else found[0]


# The recording statement on PostgreSQL, run on the driver's connection with a prepared
# statement: it is most of a webhook request's work, and SQLAlchemy's execution layer (compiled
# statement, parameters, result) cost twice what the database does for it.
_RECORD = (
    "INSERT INTO webhook_events"
    " (provider_event_id, type, created, object, source, attempts, lane, received_at)"
    " VALUES (%s, %s, %s, %s, %s, 0, %s, %s)"
    " ON CONFLICT (provider_event_id) DO NOTHING"
    " RETURNING id, pg_try_advisory_lock(lane + %s::bigint), lane"
)
_UNLOCK = "SELECT pg_advisory_unlock(%s::bigint)"


@contextmanager
def recorded(event: Event, source: str) -> Iterator[tuple[int | None, bool]]:
    """Record the event in autocommit (PostgreSQL); (row id or None, this run has the lane's turn).

    The same round trip asks for the lane's turn (a session lock, new rows only): it is held
    until the block ends, on a connection kept for that, and released even on failure.
    """
    conn, row = _insert_with_retry(event, source)
    try:
        if row is None or not row[1]:
            yield (None if row is None else row[0]), False
            return
        try:
            yield row[0], True
        finally:
            try:
                with conn.cursor() as cursor:
                    cursor.execute(_UNLOCK, (turn_key(row[2]),), prepare=True)
            except Exception:  # the lock must not outlive this: closing the session frees it
                conn.invalidate()
                raise
    finally:
        conn.close()  # back to the pool


def _insert_with_retry(event: Event, source: str) -> tuple[PoolProxiedConnection, tuple | None]:
    # The recorder's pool does not ping a connection before lending it (a round trip per event;
    # db_liveness replaces those the server closed): one that dies unnoticed is found dead by
    # the INSERT itself, dropped, and the INSERT sent once more on a new one. That is safe
    # because the INSERT is idempotent: if the first one did land, the second finds the row
    # (no turn taken; the event waits for its lane's next run).
    params = (event.id, event.type[:100], event.created, Json(event.object), source,
              lane_of(event.object), utcnow(), _TURN_KEY)  # fmt: skip
    for attempt in (1, 2):
        conn = _recorder().raw_connection()
        try:
            with conn.cursor() as cursor:
                cursor.execute(_RECORD, params, prepare=True)
                return conn, cursor.fetchone()
        except psycopg.Error:
            broken = conn.driver_connection.broken
            if broken:
                conn.invalidate()
            conn.close()
            if attempt == 2 or not broken:
                raise
    raise AssertionError("unreachable")


_recorders_made = threading.Lock()


def _recorder() -> Engine:
    """The app's engine for recording: autocommit connections, no ping round trip (see above)."""
    engines = current_app.extensions.setdefault("payment_inbox", {})
    engine = engines.get("recorder")
    if engine is None:
        with _recorders_made:
            engine = engines.get("recorder")
            if engine is None:
                main = db.engine
                engine = create_engine(main.url, isolation_level="AUTOCOMMIT")
                db_liveness.watch(engine)
                # Disposed with the app's engine (tests, forks): never a pool left open.
                sa_event.listen(main, "engine_disposed", lambda _engine: engine.dispose())
                engines["recorder"] = engine
    return engine


@functools.cache
def _insert_once(dialect_name: str):
    # Built once, on the table (no ORM bulk-insert machinery).
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = WebhookEvent.__table__
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["provider_event_id"])
        .returning(table.c.id)
    )


def take_turn(lane: int | None) -> bool:
    """Take a lane's turn (every lane's for None) until the transaction ends; False if taken.

    SQLite writes one transaction at a time anyway: always True there.
    """
    if not is_postgres():
        return True
    lanes = range(LANES) if lane is None else [lane]
    locks = [func.pg_try_advisory_xact_lock(turn_key(n)) for n in lanes]
    return all(db.session.execute(select(*locks)).one())
