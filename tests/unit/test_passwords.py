"""Password rules: length, the shipped list of common passwords, the e-mail address."""

import pytest

from portal.domain import passwords
from portal.domain.passwords import Weakness, WeakPassword


def test_the_list_ships_with_the_code():
    common = passwords.common_passwords()
    assert len(common) >= 990 and "password" in common and "123456" in common


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", Weakness.TOO_SHORT),
        ("x" * 201, Weakness.TOO_LONG),
        ("qwertyuiopas", None),
        ("q1w2e3r4t5y6", Weakness.COMMON),
        ("Password2024!", Weakness.COMMON),
        ("111111111111", Weakness.COMMON),
        ("abcabcabcabc", Weakness.COMMON),
        ("claire.martin-rocks", Weakness.EMAIL),
        ("correct horse battery staple", None),
    ],
)
def test_rules(password, reason):
    if reason is None:
        passwords.check(password, "claire.martin@agence.example")
    else:
        with pytest.raises(WeakPassword) as exc:
            passwords.check(password, "claire.martin@agence.example")
        assert exc.value.reason is reason
