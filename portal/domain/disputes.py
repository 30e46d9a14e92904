"""Disputes: why a debtor contests a debt, the states of a dispute, and which proof files count.

A proof file's type is read from its first bytes (its "magic number"), never from its name or
from the type the browser claims: a renamed program is not a PDF. Only PDF, JPEG and PNG are
taken, at most MAX_FILE_BYTES each and MAX_FILES per dispute.
"""

from enum import StrEnum

from portal.domain.states import IllegalTransition

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_MESSAGE_CHARS = 4000


class DisputeReason(StrEnum):
    """Why the debtor contests the debt."""

    ALREADY_PAID = "already_paid"
    NOT_MY_DEBT = "not_my_debt"
    WRONG_AMOUNT = "wrong_amount"
    OTHER = "other"


class DisputeStatus(StrEnum):
    """Where a dispute stands."""

    OPEN = "open"
    UPHELD = "upheld"
    REJECTED = "rejected"


DISPUTE_TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    DisputeStatus.OPEN: frozenset({DisputeStatus.UPHELD, DisputeStatus.REJECTED}),
    DisputeStatus.UPHELD: frozenset(),
    DisputeStatus.REJECTED: frozenset(),
}


def move_dispute(current: DisputeStatus, target: DisputeStatus) -> DisputeStatus:
    """Return `target` if a dispute may go there from `current`, else raise IllegalTransition."""
    if target not in DISPUTE_TRANSITIONS[current]:
        raise IllegalTransition("dispute", current, target)
    return target


# (content type, file extension, the bytes the file starts with)
_SIGNATURES = (
    ("application/pdf", "pdf", b"%PDF-"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
)


class FileRefused(ValueError):
    """A proof file cannot be kept; `reason` is `type`, `size`, `empty` or `count`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def detect_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, PNG or JPEG file from its first bytes, else None."""
    for content_type, extension, magic in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def check_file(data: bytes, already: int) -> tuple[str, str]:
    """(content type, extension) of a proof file that may be added to a dispute holding
    `already` files; raises FileRefused."""
    if already >= MAX_FILES:
        raise FileRefused("count")
    if not data:
        raise FileRefused("empty")
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused("size")
    found = detect_type(data[:16])
    if found is None:
        raise FileRefused("type")
    return found
