"""Money as integer minor units: parsing what people type, and the currency exponent."""

import re
from decimal import Decimal

from babel.numbers import get_currency_precision


class InvalidAmount(ValueError):
    """The text is not an amount of money in this currency."""


class TooManyDecimals(InvalidAmount):
    """The amount has more decimals than the currency allows (e.g. 12,345 €)."""


def exponent(currency: str) -> int:
    """Number of decimal places of the currency (2 for EUR, 0 for JPY)."""
    return get_currency_precision(currency)


def to_decimal(minor: int, currency: str) -> Decimal:
    """Major-unit Decimal for display only; arithmetic stays on integers."""
    return Decimal(minor).scaleb(-exponent(currency))


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _grouped(integer: str, mark: str) -> bool:
    """True if `integer` is digits grouped by threes with `mark` (1.234.567)."""
    return re.fullmatch(r"\d{1,3}(" + re.escape(mark) + r"\d{3})+", integer) is not None


def parse_amount(text: str, currency: str) -> int:
    """Parse `1 234,56`, `1,234.56`, `1234.5` or `12` into minor units.

    With both `,` and `.`, the last one is the decimal mark. A lone mark that appears once is a
    decimal mark, so `1,234` reads as three decimals and is refused rather than guessed.
    """
    raw = _SPACES.sub("", (text or "").replace("€", "").replace(currency, ""))
    marks = [ch for ch in raw if ch in ",."]
    if not raw or not re.fullmatch(r"[\d,.]+", raw):
        raise InvalidAmount(text)
    if len(set(marks)) == 2:
        decimal_mark = raw[max(raw.rfind(","), raw.rfind("."))]
        grouping = "," if decimal_mark == "." else "."
        integer_part = raw.rpartition(decimal_mark)[0]
        if raw.count(decimal_mark) != 1 or not _grouped(integer_part, grouping):
            raise InvalidAmount(text)
        raw = raw.replace(grouping, "")
    elif len(marks) > 1:
        if not _grouped(raw, marks[0]):  # 1.234.567 or 1,234,567: grouping only
            raise InvalidAmount(text)
        raw = raw.replace(marks[0], "")
    integer, _, fraction = raw.replace(",", ".").partition(".")
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise InvalidAmount(text)
    places = exponent(currency)
    if len(fraction) > places:
        raise TooManyDecimals(text)
    return int(integer) * 10**places + int(fraction.ljust(places, "0") or 0)
