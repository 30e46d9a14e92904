"""Ledger entry kinds, their signs, and the French rule on collection fees."""

from enum import StrEnum


class EntryKind(StrEnum):
    """What a ledger entry records. Positive amounts increase what is owed."""

    PRINCIPAL = "principal"
    INTEREST = "interest"
    FEE = "fee"
    PAYMENT = "payment"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"
    WRITE_OFF = "write_off"


class DebtorKind(StrEnum):
    """A consumer (particulier) or a professional (entreprise)."""

    CONSUMER = "consumer"
    PROFESSIONAL = "professional"


# Signs enforced again by a CHECK constraint in the database.
POSITIVE_KINDS = frozenset(
    {EntryKind.PRINCIPAL, EntryKind.INTEREST, EntryKind.FEE, EntryKind.REFUND}
)
NEGATIVE_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.WRITE_OFF})
CHARGE_KINDS = frozenset({EntryKind.PRINCIPAL, EntryKind.INTEREST, EntryKind.FEE})


class LedgerRuleError(ValueError):
    """An entry breaks a ledger rule."""


class WrongSign(LedgerRuleError):
    """The amount's sign does not match the entry kind."""


class CollectionFeeNotAllowed(LedgerRuleError):
    """French CPCE L111-8: no collection fee on a consumer's debt without an enforceable title."""


def check_entry(
    kind: EntryKind, amount: int, debtor_kind: DebtorKind, enforceable_title: bool
) -> None:
    """Raise a LedgerRuleError if this entry may not be written on the case."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise LedgerRuleError("amounts are integers of minor units")
    if amount == 0:
        raise WrongSign("an entry cannot be zero")
    if kind in POSITIVE_KINDS and amount < 0 or kind in NEGATIVE_KINDS and amount > 0:
        raise WrongSign(f"{kind} must be {'positive' if kind in POSITIVE_KINDS else 'negative'}")
    if kind is EntryKind.FEE and debtor_kind is DebtorKind.CONSUMER and not enforceable_title:
        raise CollectionFeeNotAllowed(
            "collection fees stay with the creditor without an enforceable title (CPCE L111-8)"
        )
