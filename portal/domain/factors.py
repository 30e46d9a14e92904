"""The debtor's verification factor: postcode or date of birth, as a person types it."""

import datetime as dt
import re
from enum import StrEnum


class FactorKind(StrEnum):
    """Which second factor a creditor asks its debtors for."""

    POSTCODE = "postcode"
    DATE_OF_BIRTH = "date_of_birth"


def normalize_postcode(text: str) -> str:
    """Upper-case a postcode and drop spaces and dashes (`75 011`, `sw1a 1aa`)."""
    return re.sub(r"[\s\-]", "", (text or "")).upper()


_DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\- ](?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})$"),
)


def parse_date_of_birth(text: str) -> dt.date | None:
    """Read a day-first date (`14/03/1985`, `14.03.1985`, `14031985`) or ISO; None if not one."""
    text = (text or "").strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def format_date_of_birth(value: dt.date) -> str:
    """Write a date of birth the way the login form expects it typed."""
    return value.strftime("%d/%m/%Y")


def canonical(kind: FactorKind, text: str) -> str | None:
    """Return the comparable form of a typed factor, or None when it cannot be one."""
    if kind is FactorKind.POSTCODE:
        value = normalize_postcode(text)
        return value or None
    born = parse_date_of_birth(text)
    return born.isoformat() if born else None
