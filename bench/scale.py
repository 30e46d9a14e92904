"""Reporting at scale, on the database bench/scale_data.py filled (DATABASE_URL):

    .venv/bin/python -m bench.scale            # dashboard, list pages, export, import
    .venv/bin/python -m bench.scale export     # one part (run in its own process: its RSS)

Dashboard and list pages: the service calls the creditor's pages make (database round trips
included, template rendering not), run `--repeat` times after one warm-up; best and median
in ms. Export and import: each in a child process, wall time and the child's peak RSS.
"""

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

from bench.harness import ROOT

CREDITOR = 1  # holds 30 % of the cases
TARGETS = {"dashboard_ms": 250, "import_s": 60, "import_mb": 250, "export_mb": 250}


def _timed(fn, repeat: int) -> dict:
    fn()  # warm-up: plans cached, pages in shared buffers
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return {"best_ms": round(min(runs), 1), "median_ms": round(statistics.median(runs), 1)}


def _app():
    from portal import create_app

    return create_app()


def pages(repeat: int) -> dict:
    """The dashboard, then list pages at the start, middle and end of the creditor's cases."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import Case
    from portal.services.clock import today
    from portal.services.reporting import case_list, dashboard

    app = _app()
    result = {}
    with app.app_context():
        day = today()
        result["dashboard"] = _timed(lambda: dashboard.dashboard(CREDITOR, day), repeat)
        total = db.session.scalar(select(func.count()).where(Case.creditor_id == CREDITOR))
        filters = case_list.Filters()
        last_page = (total - 1) // case_list.PAGE_SIZE
        spots = (("page 1", 0), ("middle page", last_page // 2), ("last page", last_page))
        for name, page in spots:
            after = None
            if page:
                after = db.session.scalar(
                    select(Case.id)
                    .where(Case.creditor_id == CREDITOR)
                    .order_by(Case.id.desc())
                    .offset(page * case_list.PAGE_SIZE - 1)
                    .limit(1)
                )

            def one_page(after=after):
                shown = case_list.list_cases(CREDITOR, filters, after)
                case_list.count_cases(CREDITOR, filters)
                return shown

            result[f"list {name} ({page + 1} of {last_page + 1})"] = _timed(one_page, repeat)
        db.session.remove()
        result["creditor_cases"] = total
    return result


def _logged_in_client(app):
    """A test client logged in as a new user of creditor 1, as a person logs in."""
    import secrets

    from portal.extensions import db
    from portal.models import Role, StaffUser
    from portal.services.access.login import hash_password

    password = secrets.token_urlsafe(16)
    email = f"bench-{secrets.token_hex(4)}@creditor.example"
    with app.app_context():
        db.session.add(
            StaffUser(
                email=email,
                name="Bench",
                role=Role.CREDITOR,
                password_hash=hash_password(password),
                creditor_id=CREDITOR,
            )
        )
        db.session.commit()
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    answer = client.post(
        "/staff/login",
        data={"csrf_token": token[1] if token else "", "email": email, "password": password},
    )
    if answer.status_code != 303:
        raise SystemExit(f"could not log in: {answer.status_code}")
    return client


def web(repeat: int) -> dict:
    """The dashboard and list pages as the creditor's browser asks them (whole requests)."""
    app = _app()
    client = _logged_in_client(app)
    result = {}

    def get(url):
        answer = client.get(url)
        if answer.status_code != 200:
            raise SystemExit(f"{url}: {answer.status_code}")

    result["GET /creditor/dashboard"] = _timed(lambda: get("/creditor/dashboard"), repeat)
    result["GET /creditor/cases"] = _timed(lambda: get("/creditor/cases"), repeat)
    for after in (500_000, 5_000):
        result[f"GET /creditor/cases?after={after}"] = _timed(
            lambda after=after: get(f"/creditor/cases?after={after}"), repeat
        )
    return result


def export() -> dict:
    """The creditor's whole case list as CSV, consumed as a response would be."""
    from portal.services.reporting import case_list, exports

    app = _app()
    started = time.perf_counter()
    lines = size = 0
    with app.test_request_context("/"):
        for text in exports.cases_csv(CREDITOR, case_list.Filters()):
            lines += text.count("\n")
            size += len(text)
    return {
        "export_s": round(time.perf_counter() - started, 1),
        "export_rows": lines - 1,
        "export_mb_written": round(size / 1e6, 1),
        "export_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(*args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("part", nargs="?", choices=("all", "pages", "web", "export"), default="all")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args()
    if args.part == "pages":
        print(json.dumps(pages(args.repeat)))
    elif args.part == "web":
        print(json.dumps(web(args.repeat)))
    elif args.part == "export":
        print(json.dumps(export()))
    else:
        print("pages:", _child("bench.scale", "pages", "--repeat", str(args.repeat)).strip())
        print("web:", _child("bench.scale", "web", "--repeat", str(args.repeat)).strip())
        print("export:", _child("bench.scale", "export").strip())
        print("import:", _child("bench.placement", "--rows", str(args.import_rows)).strip())
        print(f"targets: {TARGETS}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
