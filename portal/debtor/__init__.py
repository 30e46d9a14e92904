"""The debtor's pages: login by reference or signed link, then the case."""

from flask import Blueprint

bp = Blueprint("debtor", __name__)

from portal.debtor import (  # noqa: E402,F401
    contact,
    disputes,
    documents,
    payments,
    plans,
    routes,
    unsubscribe,
)
