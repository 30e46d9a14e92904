"""Ledger rules: signs, integers, and no collection fees on consumers (CPCE L111-8)."""

import pytest

from portal.domain.ledger import (
    CollectionFeeNotAllowed,
    DebtorKind,
    EntryKind,
    LedgerRuleError,
    WrongSign,
    check_entry,
)

CONSUMER, PRO = DebtorKind.CONSUMER, DebtorKind.PROFESSIONAL


def test_fee_on_consumer_without_title_is_refused():
    with pytest.raises(CollectionFeeNotAllowed):
        check_entry(EntryKind.FEE, 4000, CONSUMER, enforceable_title=False)


def test_fee_allowed_with_title_or_between_businesses():
    check_entry(EntryKind.FEE, 4000, CONSUMER, enforceable_title=True)
    check_entry(EntryKind.FEE, 4000, PRO, enforceable_title=False)


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (EntryKind.PRINCIPAL, -1),
        (EntryKind.INTEREST, -5),
        (EntryKind.PAYMENT, 100),
        (EntryKind.WRITE_OFF, 100),
        (EntryKind.REFUND, -100),
    ],
)
def test_wrong_signs(kind, amount):
    with pytest.raises(WrongSign):
        check_entry(kind, amount, PRO, False)


@pytest.mark.parametrize("amount", [0, 12.5, "100", True])
def test_only_nonzero_integers(amount):
    with pytest.raises(LedgerRuleError):
        check_entry(EntryKind.ADJUSTMENT, amount, PRO, False)


def test_adjustments_go_both_ways():
    check_entry(EntryKind.ADJUSTMENT, -300, CONSUMER, False)
    check_entry(EntryKind.ADJUSTMENT, 300, CONSUMER, False)
