"""Reminder rules: sequences, which step is due, fair-contact hours, holidays, cap, time-bar."""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo


class StepChannel(StrEnum):
    """How a step reaches the debtor."""

    EMAIL = "email"
    LETTER = "letter"
    EMAIL_AND_LETTER = "email+letter"


class Tone(StrEnum):
    """How firmly a step is worded (always courteous, never threatening)."""

    COURTEOUS = "courteous"
    FIRM = "firm"
    FORMAL = "formal"


class StepTemplate(StrEnum):
    """What a step says; e-mails are templates/email/reminder_<value>.html|txt."""

    FIRST_NOTICE = "first_notice"
    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"


@dataclass(frozen=True)
class Step:
    """One step of a sequence: days after the first notice, channel, template, tone."""

    offset_days: int
    channel: StepChannel
    template: StepTemplate
    tone: Tone

    def __str__(self) -> str:
        return f"{self.offset_days}:{self.channel}:{self.template}:{self.tone}"


DEFAULT_SEQUENCE: tuple[Step, ...] = (
    Step(0, StepChannel.EMAIL, StepTemplate.FIRST_NOTICE, Tone.COURTEOUS),
    Step(8, StepChannel.EMAIL, StepTemplate.REMINDER, Tone.COURTEOUS),
    Step(15, StepChannel.EMAIL, StepTemplate.REMINDER, Tone.FIRM),
    Step(30, StepChannel.EMAIL_AND_LETTER, StepTemplate.FORMAL_NOTICE, Tone.FORMAL),
)


class SequenceError(ValueError):
    """A sequence is not usable as written."""


def parse_step(text: str) -> Step:
    """Read `offset:channel:template:tone`, e.g. `8:email:reminder:courteous`."""
    parts = text.strip().split(":")
    if len(parts) != 4:
        raise SequenceError(f"{text!r}: write a step as offset:channel:template:tone")
    offset, channel, template, tone = parts
    try:
        step = Step(int(offset), StepChannel(channel), StepTemplate(template), Tone(tone))
    except ValueError as exc:
        raise SequenceError(f"{text!r}: {exc}") from exc
    return step


def check_sequence(steps: list[Step] | tuple[Step, ...]) -> None:
    """Raise SequenceError unless the steps start with a first notice on day 0, offsets rising."""
    if not steps:
        raise SequenceError("a sequence needs at least one step")
    first = steps[0]
    if first.offset_days != 0 or first.template is not StepTemplate.FIRST_NOTICE:
        raise SequenceError("the first step is the first notice, on day 0")
    if any(s.template is StepTemplate.FIRST_NOTICE for s in steps[1:]):
        raise SequenceError("only the first step is a first notice")
    offsets = [s.offset_days for s in steps]
    if any(b <= a for a, b in zip(offsets, offsets[1:], strict=False)):
        raise SequenceError("offsets must rise from one step to the next")


def step_due_at(
    steps: tuple[Step, ...] | list[Step],
    position: int,
    first_notice_at: dt.datetime | None,
    previous_at: dt.datetime | None,
) -> dt.datetime | None:
    """When step `position` falls due, or None once the sequence is over.

    A step is due `offset` days after the first notice, and never sooner after the previous step
    than the sequence spaces them: a pause shifts the rest of the sequence instead of bunching it.
    """
    if position >= len(steps):
        return None
    if position == 0 or first_notice_at is None or previous_at is None:
        return previous_at  # the first notice goes as soon as the case is known
    step, before = steps[position], steps[position - 1]
    by_anchor = first_notice_at + dt.timedelta(days=step.offset_days)
    by_spacing = previous_at + dt.timedelta(days=step.offset_days - before.offset_days)
    return max(by_anchor, by_spacing)


def effective_channels(channel: StepChannel, email_allowed: bool) -> tuple[str, ...]:
    """The channels a step really uses: without e-mail (none, or opted out) a letter instead."""
    wanted = {
        StepChannel.EMAIL: ("email",),
        StepChannel.LETTER: ("letter",),
        StepChannel.EMAIL_AND_LETTER: ("email", "letter"),
    }[channel]
    if email_allowed:
        return wanted
    return ("letter",)


# --- Fair contact: hours, Sundays, French public holidays ------------------------------------

QUIET_BEFORE = dt.time(8, 0)
QUIET_FROM = dt.time(20, 0)
ALSACE_MOSELLE = ("57", "67", "68")
# Overseas departments keep their own clocks.
OVERSEAS_ZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}
COUNTRY_ZONES = {
    "FR": "Europe/Paris",
    "BE": "Europe/Brussels",
    "LU": "Europe/Luxembourg",
    "CH": "Europe/Zurich",
    "MC": "Europe/Monaco",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "GB": "Europe/London",
    "PT": "Europe/Lisbon",
    "NL": "Europe/Amsterdam",
}


