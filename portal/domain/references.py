"""Case references: short, safe to read over the phone, with a check character.

The alphabet leaves out 0/O and 1/I/L. It has 31 symbols, a prime, so a weighted sum modulo 31
catches every single wrong character and every swap of two neighbours before any lookup.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY_LENGTH = 8
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_MOD = len(ALPHABET)


class InvalidReference(ValueError):
    """The text cannot be a case reference (wrong length, symbol or check character)."""


def _check_char(body: str) -> str:
    # Weights 1..8 for the body and 9 for the check character: the total is 0 modulo 31.
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    inverse_of_9 = pow(BODY_LENGTH + 1, -1, _MOD)
    return ALPHABET[(-total * inverse_of_9) % _MOD]


def generate(randbelow=secrets.randbelow) -> str:
    """Return a new random reference in canonical form (9 symbols, no separators)."""
    body = "".join(ALPHABET[randbelow(_MOD)] for _ in range(BODY_LENGTH))
    return body + _check_char(body)


def normalize(text: str) -> str:
    """Return the canonical form of a typed reference or raise InvalidReference."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch not in " -._\t")
    if len(cleaned) != BODY_LENGTH + 1 or any(ch not in _VALUE for ch in cleaned):
        raise InvalidReference(text)
    if _check_char(cleaned[:-1]) != cleaned[-1]:
        raise InvalidReference(text)
    return cleaned


def display(reference: str) -> str:
    """Group a canonical reference in threes for reading: `7KQ-M4R-T9X`."""
    return "-".join(reference[i : i + 3] for i in range(0, len(reference), 3))
