"""SIREN (Luhn) and IBAN (mod 97) checks."""

import pytest

from portal.domain.identifiers import iban_valid, siren_valid


@pytest.mark.parametrize(
    ("siren", "ok"),
    [("732 829 320", True), ("552100554", True), ("732829321", False), ("12345678", False),
     ("12345678a", False), ("", False)],
)  # fmt: skip
def test_siren(siren, ok):
    assert siren_valid(siren) is ok


@pytest.mark.parametrize(
    ("iban", "ok"),
    [("FR76 3000 6000 0112 3456 7890 189", True), ("FR7630006000011234567890188", False),
     ("GB82WEST12345698765432", True), ("FR76", False),
     ("FR76 3000 6000 0112 3456 7890 18!", False)],
)  # fmt: skip
def test_iban(iban, ok):
    assert iban_valid(iban) is ok
