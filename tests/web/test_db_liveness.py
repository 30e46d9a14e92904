"""Pooled PostgreSQL connections the server dropped are replaced, with no round trip per page."""

import time

import pytest
from sqlalchemy import event, text

from portal.db_liveness import server_dropped
from tests.conftest import drop_other_connections
from tests.web.test_overview import _engine, log_in

pytestmark = pytest.mark.postgres


def test_pages_work_after_the_database_dropped_the_pooled_connections(client, factories):
    factories.agency()
    case = factories.case(lines=(12_345,))
    log_in(client, case, lang="en")
    assert client.get("/case").status_code == 200
    drop_other_connections()
    page = client.get("/case")
    assert page.status_code == 200
    assert "123.45" in page.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_a_dropped_connection_is_told_from_a_live_one(app):
    engine = _engine(app)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert not server_dropped(raw)
        conn.rollback()
        assert not server_dropped(raw)  # idle after a statement: nothing left to read
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        conn.rollback()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 5
        while not server_dropped(raw) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server_dropped(raw)
        conn.invalidate()


def test_the_case_page_reads_without_a_transaction(client, web_app, factories):
    factories.agency()
    case = factories.case(lines=(1_000,), payments=(500,))
    log_in(client, case, lang=None)
    engine = _engine(web_app)
    sent = []

    def note(conn, cursor, statement, *args):
        raw = conn.connection.dbapi_connection
        # autocommit: libpq sends the statement alone, no BEGIN before it, no ROLLBACK after
        sent.append((raw.autocommit, raw.info.transaction_status.name))

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get("/case").status_code == 200
        assert client.get("/case").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    # Three statements a view (the session's version, then the case page's two), each outside
    # any transaction, and no SELECT 1 before them.
    assert sent == [(True, "IDLE")] * 6
    with engine.connect() as conn:  # the pool hands the next user a transactional connection
        conn.execute(text("SELECT 1"))
        assert conn.connection.dbapi_connection.info.transaction_status.name == "INTRANS"
