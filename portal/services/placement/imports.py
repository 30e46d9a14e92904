"""Placing cases from a CSV file or an API request: scan, check, then load all or nothing."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import ActorKind, Creditor, PlacementImport
from portal.services import audit, clock
from portal.services.placement.check import Check, check_rows
from portal.services.placement.columns import BY_NAME
from portal.services.placement.csvfile import FileProblem, records, scan
from portal.services.placement.load import load_rows
from portal.services.placement.rows import RowError

Progress = Callable[[str, int], None]  # (phase, bytes just read)


class UnknownCreditor(LookupError):
    """No creditor has this id."""


@dataclass
class Outcome:
    """What became of a placement: `loaded`, `already` (the same file loaded before), `rejected`."""

    status: str
    import_id: int | None = None
    rows: int = 0
    cases: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def loaded(self) -> bool:
        """True when the cases are placed (now or by the same file before)."""
        return self.status in ("loaded", "already")


def _creditor(creditor_id: int) -> Creditor:
    found = db.session.get(Creditor, creditor_id) if 0 < creditor_id < 2**31 else None
    if found is None:
        raise UnknownCreditor(creditor_id)
    return found


def _record(creditor_id: int, status: str, digest: str, **values) -> PlacementImport:
    row = PlacementImport(creditor_id=creditor_id, status=status, digest=digest, **values)
    db.session.add(row)
    db.session.flush()
    return row


def _reject(creditor_id: int, digest: str, check: Check, meta: dict) -> Outcome:
    db.session.rollback()
    row = _record(
        creditor_id,
        "rejected",
        digest,
        rows=check.rows,
        cases=0,
        error_count=check.error_count,
        errors=[e.as_dict() for e in check.errors],
        **meta,
    )
    audit.record(
        "placement.rejected",
        actor=_actor(meta),
        staff_user_id=meta["staff_user_id"],
        import_id=row.id,
        errors=check.error_count,
    )
    db.session.commit()
    return Outcome("rejected", row.id, check.rows, 0, check.errors, check.error_count)


def _actor(meta: dict) -> ActorKind:
    return ActorKind.STAFF if meta.get("staff_user_id") else ActorKind.SYSTEM


def _problem(problem: FileProblem) -> Check:
    check = Check()
    check.add(RowError(problem.params.get("line", 0), "", "", problem.code, problem.params))
    return check


def _place(
    creditor: Creditor, digest: str, rows: Callable[[str], Iterator], today, meta
) -> Outcome:
    previous = db.session.scalar(
        select(PlacementImport).where(
            PlacementImport.creditor_id == creditor.id, PlacementImport.loaded_digest == digest
        )
    )
    if previous is not None:
        return Outcome("already", previous.id, previous.rows, previous.cases)
    try:
        check = check_rows(rows("check"), creditor, today)
    except FileProblem as problem:
        return _reject(creditor.id, digest, _problem(problem), meta)
    if not check.rows:
        return _reject(creditor.id, digest, _problem(FileProblem("no_rows")), meta)
    if check.error_count:
        return _reject(creditor.id, digest, check, meta)
    try:
        row = _record(creditor.id, "loaded", digest, loaded_digest=digest, rows=check.rows, **meta)
        row.cases = load_rows(
            rows("load"),
            creditor,
            today,
            import_id=row.id,
            staff_user_id=meta["staff_user_id"],
            source=meta["source"],
        )
        audit.record(
            "placement.loaded",
            actor=_actor(meta),
            staff_user_id=meta["staff_user_id"],
            import_id=row.id,
            cases=row.cases,
            rows=row.rows,
        )
        db.session.commit()
    except FileProblem as problem:
        return _reject(creditor.id, digest, _problem(problem), meta)
    except IntegrityError:  # another placement took one of these references meanwhile
        return _reject(creditor.id, digest, _problem(FileProblem("conflict")), meta)
    return Outcome("loaded", row.id, row.rows, row.cases)


def import_csv(
    open_file: Callable[[], BinaryIO],
    creditor_id: int,
    *,
    source: str = "cli",
    filename: str | None = None,
    staff_user_id: int | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Place the cases of a CSV file, all or none. `open_file` gives the file from its start
    (it is read three times: scan, check, load); raises UnknownCreditor."""
    creditor = _creditor(creditor_id)
    today = today or clock.today()
    meta = {
        "source": source,
        "filename": filename and filename[:255],
        "staff_user_id": staff_user_id,
    }

    def tick(phase: str):
        return (lambda n: progress(phase, n)) if progress else None

    try:
        scanned = scan(open_file(), tick("scan"))
    except FileProblem as problem:
        return _reject(creditor.id, "", _problem(problem), meta)
    if scanned.size == 0:
        return _reject(creditor.id, scanned.digest, _problem(FileProblem("empty")), meta)
    return _place(
        creditor,
        scanned.digest,
        lambda phase: records(open_file(), scanned.encoding, tick(phase)),
        today,
        meta,
    )


def place_cases(
    cases: list,
    creditor_id: int,
    *,
    today: dt.date | None = None,
    token_id: int | None = None,
) -> Outcome:
    """Place cases given as JSON objects (the CSV's case columns and `lines`, a list of objects
    with the line columns), all or none; error lines number the debt lines from 1 in order."""
    creditor = _creditor(creditor_id)
    digest = hashlib.sha256(json.dumps(cases, sort_keys=True, default=str).encode()).hexdigest()
    meta = {"source": "api", "filename": None, "staff_user_id": None}
    today = today or clock.today()
    check = Check()
    flat = list(_flatten(cases, check))
    if check.error_count:  # the rows that could be read are checked too: every fault at once
        rows = check_rows(iter(flat), creditor, today)
        for error in rows.errors:
            check.add(error)
        check.rows = rows.rows
        check.errors.sort(key=lambda e: e.line)
        return _reject(creditor.id, digest, check, meta)
    return _place(creditor, digest, lambda _phase: iter(flat), today, meta)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise TypeError
    return str(value)


def _flatten(cases: list, check: Check) -> Iterator[tuple[int, dict[str, str], int]]:
    number = 0
    for case in cases:
        if not isinstance(case, dict):
            number += 1
            check.add(RowError(number, "", "", "not_object"))
            continue
        lines = case.get("lines")
        if not isinstance(lines, list) or not lines:
            check.add(RowError(number + 1, "lines", "", "lines_required"))
            number += 1
            continue
        head = {k: v for k, v in case.items() if k != "lines"}
        for line in lines:
            number += 1
            if not isinstance(line, dict):
                check.add(RowError(number, "lines", "", "not_object"))
                continue
            cells = {**head, **line}
            unknown = [k for k in cells if k not in BY_NAME]
            for name in unknown:
                check.add(RowError(number, str(name)[:64], "", "unknown_field"))
            try:
                yield number, {k: _cell(v) for k, v in cells.items() if k in BY_NAME}, 0
            except TypeError:
                check.add(RowError(number, "", "", "not_text"))


def positions(cases: list) -> list[tuple[int, int | None]]:
    """(case index, line index) of each number `place_cases` gives its rows, in the same order
    as `_flatten` numbers them (a case without lines takes one number, its line index None)."""
    found = []
    for i, case in enumerate(cases):
        lines = case.get("lines") if isinstance(case, dict) else None
        if not isinstance(lines, list) or not lines:
            found.append((i, None))
            continue
        found += [(i, j) for j in range(len(lines))]
    return found
