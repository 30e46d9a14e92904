"""A debtor opens a dispute, adds messages and proof files while it is open, and reads it."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.domain.disputes import (
    MAX_FILES,
    MAX_MESSAGE_CHARS,
    DisputeReason,
    DisputeStatus,
    FileRefused,
    check_file,
)
from portal.domain.states import CaseStatus, move_case
from portal.extensions import db
from portal.models import ActorKind, Dispute, DisputeFile, DisputeMessage
from portal.services import audit
from portal.services.cases.locking import lock_case
from portal.services.disputes.storage import store

DISPUTABLE = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN})


@dataclass
class Upload:
    """A file as the debtor sent it."""

    filename: str
    data: bytes


class DisputeRefused(ValueError):
    """Nothing was changed; `reason` says why: `reason`, `message`, `case_state`,
    `already_open`, `not_open`, or a file's (`type`, `size`, `empty`, `count`)."""

    def __init__(self, reason: str, filename: str | None = None):
        super().__init__(reason)
        self.reason, self.filename = reason, filename


def _clean_name(filename: str, extension: str) -> str:
    """A name safe to show and to send back: no path, no odd characters, the true extension."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    kept = "".join(ch for ch in base if (ch.isascii() and ch.isalnum()) or ch in " -_")
    base = kept[:80].strip() or "proof"
    return f"{base}.{extension}"


def _checked(uploads: list[Upload], already: int) -> list[tuple[Upload, str, str]]:
    checked = []
    for position, upload in enumerate(uploads):
        try:
            content_type, extension = check_file(upload.data, already + position)
        except FileRefused as exc:
            raise DisputeRefused(exc.reason, upload.filename) from None
        checked.append((upload, content_type, _clean_name(upload.filename, extension)))
    return checked


def _message(text: str | None, required: bool) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_MESSAGE_CHARS or (required and not text):
        raise DisputeRefused("message")
    return text or None


def _attach(dispute: Dispute, checked) -> list[str]:
    """Store the files and add their rows; the keys stored (to delete if the commit fails)."""
    keys = []
    files = store()
    for upload, content_type, name in checked:
        key = files.put(upload.data)
        keys.append(key)
        dispute.files.append(
            DisputeFile(
                storage_key=key, filename=name, content_type=content_type, size=len(upload.data)
            )
        )
    return keys


def _commit_or_forget(keys: list[str]) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # another request opened a dispute on this case meanwhile
        db.session.rollback()
        for key in keys:
            store().delete(key)
        raise DisputeRefused("already_open") from None


def open_dispute(
    case_id: int, reason: str, message: str, uploads: list[Upload], ip: str | None = None
) -> Dispute:
    """Open a dispute on the case: reminders and charges stop until a collector decides.
    Commits; raises DisputeRefused (nothing changed)."""
    try:
        reason = DisputeReason(reason)
    except ValueError:
        raise DisputeRefused("reason") from None
    text = _message(message, required=True)
    checked = _checked(uploads, 0)
    case = lock_case(case_id)
    status = CaseStatus(case.status)
    if open_of(case_id) is not None:
        db.session.rollback()
        raise DisputeRefused("already_open")
    if status not in DISPUTABLE:
        db.session.rollback()
        raise DisputeRefused("case_state")
    dispute = Dispute(case_id=case.id, reason=reason, case_status_before=str(status))
    dispute.messages.append(DisputeMessage(body=text))
    db.session.add(dispute)
    case.status = move_case(status, CaseStatus.DISPUTED)
    keys = _attach(dispute, checked)
    audit.record("dispute.opened", actor=ActorKind.DEBTOR, case_id=case.id, ip=ip,
                 reason=str(reason), files=len(keys))  # fmt: skip
    _commit_or_forget(keys)
    return dispute


def add_to_dispute(
    case_id: int, message: str | None, uploads: list[Upload], ip: str | None = None
) -> Dispute:
    """Add a message and/or files to the case's open dispute. Commits; raises DisputeRefused."""
    text = _message(message, required=not uploads)
    lock_case(case_id)
    dispute = open_of(case_id)
    if dispute is None:
        db.session.rollback()
        raise DisputeRefused("not_open")
    if len(dispute.files) + len(uploads) > MAX_FILES:
        db.session.rollback()
        raise DisputeRefused("count")
    try:
        checked = _checked(uploads, len(dispute.files))
    except DisputeRefused:
        db.session.rollback()
        raise
    if text:
        dispute.messages.append(DisputeMessage(body=text))
    keys = _attach(dispute, checked)
    audit.record("dispute.added", actor=ActorKind.DEBTOR, case_id=case_id, ip=ip,
                 dispute_id=dispute.id, message=bool(text), files=len(keys))  # fmt: skip
    _commit_or_forget(keys)
    return dispute


def open_of(case_id: int) -> Dispute | None:
    """The case's open dispute, if any."""
    return db.session.execute(
        select(Dispute).where(Dispute.case_id == case_id, Dispute.status == DisputeStatus.OPEN)
    ).scalar_one_or_none()


def latest(case_id: int) -> Dispute | None:
    """The case's latest dispute (open or decided) with its messages and files."""
    return db.session.execute(
        select(Dispute)
        .options(selectinload(Dispute.messages), selectinload(Dispute.files))
        .where(Dispute.case_id == case_id)
        .order_by(Dispute.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def debtor_file(case_id: int, file_id: int) -> tuple[DisputeFile, bytes] | None:
    """A proof file of this case's disputes and its bytes; None for any other file."""
    found = db.session.execute(
        select(DisputeFile)
        .join(Dispute, Dispute.id == DisputeFile.dispute_id)
        .where(DisputeFile.id == file_id, Dispute.case_id == case_id)
    ).scalar_one_or_none()
    if found is None:
        return None
    try:
        return found, store().get(found.storage_key)
    except FileNotFoundError:
        return None
