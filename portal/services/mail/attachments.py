"""Documents attached to e-mails, rendered when the e-mail is sent rather than stored.

A message names its document as `<kind>:<key>` (`receipt:Q2026-000012`); each kind is a
service module whose `attachment(key, language)` returns the file, or None if the record is
gone. The message keeps the reference, the record keeps the data: the same PDF as the portal's.
"""

import importlib
from typing import NamedTuple

KINDS = {"receipt": "portal.services.payments.receipts"}


class Attachment(NamedTuple):
    """A file attached to an e-mail."""

    filename: str
    mimetype: str  # e.g. "application/pdf"
    data: bytes


def render(reference: str | None, language: str) -> list[Attachment]:
    """The files a message's `attachment` reference names, in the message's language."""
    if not reference:
        return []
    kind, _, key = reference.partition(":")
    if kind not in KINDS:
        raise ValueError(f"unknown attachment kind {kind!r}")
    found = importlib.import_module(KINDS[kind]).attachment(key, language)
    return [] if found is None else [found]
