"""French company and bank identifiers: SIREN (Luhn check digit), IBAN (ISO 13616, mod 97)."""

import string


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siren(text: str) -> str:
    """The SIREN without spaces."""
    return "".join((text or "").split())


def siren_valid(text: str) -> bool:
    """True for nine digits whose Luhn sum is a multiple of ten."""
    siren = normalize_siren(text)
    return len(siren) == 9 and siren.isdigit() and _luhn_ok(siren)


def normalize_iban(text: str) -> str:
    """The IBAN in capitals without spaces."""
    return "".join((text or "").split()).upper()


def iban_valid(text: str) -> bool:
    """True when the IBAN's shape is right and its mod-97 check gives 1."""
    iban = normalize_iban(text)
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    if any(ch not in string.ascii_uppercase + string.digits for ch in iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1
