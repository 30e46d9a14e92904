"""Schedules: due dates by frequency and the remainder-cent rule, property-based."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain import schedule
from portal.domain.plan_states import Frequency

balances = st.integers(min_value=1, max_value=10**9)
counts = st.integers(min_value=1, max_value=schedule.MAX_INSTALMENTS)


@given(total=balances, count=counts)
def test_split_sums_exactly_and_spreads_the_remainder_over_the_first_instalments(total, count):
    if total < count:
        with pytest.raises(schedule.NoInstalments):
            schedule.split(total, count)
        return
    amounts = schedule.split(total, count)
    assert sum(amounts) == total
    assert len(amounts) == count
    assert max(amounts) - min(amounts) <= 1
    assert amounts == sorted(amounts, reverse=True)  # the extra cents come first
    assert amounts.count(total // count + 1) == total % count


@given(total=balances, amount=st.integers(min_value=1, max_value=10**9))
def test_by_amount_keeps_the_amount_and_the_last_is_what_remains(total, amount):
    if schedule.count_for_amount(total, amount) > schedule.MAX_INSTALMENTS:
        with pytest.raises(schedule.TooManyInstalments):
            schedule.by_amount(total, amount)
        return
    amounts = schedule.by_amount(total, amount)
    assert sum(amounts) == total
    assert all(a == amount for a in amounts[:-1])
    assert 0 < amounts[-1] <= amount


@given(total=st.integers(min_value=100, max_value=10**9), count=st.integers(2, 24), data=st.data())
def test_down_payment_then_equal_split(total, count, data):
    first = data.draw(st.integers(min_value=1, max_value=total - count))
    amounts = schedule.split(total, count, first_amount=first)
    assert amounts[0] == first
    assert sum(amounts) == total
    assert max(amounts[1:]) - min(amounts[1:]) <= 1


def test_known_split_of_100_euros_in_three():
    assert schedule.split(10_000, 3) == [3_334, 3_333, 3_333]


@pytest.mark.parametrize(
    ("total", "count"),
    [(0, 3), (-5, 3), (100, 0), (100, -1), (10_000, schedule.MAX_INSTALMENTS + 1)],
)
def test_impossible_splits_are_refused(total, count):
    with pytest.raises(schedule.ScheduleError):
        schedule.split(total, count)


def test_monthly_dates_keep_the_day_or_the_end_of_a_shorter_month():
    dates = schedule.due_dates(dt.date(2027, 1, 31), Frequency.MONTHLY, 4)
    assert dates == [
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 31),
        dt.date(2027, 4, 30),
    ]


def test_weekly_and_biweekly_dates():
    start = dt.date(2026, 12, 28)
    assert schedule.due_dates(start, Frequency.WEEKLY, 2)[1] == dt.date(2027, 1, 4)
    assert schedule.due_dates(start, Frequency.BIWEEKLY, 3)[2] == dt.date(2027, 1, 25)


@given(
    first=st.dates(dt.date(2020, 1, 1), dt.date(2040, 1, 1)),
    count=counts,
    frequency=st.sampled_from(Frequency),
)
def test_dates_strictly_increase(first, count, frequency):
    dates = schedule.due_dates(first, frequency, count)
    assert dates[0] == first
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))


def test_json_round_trip():
    lines = schedule.build(10_000, dt.date(2027, 1, 5), Frequency.MONTHLY, count=3)
    assert schedule.from_json(schedule.to_json(lines)) == lines


@pytest.mark.parametrize(
    ("income", "expenses", "suggested"),
    [
        (200_000, 150_000, 25_000),
        (150_000, 150_000, 0),
        (100_000, 180_000, 0),
        (150_099, 150_000, 0),
    ],
)
def test_affordable_instalment_is_half_of_what_remains_in_whole_euros(income, expenses, suggested):
    assert schedule.affordable_instalment(income, expenses) == suggested
