"""The reminder job in several processes at once, forked from this one (PostgreSQL only).

One process renders, writes and sends about 200 e-mails a second, and uses one core at most (the
GIL). Several runs at once are safe on PostgreSQL (due cases are taken with SKIP LOCKED, see
reminders), so N workers are forked once the code is imported: they share its memory
copy-on-write, each takes the due cases whose id is its own modulo N (so they never queue on
each other's row locks, nor look twice at a case a step left due) and sends its own e-mails
inline (no sender thread to compete with for the GIL; another worker uses the CPU while one
waits for a reply). This process collects their progress and reports, then sends what is left
over and the instalment reminders itself, as a single run would.
"""

import datetime as dt
import gc
import json
import os
import selectors
import sys
import traceback
from collections import Counter
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale

from portal.domain import reminders as rules
from portal.extensions import db
from portal.i18n import babel_locale
from portal.services.mail import render as mail_render
from portal.services.reminders import run as reminders


class WorkerFailed(RuntimeError):
    """A worker process ended with an error (what it committed stays committed)."""


def run_in_processes(
    at: dt.datetime,
    workers: int,
    *,
    limit: int | None = None,
    weekly_cap: int = rules.DEFAULT_WEEKLY_CAP,
    instalments: bool = True,
    progress: Callable[[int], None] = lambda n: None,
    forked: Callable[[list[int]], None] = lambda pids: None,
) -> reminders.RunReport:
    """Run the job as of `at` in `workers` forked processes (`limit` cases in all, about)."""
    if db.engine.dialect.name != "postgresql":
        raise ValueError("several reminder workers need PostgreSQL (SKIP LOCKED)")
    db.session.remove()
    db.engine.dispose()  # no connection may be shared with a child
    _warm_up()
    share = None if limit is None else -(-limit // workers)
    pipes = {}
    for index in range(workers):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (measured in the child, which never returns)
            os.close(read)
            _work(write, at, share, weekly_cap, (index, workers))
        os.close(write)
        pipes[pid] = read
    forked(list(pipes))
    try:
        report = _collect(pipes, progress)
    finally:
        gc.unfreeze()
    # What a worker left pending (an SMTP error), then the instalment reminders, here.
    rest = reminders.Runner(at=at, weekly_cap=weekly_cap, instalments=instalments).run(limit=0)
    report.add(rest)
    return report


def _warm_up() -> None:
    """Load here what every worker needs (compiled e-mail templates, locale data), and keep
    the collector off it, so that the workers share those pages instead of copying them."""
    for language in current_app.config["LANGUAGES"]:
        with force_locale(babel_locale(language)):
            renderer = mail_render.renderer(language)
            for name in ("first_notice", "reminder", "formal_notice", "instalment"):
                for kind in ("txt", "html"):
                    renderer.template(f"email/reminder_{name}.{kind}")
    gc.collect()
    gc.freeze()  # a collection in a worker would write to every page of these objects


def _work(
    fd: int, at: dt.datetime, limit: int | None, weekly_cap: int, shard: tuple[int, int]
) -> None:
    status = 1
    try:
        db.engine.dispose(close=False)
        with os.fdopen(fd, "w", buffering=1) as out:
            runner = reminders.Runner(
                at=at, weekly_cap=weekly_cap, instalments=False, background=False, shard=shard
            )
            report = runner.run(limit=limit, progress=lambda n: out.write(f"progress {n}\n"))
            out.write(f"report {json.dumps(_as_dict(report))}\n")
        status = 0
    except BaseException:  # noqa: BLE001 (told to the parent by the exit status)
        traceback.print_exc(file=sys.stderr)
    finally:
        os._exit(status)


def _collect(pipes: dict[int, int], progress: Callable[[int], None]) -> reminders.RunReport:
    report = reminders.RunReport()
    buffers = {fd: b"" for fd in pipes.values()}
    with selectors.DefaultSelector() as selector:
        for fd in buffers:
            selector.register(fd, selectors.EVENT_READ)
        while buffers:
            for key, _ in selector.select():
                fd = key.fd
                chunk = os.read(fd, 65536)
                *lines, buffers[fd] = (buffers[fd] + chunk).split(b"\n")
                for line in lines:
                    kind, _, value = line.decode().partition(" ")
                    if kind == "progress":
                        progress(int(value))
                    elif kind == "report":
                        report.add(_from_dict(json.loads(value)))
                if not chunk:
                    selector.unregister(fd)
                    os.close(fd)
                    del buffers[fd]
    failed = [pid for pid in pipes if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise WorkerFailed(f"{len(failed)} of {len(pipes)} reminder worker(s) failed")
    return report


def _as_dict(report: reminders.RunReport) -> dict:
    fields = ("steps", "emails", "letters", "delivered", "failed")
    return {**{name: getattr(report, name) for name in fields}, "skipped": dict(report.skipped)}


def _from_dict(data: dict) -> reminders.RunReport:
    return reminders.RunReport(**{**data, "skipped": Counter(data["skipped"])})
