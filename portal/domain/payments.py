"""Payment states, what an online payment may be for, and the retry schedule of charges."""

import datetime as dt
from enum import StrEnum

from portal.domain.states import IllegalTransition


class PaymentStatus(StrEnum):
    """Where a payment stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class PaymentPurpose(StrEnum):
    """What the debtor chose to pay."""

    FULL = "full"
    PARTIAL = "partial"
    INSTALMENT = "instalment"


# Money that reached the creditor (a refund may have given some back): what receipts cover.
RECEIVED = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED})

PAYMENT_TRANSITIONS: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}
    ),
    PaymentStatus.PROCESSING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.REFUNDED}),
    # A late success after a failure (the provider timed out on us, then took the money) is
    # money received: it is recorded, never lost.
    PaymentStatus.FAILED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.REFUNDED: frozenset(),
}

# How far along the pipeline a state is: an event never moves a payment back.
_RANK = {
    PaymentStatus.PENDING: 0,
    PaymentStatus.PROCESSING: 1,
    PaymentStatus.FAILED: 2,
    PaymentStatus.SUCCEEDED: 3,
    PaymentStatus.REFUNDED: 4,
}


def move_payment(current: PaymentStatus, target: PaymentStatus) -> PaymentStatus:
    """Return `target` if a payment may go there from `current`, else raise IllegalTransition."""
    if target not in PAYMENT_TRANSITIONS[current]:
        raise IllegalTransition("payment", current, target)
    return target


def is_stale(current: PaymentStatus, target: PaymentStatus) -> bool:
    """True when an event asks for a state the payment has already reached or passed."""
    return _RANK[target] <= _RANK[current]


class AmountRefused(ValueError):
    """The amount cannot be paid online."""


class NothingToPay(AmountRefused):
    """The case owes nothing."""


class BelowMinimum(AmountRefused):
    """A partial payment below the creditor's minimum."""


class AboveBalance(AmountRefused):
    """More than what is owed."""


def minimum_partial(balance: int, creditor_minimum: int) -> int:
    """The smallest partial payment accepted: the minimum, or the whole balance if smaller."""
    return max(1, min(balance, creditor_minimum))


def check_amount(amount: int, balance: int, creditor_minimum: int) -> int:
    """Return `amount` if it may be paid now against `balance`, else raise AmountRefused."""
    if balance <= 0:
        raise NothingToPay("nothing is owed")
    if amount > balance:
        raise AboveBalance(f"{amount} is more than the balance {balance}")
    if amount < minimum_partial(balance, creditor_minimum):
        raise BelowMinimum(f"{amount} is below the minimum")
    return amount


# An off-session charge that fails is tried again this many days after the first failure.
RETRY_AFTER_DAYS = (3, 7)


def next_attempt_on(first_failure: dt.date, attempts: int) -> dt.date | None:
    """When to try the charge again after `attempts` failed tries, or None when it is over."""
    if attempts < 1 or attempts > len(RETRY_AFTER_DAYS):
        return None
    return first_failure + dt.timedelta(days=RETRY_AFTER_DAYS[attempts - 1])
