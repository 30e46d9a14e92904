"""Staff login and logout, shared by collectors, creditor users and admins."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.staff import passwords, routes, two_factor  # noqa: E402,F401
