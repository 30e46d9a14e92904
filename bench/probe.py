"""In-process look at one page: status, size, SQL statements and CPU time per request.

Run by run.py in a subprocess with the app's environment (DATABASE_URL...):

    python -m bench.probe overview CASE_ID
    python -m bench.probe lookup REFERENCE
    python -m bench.probe overview-many FILE   # one case id a line: each in a session of its own
    python -m bench.probe lookup-many FILE     # one reference a line

Prints one JSON object. No HTTP server, no sockets: Flask's test client only.
"""

import json
import sys
import time

from sqlalchemy import event

BATCHES, PER_BATCH = 6, 50


def _count_statements(engine, statements: list[str]) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:160])


def _probe(app, db, path: str, prepare=None) -> dict:
    statements: list[str] = []
    with app.app_context():
        _count_statements(db.engine, statements)
    client = app.test_client()
    if prepare:
        prepare(client)
    response = client.get(path)  # warm: templates compiled, pool filled
    statements.clear()
    response = client.get(path)
    per_request = list(statements)
    # CPU time of this process, best batch: other programs on the machine barely move it.
    batches = []
    for _ in range(BATCHES):
        started = time.process_time()
        for _ in range(PER_BATCH):
            client.get(path)
        batches.append((time.process_time() - started) * 1000 / PER_BATCH)
    return {
        "status": response.status_code,
        "bytes": len(response.data),
        "queries": len(per_request),
        "statements": per_request,
        "pre_ping": bool(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("pool_pre_ping")),
        "cpu_ms": round(min(batches), 3),
    }


def overview(case_id: int) -> dict:
    from portal import create_app
    from portal.extensions import db

    app = create_app()

    def log_in(client):
        with client.session_transaction() as session:
            session["debtor_case"] = case_id
            session["debtor_seen"] = int(time.time())

    return _probe(app, db, "/case", log_in)


def lookup(reference: str) -> dict:
    from bench.apps.lookup import app, db

    return _probe(app, db, f"/case/{reference}")


def _cpu_over(client, requests: list[tuple[str, dict]]) -> dict:
    """CPU time per request over distinct requests, each sent once a batch (best batch)."""
    for path, headers in requests[:50]:  # warm: templates compiled, pool filled
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    batches = []
    for _ in range(3):
        started = time.process_time()
        for path, headers in requests:
            client.get(path, headers=headers)
        batches.append((time.process_time() - started) * 1000 / len(requests))
    return {"distinct": len(requests), "cpu_ms": round(min(batches), 3)}


def overview_many(case_ids: list[int]) -> dict:
    import os

    from bench.sessions import DebtorSessions
    from portal import create_app

    app = create_app()
    cookies = DebtorSessions(os.environ["SECRET_KEY"], case_ids).cookies()
    client = app.test_client(use_cookies=False)
    return _cpu_over(client, [("/case", {"Cookie": cookie}) for cookie in cookies])


def lookup_many(references: list[str]) -> dict:
    from bench.apps.lookup import app

    client = app.test_client(use_cookies=False)
    return _cpu_over(client, [(f"/case/{reference}", {}) for reference in references])


if __name__ == "__main__":
    kind, argument = sys.argv[1], sys.argv[2]
    if kind.endswith("-many"):
        with open(argument) as fh:
            items = fh.read().split()
        if kind == "overview-many":
            result = overview_many([int(item) for item in items])
        else:
            result = lookup_many(items)
    else:
        result = overview(int(argument)) if kind == "overview" else lookup(argument)
    print(json.dumps(result))
