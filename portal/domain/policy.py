"""The creditor's plan policy: bands by balance, two limits per rule, and the decision.

Inside every "auto" limit a plan is approved at once; beyond an auto limit but inside every
"hard" limit a collector decides; beyond a hard limit the plan is refused, with the reasons
and the nearest plan that fits.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from portal.domain import schedule
from portal.domain.plan_states import Frequency
from portal.domain.schedule import Line


class Rule(StrEnum):
    """A rule of the policy."""

    MAX_COUNT = "max_count"
    MIN_INSTALMENT = "min_instalment"
    MAX_DURATION = "max_duration"
    MIN_FIRST_PAYMENT = "min_first_payment"
    FIRST_DUE = "first_due"
    FREQUENCY = "frequency"


class Outcome(StrEnum):
    """What the policy says of a plan."""

    AUTO = "auto"
    REVIEW = "review"
    REFUSED = "refused"


_RANK = {Outcome.AUTO: 0, Outcome.REVIEW: 1, Outcome.REFUSED: 2}
ALL_FREQUENCIES = frozenset(Frequency)


@dataclass(frozen=True)
class Limits:
    """The auto-approve limit and the hard limit of one rule."""

    auto: object
    hard: object


@dataclass(frozen=True)
class Band:
    """Limits for balances from `floor` (minor units) up to the next band's floor."""

    floor: int
    max_count: Limits  # instalments
    min_instalment: Limits  # minor units (a balance below it may be paid in one instalment)
    max_duration_days: Limits  # from the day of the proposal to the last due date
    min_first_percent: Limits  # first payment, percent of the balance
    first_due_days: Limits  # latest first due date, days from the day of the proposal
    frequencies: Limits  # frozensets of Frequency


@dataclass(frozen=True)
class Policy:
    """A creditor's bands (sorted by floor) and plan-life settings."""

    bands: tuple[Band, ...]
    grace_days: int = 5
    break_after_days: int = 15

    def band_for(self, balance: int) -> Band:
        """The band whose floor is the highest one not above `balance`."""
        chosen = self.bands[0]
        for band in self.bands:
            if band.floor <= balance:
                chosen = band
        return chosen


def default_policy(exponent: int = 2) -> Policy:
    """The default policy (amounts in major units scaled to the currency's minor units).

    Auto limits are the issue's figures: under 200: up to 3 instalments; 200 to 1,000: up to
    6 of at least 50; over 1,000: up to 12 of at least 80. Hard limits are looser: a collector
    decides up to 4, 10 (at least 30) and 24 (at least 50) instalments.
    """
    unit = 10**exponent
    every = ALL_FREQUENCIES
    return Policy(
        bands=(
            Band(
                0,
                Limits(3, 4),
                Limits(0, 0),
                Limits(100, 140),
                Limits(0, 0),
                Limits(30, 45),
                Limits(every, every),
            ),
            Band(
                200 * unit,
                Limits(6, 10),
                Limits(50 * unit, 30 * unit),
                Limits(200, 330),
                Limits(0, 0),
                Limits(30, 45),
                Limits(every, every),
            ),
            Band(
                1000 * unit + 1,
                Limits(12, 24),
                Limits(80 * unit, 50 * unit),
                Limits(400, 760),
                Limits(0, 0),
                Limits(30, 45),
                Limits(every, every),
            ),
        )
    )


@dataclass(frozen=True)
class Breach:
    """A rule the plan breaks: at `level` (review or refused), with the limit it passes."""

    rule: Rule
    level: Outcome
    limit: object
    actual: object

    def as_dict(self) -> dict:
        """JSON-friendly form, as stored on the proposal."""
        limit = sorted(self.limit) if isinstance(self.limit, frozenset) else self.limit
        return {
            "rule": str(self.rule),
            "level": str(self.level),
            "limit": limit,
            "actual": self.actual,
        }


@dataclass(frozen=True)
class Verdict:
    """The policy's outcome for a plan, and every rule it breaks."""

    outcome: Outcome
    breaches: tuple[Breach, ...] = field(default_factory=tuple)

    def refused(self) -> tuple[Breach, ...]:
        """The breaches that refuse the plan."""
        return tuple(b for b in self.breaches if b.level is Outcome.REFUSED)


def _at_most(rule: Rule, actual, limits: Limits) -> Breach | None:
    if actual <= limits.auto:
        return None
    if actual <= limits.hard:
        return Breach(rule, Outcome.REVIEW, limits.auto, actual)
    return Breach(rule, Outcome.REFUSED, limits.hard, actual)


