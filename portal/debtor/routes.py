"""Debtor login (reference or signed link), overview, logout."""

from datetime import timedelta

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from portal.debtor import bp
from portal.debtor.forms import FactorForm, LoginForm
from portal.domain.factors import FactorKind
from portal.domain.references import InvalidReference
from portal.errors import render_error
from portal.fragments import fragments_kept, render_fragment, reuse_fragment
from portal.models.base import utcnow
from portal.security import (
    LinkExpired,
    LinkInvalid,
    debtor_required,
    public,
    read_case_token,
    start_debtor_session,
)
from portal.services.access import login as auth
from portal.services.cases.page import load_case_page, read_plain_page

CASE_PAGE = "debtor/case.html"


def login_limits() -> auth.Limits:
    """The login rate limit from the configuration."""
    return auth.Limits(
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"]),
    )


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def rate_limited_page(error: auth.RateLimited):
    """429 with the time at which the person may try again, in their language."""
    when = format_time(error.until, "HH:mm")
    response = render_error(
        429, _("For your security, logging in is paused. Try again at %(time)s.", time=when)
    )
    seconds = max(int((error.until - utcnow()).total_seconds()), 1)
    return response[0], 429, {"Retry-After": str(seconds)}


@bp.route("/", methods=["GET", "POST"])
@public
def login():
    """Log in with the case reference and the verification factor."""
    if session.get("debtor_case") and request.method == "GET" and not request.args:
        return redirect(url_for("debtor.case"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            case_id = auth.login_debtor(
                form.reference.data, form.factor.data, _client_ip(), login_limits()
            )
        except InvalidReference:
            form.reference.errors.append(
                _(
                    "This reference is not valid. Check it against your letter: it has 9 letters "
                    "and digits, like 7KQ-M4R-T9X."
                )
            )
        except auth.RateLimited as exc:
            return rate_limited_page(exc)
        except auth.LoginRefused:
            error = _(
                "These details do not match a case. Check the reference and the postcode "
                "or date of birth, then try again."
            )
        else:
            start_debtor_session(case_id)
            return redirect(url_for("debtor.case"), code=303)
    status = 422 if request.method == "POST" else 200
    expired = request.args.get("expired") == "1"
    return render_template("debtor/login.html", form=form, error=error, expired=expired), status


def _link_problem(exc: Exception):
    if isinstance(exc, LinkInvalid):
        return render_error(
            400,
            _(
                "This link is not valid. It may have been cut or changed. "
                "You can still log in with the reference on your letter."
            ),
            offer_login=True,
        )
    return render_error(
        410,
        _(
            "This link has expired or has been replaced by a newer one. "
            "You can log in with the reference on your letter."
        ),
        offer_login=True,
    )


@bp.route("/l/<token>", methods=["GET", "POST"])
@public
def link(token: str):
    """A signed link from an e-mail: the case is known, the factor is still asked."""
    try:
        case_id, version = read_case_token(token)
        case = auth.link_case(case_id, version)
    except (LinkInvalid, LinkExpired, auth.LinkRevoked) as exc:
        return _link_problem(exc)
    kind = FactorKind(case.creditor.verification_factor)
    form = FactorForm()
    if form.validate_on_submit():
        try:
            case_id = auth.login_debtor_by_link(
                case_id, version, form.factor.data, _client_ip(), login_limits()
            )
        except auth.RateLimited as exc:
            return rate_limited_page(exc)
        except auth.LinkRevoked as exc:
            return _link_problem(exc)
        except auth.LoginRefused:
            form.factor.errors.append(
                _("This postcode does not match. Check it and try again.")
                if kind is FactorKind.POSTCODE
                else _("This date of birth does not match. Write it as DD/MM/YYYY and try again.")
            )
        else:
            start_debtor_session(case_id)
            return redirect(url_for("debtor.case"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("debtor/link.html", form=form, kind=kind.value), status


@bp.get("/case")
@debtor_required
def case():
    """What is owed, why, and what the debtor can do about it."""
    # Plain rows first: when they are what an earlier view showed, that page is reused and no
    # ORM object is built. Cases with plans or online payments show more, read with objects.
    payments_enabled = bool(current_app.config.get("PAYMENTS_ENABLED"))
    plain = read_plain_page(g.case_id) if fragments_kept() else None
    if plain is not None and plain.simple:
        g.preferred_language = plain.language
        reused = reuse_fragment(CASE_PAGE, snapshot=plain.snapshot, rows=(payments_enabled,))
        if reused is not None:
            return reused
    page = load_case_page(g.case_id, plain)
    if page is None:
        session.clear()
        abort(404)
    g.preferred_language = page.case.debtor.language
    # Kept under the plain rows' key only if nothing changed between the two reads.
    same = plain is not None and plain.simple and page.same_as(plain)
    return render_fragment(
        CASE_PAGE,
        rows=(payments_enabled,) if same else (*page.rows, payments_enabled),
        snapshot=plain.snapshot if same else None,
        o=page.overview,
        ps=page.plans,
        online=page.payments,
        payments_enabled=payments_enabled,
        dispute=page.dispute,
    )


@bp.post("/logout")
@public
def logout():
    """End the debtor session."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("debtor.login", logged_out=1), code=303)
