"""Pages for everyone: health check, language choice, the debtor's rights."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from portal.main import routes  # noqa: E402,F401