def debtor_zone(country: str | None, postcode: str | None, default: str) -> ZoneInfo:
    """The debtor's time zone, from the country and (for overseas France) the postcode."""
    postcode = (postcode or "").replace(" ", "")
    if (country or "FR") == "FR" and postcode[:3] in OVERSEAS_ZONES:
        return ZoneInfo(OVERSEAS_ZONES[postcode[:3]])
    return ZoneInfo(COUNTRY_ZONES.get(country or "FR", default))


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def french_holidays(year: int, alsace_moselle: bool = False) -> dict[dt.date, str]:
    """French public holidays of `year` (Code du travail L3133-1), with the Alsace-Moselle two."""
    easter = easter_sunday(year)
    days = {
        dt.date(year, 1, 1): "Jour de l'an",
        easter + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du travail",
        dt.date(year, 5, 8): "Victoire 1945",
        easter + dt.timedelta(days=39): "Ascension",
        easter + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }
    if alsace_moselle:
        days[easter - dt.timedelta(days=2)] = "Vendredi saint"
        days[dt.date(year, 12, 26)] = "Saint-Étienne"
    return days


class Closed(StrEnum):
    """Why no contact may be made at a given moment."""

    QUIET_HOURS = "quiet_hours"
    SUNDAY = "sunday"
    HOLIDAY = "holiday"


def contact_closed(now: dt.datetime, zone: ZoneInfo, postcode: str | None = "") -> Closed | None:
    """Why the debtor may not be contacted at `now` (aware), or None when they may."""
    local = now.astimezone(zone)
    if local.weekday() == 6:
        return Closed.SUNDAY
    alsace = str(zone) == "Europe/Paris" and (postcode or "")[:2] in ALSACE_MOSELLE
    if local.date() in french_holidays(local.year, alsace):
        return Closed.HOLIDAY
    if not (QUIET_BEFORE <= local.time() < QUIET_FROM):
        return Closed.QUIET_HOURS
    return None


def next_open(now: dt.datetime, zone: ZoneInfo, postcode: str | None = "") -> dt.datetime:
    """The first moment at or after `now` when the debtor may be contacted (aware, UTC)."""
    moment = now.astimezone(zone)
    for _ in range(24 * 15):  # two weeks of hours is more than any run of closed days
        closed = contact_closed(moment, zone, postcode)
        if closed is None:
            return moment.astimezone(dt.UTC)
        if closed is Closed.QUIET_HOURS and moment.time() < QUIET_BEFORE:
            moment = dt.datetime.combine(moment.date(), QUIET_BEFORE, zone)
        else:
            moment = dt.datetime.combine(moment.date() + dt.timedelta(days=1), QUIET_BEFORE, zone)
    raise RuntimeError("no open hour found in two weeks")  # pragma: no cover


# --- Weekly cap and time-bar -----------------------------------------------------------------

DEFAULT_WEEKLY_CAP = 2
CAP_WINDOW = dt.timedelta(days=7)


def within_cap(contacts_last_7_days: int, cap: int = DEFAULT_WEEKLY_CAP) -> bool:
    """True while another contact keeps the debtor at or under `cap` in seven days."""
    return contacts_last_7_days < cap


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def possibly_time_barred(consumer: bool, oldest_due_on: dt.date | None, today: dt.date) -> bool:
    """C. consommation L218-2: a consumer's debt is time-barred two years after it fell due."""
    return consumer and oldest_due_on is not None and today >= add_years(oldest_due_on, 2)


# --- `--at` for dry runs ---------------------------------------------------------------------

_AT = re.compile(
    r"^(?:(?P<word>today|tomorrow)|(?P<date>\d{4}-\d{2}-\d{2}))?[ t]*(?P<time>\d{1,2}:\d{2})?$"
)


def parse_at(text: str, now: dt.datetime) -> dt.datetime:
    """Read `tomorrow 10:00`, `2026-12-01 09:30`, `2026-12-01` or `18:00` in now's zone."""
    match = _AT.match((text or "").strip().lower())
    if not match or not any(match.groupdict().values()):
        raise ValueError(f"{text!r}: write e.g. 'tomorrow 10:00' or '2026-12-01 09:30'")
    day = now.date()
    if match["word"] == "tomorrow":
        day += dt.timedelta(days=1)
    elif match["date"]:
        day = dt.date.fromisoformat(match["date"])
    hour, minute = (int(x) for x in (match["time"] or "10:00").split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), now.tzinfo)
