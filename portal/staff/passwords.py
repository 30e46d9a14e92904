"""Staff passwords: forgotten (a link by e-mail), set from a link (reset or invitation), changed."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.debtor.routes import login_limits, rate_limited_page
from portal.domain.passwords import Weakness, WeakPassword
from portal.errors import render_error
from portal.models import Role
from portal.security import end_session, public, staff_required, start_staff_session
from portal.services.access import passwords, throttle
from portal.staff import bp
from portal.staff.forms import ChangePasswordForm, ForgotForm, NewPasswordForm


def weakness_message(error: WeakPassword) -> str:
    """Why a password was refused, in the user's language."""
    return {
        Weakness.TOO_SHORT: _("Use at least 12 characters."),
        Weakness.TOO_LONG: _("Use at most 200 characters."),
        Weakness.COMMON: _("This password is too common or too easy to guess: choose another."),
        Weakness.EMAIL: _("Do not use your e-mail address in your password."),
    }[error.reason]


def _ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        keys = throttle.keys_for("reset", form.email.data.strip().lower(), _ip())
        try:
            throttle.take_try(keys, login_limits())
        except throttle.RateLimited as exc:
            return rate_limited_page(exc)
        passwords.request_reset(form.email.data, _ip())
        return render_template("staff/password_sent.html")
    return render_template("staff/password_forgot.html", form=form)


@bp.route("/password/<purpose>/<token>", methods=["GET", "POST"])
@public
def set_password(purpose: str, token: str):
    """Choose a password from a reset or invitation link (once, before it expires)."""
    if purpose not in passwords.PURPOSES:
        abort(404)
    try:
        user = passwords.user_of_link(token, purpose)
    except passwords.LinkRefused:
        return render_error(
            410,
            _("This link has expired or was already used. Ask for a new one.")
            if purpose == "reset"
            else _("This invitation has expired or was already used. Ask an administrator."),
        )
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.set_password_from_link(token, purpose, form.password.data, _ip())
        except WeakPassword as exc:
            form.password.errors.append(weakness_message(exc))
        except passwords.LinkRefused:
            return render_error(410, _("This link has expired or was already used."))
        else:
            end_session()
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("staff.login"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "staff/password_set.html", form=form, user=user, invited=purpose == "invite"
    ), status


@bp.route("/password", methods=["GET", "POST"])
@staff_required(Role.COLLECTOR, Role.CREDITOR, Role.ADMIN)
def change_password():
    """Change one's password; every other session of the account ends."""
    from flask import g

    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = passwords.change_password(g.staff, form.current.data, form.password.data, _ip())
        except passwords.WrongPassword:
            form.current.errors.append(_("This is not your current password."))
        except WeakPassword as exc:
            form.password.errors.append(weakness_message(exc))
        else:
            start_staff_session(user)  # this session goes on; the others have ended
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("staff.home"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/password_change.html", form=form), status
