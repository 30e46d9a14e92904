"""Statements over many rows at once: id lists as one parameter, rows written by COPY."""

import psycopg
from sqlalchemy import ARRAY, Table, any_, bindparam, insert, text
from sqlalchemy.exc import IntegrityError

from portal.extensions import db

_NEXT_IDS = "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"


def among(column, values, dialect: str):
    """`column IN (values)`; on PostgreSQL (`dialect`) `column = ANY(array)`, one parameter
    whatever the count: the statement's text is the same for every batch, so the driver parses
    it once and the server prepares it once, instead of a new text for every list."""
    values = list(values)
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def next_ids(connection, table: Table, n: int) -> list[int]:
    """`n` new ids drawn from the sequence of `table`'s id (PostgreSQL), in one statement."""
    return list(connection.execute(text(_NEXT_IDS), {"table": table.name, "n": n}).scalars())


def insert_rows(table: Table, rows: list[dict], ids: bool = False) -> list[int]:
    """INSERT these rows (the same keys in each) in the session's transaction, with the
    columns' Python defaults as an INSERT applies them; with `ids`, returns the new ids in the
    rows' order.

    On PostgreSQL the rows go by COPY, ids drawn from the sequence first: no statement text to
    build and parse for each batch, the least work for this process and for the server.
    A duplicate raises IntegrityError, as an INSERT would.
    """
    if not rows:
        return []
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        if not ids:
            connection.execute(insert(table), rows)
            return []
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(returning, rows).scalars())
    new_ids = []
    if ids:
        new_ids = next_ids(connection, table, len(rows))
        rows = [{**row, "id": new_id} for row, new_id in zip(rows, new_ids, strict=True)]
    given = list(rows[0])
    defaults = [c for c in table.c if c.name not in rows[0] and c.default is not None]
    columns = [table.c[name] for name in given] + defaults
    # Callable defaults (a timestamp) are called for each row, as an executemany INSERT does.
    makers = [
        c.default.arg if c.default.is_callable else (lambda _, value=c.default.arg: value)
        for c in defaults
    ]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                values = [row[name] for name in given] + [make(None) for make in makers]
                copy.write_row([p(v) if p else v for p, v in zip(processors, values, strict=True)])
    except psycopg.IntegrityError as exc:  # as an INSERT through SQLAlchemy would raise
        raise IntegrityError(statement, None, exc) from exc
    finally:
        cursor.close()
    return new_ids


_LZ4: dict[str, bool] = {}  # by database URL: whether the server was built with lz4


def compress_with_lz4() -> None:
    """On a PostgreSQL server built with lz4, the rest of the session's transaction compresses
    long values (the e-mails' bodies) with lz4 instead of pglz: a fraction of the server's CPU
    for a slightly larger stored size; either reads back the same. Elsewhere, nothing."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    url = str(connection.engine.url)
    if url not in _LZ4:
        _LZ4[url] = bool(connection.execute(text(_HAS_LZ4)).scalar())
    if _LZ4[url]:
        connection.exec_driver_sql("SET LOCAL default_toast_compression = 'lz4'")


_HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
