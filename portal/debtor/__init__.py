"""The debtor's pages: login by reference or signed link, then the case."""

from flask import Blueprint

bp = Blueprint("debtor", __name__)

from portal.debtor import documents, payments, plans, routes, unsubscribe  # noqa: E402,F401
