"""Bands by balance: each covers balances from `low` to `high` (inclusive; None = no end).

Shared by the policies that give terms by balance. The plan policy's bands are floors (each runs
to the next one's floor, so they never overlap); bands with both ends may overlap or leave gaps,
and `overlapping` finds the first pair that overlaps.
"""

from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True)
class BalanceBand:
    """Balances from `low` to `high`, both in minor units and included; `high` None: no end."""

    low: int
    high: int | None

    def covers(self, balance: int) -> bool:
        """True when `balance` is inside the band."""
        return self.low <= balance and (self.high is None or balance <= self.high)


B = TypeVar("B", bound=BalanceBand)


def band_for(bands: list[B], balance: int) -> B | None:
    """The band covering `balance` (the first one if several do), or None."""
    return next((band for band in bands if band.covers(balance)), None)


def check_ends(band: BalanceBand) -> None:
    """Raise ValueError when a band's ends are negative or reversed."""
    if band.low < 0 or (band.high is not None and band.high < band.low):
        raise ValueError("ends: 0 <= from <= to")


def overlapping(bands: list[B]) -> tuple[B, B] | None:
    """The first two bands (by `low`) sharing a balance, or None."""
    ordered = sorted(bands, key=lambda b: b.low)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.high is None or after.low <= before.high:
            return before, after
    return None
