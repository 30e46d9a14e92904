"""The creditor user's pages: its own portfolio only."""

from flask import Blueprint

bp = Blueprint("creditor", __name__, url_prefix="/creditor")

from portal.creditor import placement, remittances, routes, webhooks  # noqa: E402,F401
