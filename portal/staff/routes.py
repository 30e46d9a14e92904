"""Staff login, logout and the landing page per role."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.debtor.routes import login_limits, rate_limited_page
from portal.models import Role
from portal.security import (
    current_staff,
    end_session,
    public,
    safe_next,
    staff_required,
    start_pending_staff,
    start_staff_session,
)
from portal.services.access import login as auth
from portal.services.access import sessions, totp
from portal.staff import bp
from portal.staff.forms import StaffLoginForm


def home_for(role: str) -> str:
    """Where a staff user lands after logging in."""
    return url_for("creditor.cases") if role == Role.CREDITOR else url_for("collector.cases")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with e-mail and password."""
    user = current_staff()
    if user is not None and request.method == "GET":
        return redirect(home_for(user.role))
    form = StaffLoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = auth.login_staff(
                form.email.data,
                form.password.data,
                request.remote_addr or "unknown",
                login_limits(),
            )
        except auth.RateLimited as exc:
            return rate_limited_page(exc)
        except auth.LoginRefused:
            error = _("E-mail or password is incorrect.")
        else:
            return _after_password(user)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/login.html", form=form, error=error), status


def _after_password(user):
    """The second factor next (or its set-up, where the role requires one), else the session."""
    target = request.args.get("next")
    if totp.enrolled(user):
        start_pending_staff(user, "code")
        return redirect(url_for("staff.second_factor", next=target), code=303)
    if totp.required_for(user.role):
        start_pending_staff(user, "enrol")
        return redirect(url_for("staff.enrol", next=target), code=303)
    start_staff_session(user)
    return redirect(safe_next(target, home_for(user.role)), code=303)


@bp.get("/")
@staff_required(Role.COLLECTOR, Role.CREDITOR, Role.ADMIN)
def home():
    """Send the staff user to their own landing page."""
    return redirect(home_for(current_staff().role))


@bp.post("/logout")
@public
def logout():
    """End the staff session, on the server too (a copy of the cookie stops working)."""
    user = current_staff()
    if user is not None:
        sessions.staff_logged_out(user.id, request.remote_addr)
    end_session()
    return redirect(url_for("staff.login"), code=303)
