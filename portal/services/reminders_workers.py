"""The reminder job in several processes at once, forked from this one (PostgreSQL only).

One process renders, writes and sends about 170 e-mails a second, and uses one core at most (the
GIL). Several runs at once are safe on PostgreSQL (due cases are taken with SKIP LOCKED, see
reminders), so N workers are forked once the code is imported: they share its memory
copy-on-write, each takes batches of due cases and sends its own e-mails inline (no sender
thread to compete with for the GIL; the other workers use the CPU while one waits for a reply).
This process collects their progress and reports, then sends what is left over and the
instalment reminders itself, as a single run would.
"""

import datetime as dt
import json
import os
import selectors
import sys
import traceback
from collections import Counter
from collections.abc import Callable

from portal.domain import reminders as rules
from portal.extensions import db
from portal.services import reminders


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
    share = None if limit is None else -(-limit // workers)
    pipes = {}
    for _ in range(workers):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover (measured in the child, which never returns)
            os.close(read)
            _work(write, at, share, weekly_cap)
        os.close(write)
        pipes[pid] = read
    forked(list(pipes))
    report = _collect(pipes, progress)
    # What a worker left pending (an SMTP error), then the instalment reminders, here.
    rest = reminders.Runner(at=at, weekly_cap=weekly_cap, instalments=instalments).run(limit=0)
    _merge(report, rest)
    return report


def _work(fd: int, at: dt.datetime, limit: int | None, weekly_cap: int) -> None:
    status = 1
    try:
        db.engine.dispose(close=False)
        with os.fdopen(fd, "w", buffering=1) as out:
            runner = reminders.Runner(
                at=at, weekly_cap=weekly_cap, instalments=False, background=False
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
                        _merge(report, _from_dict(json.loads(value)))
                if not chunk:
                    selector.unregister(fd)
                    os.close(fd)
                    del buffers[fd]
    failed = [pid for pid in pipes if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    if failed:
        raise WorkerFailed(f"{len(failed)} of {len(pipes)} reminder worker(s) failed")
    return report


def _as_dict(report: reminders.RunReport) -> dict:
    fields = ("emails", "letters", "delivered", "failed")
    return {**{name: getattr(report, name) for name in fields}, "skipped": dict(report.skipped)}


def _from_dict(data: dict) -> reminders.RunReport:
    return reminders.RunReport(**{**data, "skipped": Counter(data["skipped"])})


def _merge(total: reminders.RunReport, part: reminders.RunReport) -> None:
    total.emails += part.emails
    total.letters += part.letters
    total.delivered += part.delivered
    total.failed += part.failed
    total.skipped.update(part.skipped)
