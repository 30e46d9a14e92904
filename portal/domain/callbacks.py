"""Call-back slots: working days, 09:00 to 18:00 in the debtor's time zone, at least two
hours ahead, every half hour, within two weeks."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from portal.domain.reminders import ALSACE_MOSELLE, french_holidays

OPEN_FROM = dt.time(9, 0)
LAST_SLOT = dt.time(17, 30)  # a half-hour slot that ends at 18:00
STEP_MINUTES = 30
MIN_NOTICE = dt.timedelta(hours=2)
HORIZON_DAYS = 14
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]{5,38}")
CHANNELS = ("email", "letter", "phone")


class SlotRefused(ValueError):
    """The slot cannot be taken; `reason` is `day`, `hours`, `too_soon` or `too_far`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def working_day(day: dt.date, postcode: str | None = "") -> bool:
    """Monday to Friday, and not a French public holiday (Alsace-Moselle's own included)."""
    alsace = (postcode or "")[:2] in ALSACE_MOSELLE
    return day.weekday() < 5 and day not in french_holidays(day.year, alsace)


def check_slot(slot: dt.datetime, now: dt.datetime, zone: ZoneInfo, postcode: str = "") -> None:
    """Raise SlotRefused unless `slot` (aware) is a slot the debtor may choose at `now`."""
    local = slot.astimezone(zone)
    if not working_day(local.date(), postcode):
        raise SlotRefused("day")
    if not (OPEN_FROM <= local.time() <= LAST_SLOT) or local.minute % STEP_MINUTES:
        raise SlotRefused("hours")
    if slot < now + MIN_NOTICE:
        raise SlotRefused("too_soon")
    if slot > now + dt.timedelta(days=HORIZON_DAYS):
        raise SlotRefused("too_far")


def slots(now: dt.datetime, zone: ZoneInfo, postcode: str = "", days: int = 7) -> list[dt.datetime]:
    """The slots open to choose from at `now`, on the next `days` working days (aware, local)."""
    found: list[dt.datetime] = []
    day = now.astimezone(zone).date()
    while len({s.date() for s in found}) < days and day <= now.date() + dt.timedelta(HORIZON_DAYS):
        if working_day(day, postcode):
            moment = dt.datetime.combine(day, OPEN_FROM, zone)
            while moment.time() <= LAST_SLOT:
                if moment >= now + MIN_NOTICE:
                    found.append(moment)
                moment += dt.timedelta(minutes=STEP_MINUTES)
        day += dt.timedelta(days=1)
    return found


def valid_phone(phone: str) -> bool:
    """A phone number as people write it: digits, spaces, dots, dashes, brackets, a leading +."""
    return bool(_PHONE.fullmatch((phone or "").strip()))
