"""The portal's clock: today is a day in the portal's time zone (Europe/Paris), not UTC's."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from portal.models.base import utcnow


def today() -> dt.date:
    """Today in the portal's time zone."""
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
