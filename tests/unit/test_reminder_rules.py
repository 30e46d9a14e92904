"""Reminder rules: sequences, due steps, fair-contact hours, French holidays, cap, time-bar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.domain import reminders as r

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def at(y, m, d, hh=10, mm=0, zone=PARIS):
    return dt.datetime(y, m, d, hh, mm, tzinfo=zone)


@pytest.mark.parametrize(
    "year, easter",
    [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)), (2026, dt.date(2026, 4, 5)),
     (2027, dt.date(2027, 3, 28)), (2038, dt.date(2038, 4, 25)), (2008, dt.date(2008, 3, 23))],
)  # fmt: skip
def test_easter(year, easter):
    assert r.easter_sunday(year) == easter


def test_french_holidays_2026():
    days = r.french_holidays(2026)
    assert len(days) == 11
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert dt.date(2026, 5, 14) in days  # Ascension
    assert dt.date(2026, 5, 25) in days  # Whit Monday
    assert dt.date(2026, 4, 3) not in days  # Good Friday: Alsace-Moselle only
    alsace = r.french_holidays(2026, alsace_moselle=True)
    assert dt.date(2026, 4, 3) in alsace and dt.date(2026, 12, 26) in alsace


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(2026, 12, 1, 7, 59), r.Closed.QUIET_HOURS),
        (at(2026, 12, 1, 8, 0), None),
        (at(2026, 12, 1, 19, 59), None),
        (at(2026, 12, 1, 20, 0), r.Closed.QUIET_HOURS),
        (at(2026, 11, 29, 12), r.Closed.SUNDAY),
        (at(2026, 12, 25, 12), r.Closed.HOLIDAY),
        (at(2026, 5, 14, 12), r.Closed.HOLIDAY),  # Ascension, from Easter
        # 19:30 UTC is 20:30 in Paris in winter: closed, whatever the server's clock says.
        (dt.datetime(2026, 12, 1, 19, 30, tzinfo=UTC), r.Closed.QUIET_HOURS),
    ],
)
def test_contact_closed(moment, expected):
    assert r.contact_closed(moment, PARIS) == expected


def test_debtors_own_time_zone_and_region():
    reunion = r.debtor_zone("FR", "97400", "Europe/Paris")
    assert str(reunion) == "Indian/Reunion"
    # 05:00 UTC is 06:00 in Paris (closed) but 09:00 in Réunion (open).
    moment = dt.datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert r.contact_closed(moment, PARIS) == r.Closed.QUIET_HOURS
    assert r.contact_closed(moment, reunion) is None
    good_friday = at(2026, 4, 3, 12)
    assert r.contact_closed(good_friday, PARIS, "75011") is None
    assert r.contact_closed(good_friday, PARIS, "67000") == r.Closed.HOLIDAY
    assert str(r.debtor_zone("BE", "1000", "Europe/Paris")) == "Europe/Brussels"


def test_next_open_skips_night_sunday_and_holiday():
    # Thursday 24 December 2026, 21:00 -> Christmas (holiday) -> Saturday 26th 08:00.
    assert r.next_open(at(2026, 12, 24, 21), PARIS) == at(2026, 12, 26, 8).astimezone(UTC)
    assert r.next_open(at(2026, 12, 1, 6), PARIS) == at(2026, 12, 1, 8).astimezone(UTC)


def test_default_sequence_is_valid():
    r.check_sequence(r.DEFAULT_SEQUENCE)
    assert [s.offset_days for s in r.DEFAULT_SEQUENCE] == [0, 8, 15, 30]
    assert r.DEFAULT_SEQUENCE[-1].channel is r.StepChannel.EMAIL_AND_LETTER


@pytest.mark.parametrize(
    "texts, problem",
    [
        ([], "at least one"),
        (["3:email:first_notice:courteous"], "day 0"),
        (["0:email:reminder:courteous"], "day 0"),
        (["0:email:first_notice:courteous", "8:email:reminder:firm", "8:email:reminder:firm"],
         "rise"),
    ],
)  # fmt: skip
def test_bad_sequences_are_refused(texts, problem):
    with pytest.raises(r.SequenceError, match=problem):
        r.check_sequence([r.parse_step(t) for t in texts])


@pytest.mark.parametrize(
    "text", ["8:email:reminder", "x:email:reminder:firm", "8:fax:reminder:firm"]
)
def test_bad_step_text(text):
    with pytest.raises(r.SequenceError):
        r.parse_step(text)


def test_step_round_trip():
    step = r.parse_step("30:email+letter:formal_notice:formal")
    assert str(step) == "30:email+letter:formal_notice:formal"


def test_due_dates_follow_the_first_notice_and_keep_the_spacing():
    seq = r.DEFAULT_SEQUENCE
    first = at(2026, 12, 1, 9).astimezone(UTC)
    assert r.step_due_at(seq, 1, first, first) == first + dt.timedelta(days=8)
    # Step 2 sent on time: step 3 at day 15.
    on_time = first + dt.timedelta(days=8)
    assert r.step_due_at(seq, 2, first, on_time) == first + dt.timedelta(days=15)
    # Step 2 sent on day 20 after a pause: step 3 keeps its 7 days, day 27.
    late = first + dt.timedelta(days=20)
    assert r.step_due_at(seq, 2, first, late) == late + dt.timedelta(days=7)
    assert r.step_due_at(seq, 4, first, late) is None


def test_channels_without_email():
    assert r.effective_channels(r.StepChannel.EMAIL, True) == ("email",)
    assert r.effective_channels(r.StepChannel.EMAIL, False) == ("letter",)
    both = r.StepChannel.EMAIL_AND_LETTER
    assert r.effective_channels(both, True) == ("email", "letter")
    assert r.effective_channels(both, False) == ("letter",)


def test_weekly_cap():
    assert r.within_cap(0) and r.within_cap(1)
    assert not r.within_cap(2)
    assert r.within_cap(2, cap=3)


@pytest.mark.parametrize(
    "consumer, due, today, barred",
    [
        (True, dt.date(2024, 6, 1), dt.date(2026, 5, 31), False),
        (True, dt.date(2024, 6, 1), dt.date(2026, 6, 1), True),
        (False, dt.date(2020, 6, 1), dt.date(2026, 6, 1), False),  # professional: not L218-2
        (True, dt.date(2024, 2, 29), dt.date(2026, 2, 28), True),
        (True, None, dt.date(2026, 6, 1), False),
    ],
)
def test_time_bar(consumer, due, today, barred):
    assert r.possibly_time_barred(consumer, due, today) is barred


def test_parse_at():
    now = at(2026, 12, 1, 15)
    assert r.parse_at("tomorrow 10:00", now) == at(2026, 12, 2, 10)
    assert r.parse_at("2026-12-05 09:30", now) == at(2026, 12, 5, 9, 30)
    assert r.parse_at("2026-12-05T09:30", now) == at(2026, 12, 5, 9, 30)
    assert r.parse_at("18:00", now) == at(2026, 12, 1, 18)
    for bad in ("", "next week", "25:00", "2026-13-01"):
        with pytest.raises(ValueError):
            r.parse_at(bad, now)
