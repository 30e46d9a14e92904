"""The debtor's pages: login by reference or signed link, then the case."""

from flask import Blueprint

bp = Blueprint("debtor", __name__)

from portal.debtor import routes  # noqa: E402,F401
from portal.debtor import payments  # noqa: E402,F401
from portal.debtor import plans  # noqa: E402,F401
