"""Instalment schedules: due dates by frequency, and amounts that sum exactly to the balance.

The remainder rule: splitting `total` into `count` instalments gives each `total // count`
minor units, and the first `total % count` instalments one unit (one cent) more. Amounts
therefore differ by at most one cent, they always sum to the total, and the slightly larger
ones come first. With an amount per instalment instead of a count, every instalment is that
amount except the last, which is what remains (never more than the others).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from portal.domain.plan_states import Frequency

# No schedule, whatever the policy, has more instalments than this (five years of months).
MAX_INSTALMENTS = 60


class ScheduleError(ValueError):
    """The schedule asked for cannot be built."""


class NoInstalments(ScheduleError):
    """Zero or a negative number of instalments, or a non-positive amount."""


class TooManyInstalments(ScheduleError):
    """More instalments than any plan may have (MAX_INSTALMENTS)."""


class NothingToPay(ScheduleError):
    """The balance is zero or negative."""


@dataclass(frozen=True)
class Line:
    """One instalment of a schedule."""

    due_on: dt.date
    amount: int


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of a shorter month (31 Jan -> 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(first: dt.date, frequency: Frequency, count: int) -> list[dt.date]:
    """The `count` due dates from `first` at `frequency` (monthly ones keep the first's day)."""
    frequency = Frequency(frequency)
    if frequency is Frequency.MONTHLY:
        return [add_months(first, i) for i in range(count)]
    step = 7 if frequency is Frequency.WEEKLY else 14
    return [first + dt.timedelta(days=step * i) for i in range(count)]


def split(total: int, count: int, first_amount: int | None = None) -> list[int]:
    """Split `total` into `count` amounts by the remainder rule (see the module docstring).

    With `first_amount` (a down payment), the first instalment is that amount and the rest of
    the total is split over the others by the same rule.
    """
    if total <= 0:
        raise NothingToPay(total)
    if count < 1:
        raise NoInstalments(count)
    if count > MAX_INSTALMENTS:
        raise TooManyInstalments(count)
    if first_amount is not None and count > 1:
        if not 0 < first_amount < total:
            raise NoInstalments(first_amount)
        return [first_amount, *split(total - first_amount, count - 1)]
    base, remainder = divmod(total, count)
    if base == 0:
        raise NoInstalments("less than one minor unit per instalment")
    return [base + 1 if i < remainder else base for i in range(count)]


def count_for_amount(total: int, amount: int) -> int:
    """How many instalments of `amount` pay `total` (the last one being what remains)."""
    if amount <= 0:
        raise NoInstalments(amount)
    if total <= 0:
        raise NothingToPay(total)
    return -(-total // amount)


def by_amount(total: int, amount: int) -> list[int]:
    """Instalments of `amount`, the last one being what remains of `total`."""
    count = count_for_amount(total, amount)
    if count > MAX_INSTALMENTS:
        raise TooManyInstalments(count)
    return [amount] * (count - 1) + [total - amount * (count - 1)]


def build(
    total: int,
    first_due_on: dt.date,
    frequency: Frequency,
    *,
    count: int | None = None,
    amount: int | None = None,
    first_amount: int | None = None,
) -> list[Line]:
    """A schedule from a number of instalments, or from an amount per instalment."""
    if amount is not None:
        amounts = by_amount(total, amount)
    elif count is not None:
        amounts = split(total, count, first_amount)
    else:
        raise NoInstalments("give a count or an amount")
    dates = due_dates(first_due_on, frequency, len(amounts))
    return [Line(d, a) for d, a in zip(dates, amounts, strict=True)]


def to_json(lines: list[Line]) -> list[list]:
    """The schedule as stored: [[ISO date, amount], ...]."""
    return [[line.due_on.isoformat(), line.amount] for line in lines]


def from_json(data: list[list]) -> list[Line]:
    """Read a stored schedule back."""
    return [Line(dt.date.fromisoformat(day), int(amount)) for day, amount in data]


def affordable_instalment(income: int, expenses: int, share_percent: int = 50) -> int:
    """A monthly instalment the budget leaves room for: a share of what remains, in whole units.

    Returns 0 when nothing remains. `income` and `expenses` are monthly, in minor units; the
    suggestion is rounded down to a multiple of 100 minor units (a whole euro).
    """
    room = income - expenses
    if room <= 0:
        return 0
    return room * share_percent // 100 // 100 * 100