def _at_least(rule: Rule, actual, auto, hard) -> Breach | None:
    if actual >= auto:
        return None
    if actual >= hard:
        return Breach(rule, Outcome.REVIEW, auto, actual)
    return Breach(rule, Outcome.REFUSED, hard, actual)


def evaluate(
    policy: Policy, balance: int, lines: list[Line], frequency: Frequency, today: dt.date
) -> Verdict:
    """Decide a schedule against the band of `balance`: auto, review or refused, with reasons."""
    band = policy.band_for(balance)
    amounts = [line.amount for line in lines]
    breaches: list[Breach | None] = [_at_most(Rule.MAX_COUNT, len(lines), band.max_count)]
    # The last instalment may be smaller: it is what remains. A balance under the minimum may
    # be paid in one instalment.
    regular = min(amounts[:-1]) if len(amounts) > 1 else amounts[0]
    breaches.append(
        _at_least(
            Rule.MIN_INSTALMENT,
            regular,
            min(band.min_instalment.auto, balance),
            min(band.min_instalment.hard, balance),
        )
    )
    breaches.append(
        _at_most(Rule.MAX_DURATION, (lines[-1].due_on - today).days, band.max_duration_days)
    )
    first_percent = amounts[0] * 100 / balance if balance else 100
    breaches.append(
        _at_least(
            Rule.MIN_FIRST_PAYMENT,
            first_percent,
            band.min_first_percent.auto,
            band.min_first_percent.hard,
        )
    )
    first_days = (lines[0].due_on - today).days
    if first_days < 0:
        breaches.append(Breach(Rule.FIRST_DUE, Outcome.REFUSED, 0, first_days))
    else:
        breaches.append(_at_most(Rule.FIRST_DUE, first_days, band.first_due_days))
    if frequency not in band.frequencies.auto:
        level = Outcome.REVIEW if frequency in band.frequencies.hard else Outcome.REFUSED
        limit = band.frequencies.auto if level is Outcome.REVIEW else band.frequencies.hard
        breaches.append(Breach(Rule.FREQUENCY, level, limit, str(frequency)))
    found = tuple(b for b in breaches if b is not None)
    outcome = max((b.level for b in found), key=_RANK.get, default=Outcome.AUTO)
    return Verdict(outcome, found)


@dataclass(frozen=True)
class Offer:
    """A plan that fits the policy, offered instead of a refused one."""

    lines: list[Line]
    frequency: Frequency
    verdict: Verdict


def nearest_fit(
    policy: Policy,
    balance: int,
    count: int,
    frequency: Frequency,
    first_due_on: dt.date,
    today: dt.date,
) -> Offer | None:
    """The plan closest to the one asked that the policy does not refuse, or None.

    Closest means: the nearest allowed frequency, then the nearest number of instalments,
    then one approved at once rather than one a collector decides. The first due date is
    brought inside the limit; a required down payment is raised to the limit.
    """
    band = policy.band_for(balance)
    order = list(Frequency)

    def distance(freq: Frequency) -> int:
        return abs(order.index(freq) - order.index(frequency))

    frequencies = sorted(band.frequencies.hard, key=lambda f: (distance(f), order.index(f)))
    latest = {
        today + dt.timedelta(days=band.first_due_days.hard),
        today + dt.timedelta(days=band.first_due_days.auto),
    }
    dates = {min(max(first_due_on, today), day) for day in latest}
    firsts = {None}
    for percent in (band.min_first_percent.auto, band.min_first_percent.hard):
        if percent:
            firsts.add(-(-balance * percent // 100))
    best, best_key = None, None
    for freq in frequencies:
        for n in range(1, min(band.max_count.hard, schedule.MAX_INSTALMENTS) + 1):
            for first_due in dates:
                for first_amount in firsts:
                    try:
                        lines = schedule.build(
                            balance, first_due, freq, count=n, first_amount=first_amount
                        )
                    except schedule.ScheduleError:
                        continue
                    verdict = evaluate(policy, balance, lines, freq, today)
                    if verdict.outcome is Outcome.REFUSED:
                        continue
                    key = (
                        distance(freq),
                        abs(n - count),
                        verdict.outcome is not Outcome.AUTO,
                        abs((first_due - first_due_on).days),
                        first_amount is not None,
                    )
                    if best_key is None or key < best_key:
                        best, best_key = Offer(lines, freq, verdict), key
    return best
