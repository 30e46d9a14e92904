"""The creditors' API, /api/v1: JSON in and out, bearer tokens, no CSRF (no cookies used)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portal.api import docs, routes  # noqa: E402,F401
