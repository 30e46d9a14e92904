"""Administration (admins only): staff users, creditors and their policies, the agency, the
audit log. Collectors and creditor users get a 403."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import creditor_access, creditors, routes, settlement_policy  # noqa: E402,F401
