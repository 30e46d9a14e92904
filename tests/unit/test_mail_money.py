"""The e-mails' money filter writes what Babel's format_currency writes."""

import random

import pytest
from babel import Locale

from portal.i18n import _format_money
from portal.templating import Money


@pytest.mark.parametrize("locale", ["fr", "en_GB"])
@pytest.mark.parametrize("currency", ["EUR", "GBP", "CHF", "JPY", "XPF", "KWD"])
def test_same_as_babel(locale, currency):
    money = Money(Locale.parse(locale))
    rng = random.Random(f"{locale}{currency}")
    amounts = [
        0,
        1,
        -1,
        100,
        -100,
        99_999,
        10**12,
        *(rng.randint(-(10**11), 10**11) for _ in range(500)),
    ]
    amounts += [n // 10**k for n in amounts[7:] for k in (2, 5, 8)]
    for amount in amounts:
        assert money(amount, currency) == _format_money(amount, currency, money.locale)
    assert money.layouts[currency] is not None  # the fast path was taken
    assert money(None) == ""
