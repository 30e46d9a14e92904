"""The demo's own pages (PORTAL_ENV=demo only): the outbox of every e-mail recorded, so that a
newcomer follows the journey from the e-mail without an SMTP server."""

from flask import Blueprint

bp = Blueprint("demo", __name__, url_prefix="/demo")

from portal.demo import routes  # noqa: E402,F401
