"""The second factor at staff login: enter a code, or set one up (QR code drawn here)."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.debtor.routes import login_limits, rate_limited_page
from portal.security import (
    current_staff,
    pending_staff,
    public,
    safe_next,
    start_staff_session,
)
from portal.services.access import throttle, totp
from portal.staff import bp
from portal.staff.forms import CodeForm, EnrolForm


def _next(user) -> str:
    from portal.staff.routes import home_for

    return safe_next(request.args.get("next"), home_for(user.role))


def _ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    """After the password: a code from the app or a recovery code opens the session."""
    user = pending_staff("code")
    if user is None:
        return redirect(url_for("staff.login"))
    form, error = CodeForm(), None
    if form.validate_on_submit():
        keys = throttle.keys_for("totp", str(user.id), _ip())
        try:
            throttle.take_try(keys, login_limits())
            totp.check_second_factor(user, form.code.data, _ip())
        except throttle.RateLimited as exc:
            return rate_limited_page(exc)
        except totp.CodeRefused:
            error = _("This code is not right, or was already used. Try the code shown now.")
        else:
            throttle.give_back(keys)
            start_staff_session(user)
            return redirect(_next(user), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/second_factor.html", form=form, error=error), status


@bp.route("/second-factor", methods=["GET", "POST"])
@public
def enrol():
    """Set up the authenticator app: scan the QR code (or type the key), confirm a code."""
    pending = pending_staff("enrol")
    user = pending or current_staff()
    if user is None:
        return redirect(url_for("staff.login"))
    if totp.enrolled(user):
        return redirect(_next(user))
    secret = totp.begin_enrolment(user)
    form, error = EnrolForm(), None
    if form.validate_on_submit():
        keys = throttle.keys_for("totp", str(user.id), _ip())
        try:
            throttle.take_try(keys, login_limits())
            codes = totp.confirm_enrolment(user, form.code.data, _ip())
        except throttle.RateLimited as exc:
            return rate_limited_page(exc)
        except totp.CodeRefused:
            error = _("This code is not right. Check the time on your phone and try again.")
        else:
            throttle.give_back(keys)
            start_staff_session(user)
            return render_template("staff/recovery_codes.html", codes=codes, next=_next(user))
    uri = totp.provisioning_uri(user)
    return render_template(
        "staff/second_factor_setup.html",
        form=form,
        error=error,
        qr=totp.qr_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=totp.required_for(user.role),
    ), (422 if request.method == "POST" else 200)
