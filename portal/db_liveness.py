"""Pooled PostgreSQL connections checked at checkout without a round trip to the server.

A server that restarts or ends a session closes its socket (after a last error message), so a
pooled connection the server has dropped is one whose idle socket has become readable: one
`select()` with no wait tells, where a pre-ping would send `SELECT 1` on every checkout. Such a
connection is replaced before use. Connections a network device drops silently send nothing:
`pool_recycle` (see config) retires them by age.
"""

import select

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine


def watch(engine: Engine) -> None:
    """Check each PostgreSQL connection the engine's pool hands out."""
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkout", _check_alive)


def server_dropped(dbapi_connection) -> bool:
    """True when the server has closed this idle connection (or it is already known dead)."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    # An idle connection of this app never gets data it did not ask for (no LISTEN): anything
    # waiting is the server's goodbye, or the end of the stream.
    return bool(readable)


def _check_alive(dbapi_connection, connection_record, connection_proxy) -> None:
    if server_dropped(dbapi_connection):
        raise exc.DisconnectionError("the database server closed this pooled connection")
