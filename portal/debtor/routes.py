"""Debtor login (reference or signed link), overview, logout."""

from datetime import timedelta

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time
from flask_babel import gettext as _

from portal.debtor import bp
from portal.debtor.forms import FactorForm, LoginForm
from portal.debtor.payments import with_checkout_csp
from portal.domain.factors import FactorKind
from portal.domain.references import InvalidReference
from portal.errors import render_error
from portal.models.base import utcnow
from portal.security import (
    LinkExpired,
    LinkInvalid,
    current_debtor_case_id,
    debtor_required,
    end_session,
    public,
    read_case_token,
    start_debtor_session,
)
from portal.services.access import login as auth
from portal.services.access import sessions
from portal.services.cases.page import load_case_page
from portal.templating import render_page

CASE_PAGE = "debtor/case.html"


def login_limits() -> auth.Limits:
    """The login rate limit from the configuration."""
    config = current_app.config
    return auth.Limits(
        max_failures=config["LOGIN_MAX_FAILURES"],
        window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
        address_max=config["LOGIN_ADDRESS_MAX"],
        account_threshold=config["LOGIN_ACCOUNT_THRESHOLD"],
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
                    "This reference is not valid. Check it against your letter or e-mail: it has "
                    "9 letters and digits, like 7KQ-M4R-T9X."
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
                "You can still log in with the reference on your letter or e-mail."
            ),
            offer_login=True,
        )
    return render_error(
        410,
        _(
            "This link has expired or has been replaced by a newer one. "
            "You can log in with the reference on your letter or e-mail."
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
    payments_enabled = bool(current_app.config.get("PAYMENTS_ENABLED"))
    page = load_case_page(g.case_id)
    if page is None:
        session.clear()
        abort(404)
    g.preferred_language = page.case.debtor.language
    html = render_page(
        CASE_PAGE,
        o=page.overview,
        ps=page.plans,
        online=page.payments,
        method=page.method,
        payments_enabled=payments_enabled,
        dispute=page.dispute,
        settlement=page.settlement,
    )
    return _case_response(html, payments_enabled)


def _case_response(html, payments_enabled: bool):
    """The page; its "pay now" form may lead to the hosted checkout (CSP form-action)."""
    response = make_response(html)
    return with_checkout_csp(response) if payments_enabled else response


case.reads_only = True  # its session check reads without a transaction, as the page does


@bp.post("/logout")
@public
def logout():
    """End the debtor session, on the server too (a copy of the cookie stops working)."""
    case_id = current_debtor_case_id()
    if case_id is not None:
        sessions.debtor_logged_out(case_id, _client_ip())
    end_session()
    return redirect(url_for("debtor.login", logged_out=1), code=303)
