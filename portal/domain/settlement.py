"""Settlement offers: a discount for payment in full by a deadline, and the states of an offer.

Amounts are integer minor units; discounts are basis points (1 % = 100 bp). The amount due is
rounded DOWN to the minor unit: any fraction of a cent goes to the debtor.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from portal.domain.bands import BalanceBand, band_for
from portal.domain.states import IllegalTransition

FULL_BP = 10_000
MAX_DAYS = 90  # the latest deadline of an offer, in days from the day it is made


class OfferStatus(StrEnum):
    """Where an offer stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class OfferSource(StrEnum):
    """Who made the offer: the creditor's policy or a collector (one-off)."""

    POLICY = "policy"
    COLLECTOR = "collector"


OFFER_TRANSITIONS = {
    OfferStatus.OPEN: frozenset({OfferStatus.ACCEPTED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN}),
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.EXPIRED: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
}


def move_offer(current: OfferStatus, target: OfferStatus) -> OfferStatus:
    """Return `target` if an offer may go there from `current`, else raise IllegalTransition."""
    if target not in OFFER_TRANSITIONS[OfferStatus(current)]:
        raise IllegalTransition("settlement offer", current, target)
    return target


class OfferInvalid(ValueError):
    """An offer that cannot be made; `reason` is `amount`, `deadline` or `nothing_owed`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SettlementBand(BalanceBand):
    """Balances from `low` to `high` (None: no upper end) get `discount_bp` off if paid in full
    within `days`."""

    discount_bp: int = 0
    days: int = 30


@dataclass(frozen=True)
class Terms:
    """What an offer asks: the amount due, the discount it gives, and the deadline."""

    balance: int
    amount: int
    discount_bp: int
    deadline: dt.date

    @property
    def discount(self) -> int:
        """What is written off when the offer is paid."""
        return self.balance - self.amount


def discounted(balance: int, discount_bp: int) -> int:
    """The amount due after `discount_bp` off `balance`, rounded down (in the debtor's favour)."""
    return balance * (FULL_BP - discount_bp) // FULL_BP


def check_band(band: SettlementBand) -> None:
    """Raise ValueError when a band's discount or days are out of range."""
    if not 0 < band.discount_bp < FULL_BP:
        raise ValueError("discount: between 0 and 100 % (both excluded)")
    if not 1 <= band.days <= MAX_DAYS:
        raise ValueError(f"days: 1 to {MAX_DAYS}")


def policy_terms(bands: list[SettlementBand], balance: int, today: dt.date) -> Terms | None:
    """The offer the creditor's policy makes on `balance` today, or None (no band, or the
    discount would be nothing)."""
    if balance <= 0:
        return None
    band = band_for(bands, balance)
    if band is None:
        return None
    amount = discounted(balance, band.discount_bp)
    if not 0 < amount < balance:
        return None
    return Terms(balance, amount, band.discount_bp, today + dt.timedelta(days=band.days))


def one_off_terms(balance: int, amount: int, deadline: dt.date, today: dt.date) -> Terms:
    """A collector's offer: `amount` (above zero, below the balance) by `deadline` (today to
    MAX_DAYS ahead). Raises OfferInvalid."""
    if balance <= 0:
        raise OfferInvalid("nothing_owed")
    if not isinstance(amount, int) or not 0 < amount < balance:
        raise OfferInvalid("amount")
    if not today <= deadline <= today + dt.timedelta(days=MAX_DAYS):
        raise OfferInvalid("deadline")
    discount_bp = (balance - amount) * FULL_BP // balance
    return Terms(balance, amount, discount_bp, deadline)


def is_live(status: OfferStatus, deadline: dt.date, today: dt.date) -> bool:
    """An open offer is live up to and including its deadline day."""
    return OfferStatus(status) is OfferStatus.OPEN and today <= deadline
