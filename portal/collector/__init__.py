"""The collector's pages: case search and the case page."""

from flask import Blueprint

bp = Blueprint("collector", __name__, url_prefix="/staff/cases")

from portal.collector import (  # noqa: E402,F401
    casework,
    disputes,
    proposals,
    queue,
    reminders,
    routes,
    sending,
    settlements,
)
