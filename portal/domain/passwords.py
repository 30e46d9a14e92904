"""What a staff password must be: long enough, not common, not the e-mail address.

Length matters most (NIST SP 800-63B): 12 characters at least, any characters, no forced mix.
The list of common passwords ships with the code (common_passwords.txt, 1,000 entries); a
password is refused when it is one of them once lowercased, or one of them with digits or
punctuation added around it ("password2024!"), or one short piece repeated.
"""

import functools
from enum import StrEnum
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 200
_LIST = Path(__file__).with_name("common_passwords.txt")


class Weakness(StrEnum):
    """Why a password is refused."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"
    EMAIL = "email"


class WeakPassword(ValueError):
    """The password is refused; `reason` says why."""

    def __init__(self, reason: Weakness):
        super().__init__(reason.value)
        self.reason = reason


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def _core(text: str) -> str:
    """The password without the digits and punctuation people add at either end."""
    return text.strip("0123456789!@#$%^&*()-_=+.,;:?/ ")


def _repeated(text: str) -> bool:
    """True when the text is one piece of up to 4 characters repeated ("abcabcabcabc")."""
    return any(
        len(text) % size == 0 and text == text[:size] * (len(text) // size) for size in range(1, 5)
    )


def check(password: str, email: str | None = None) -> None:
    """Raise WeakPassword if `password` is not acceptable for the account `email`."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(Weakness.TOO_SHORT)
    if len(password) > MAX_LENGTH:
        raise WeakPassword(Weakness.TOO_LONG)
    lowered = password.lower()
    common = common_passwords()
    if lowered in common or _core(lowered) in common or _repeated(lowered):
        raise WeakPassword(Weakness.COMMON)
    local = (email or "").split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        raise WeakPassword(Weakness.EMAIL)
