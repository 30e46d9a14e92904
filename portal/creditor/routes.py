"""The creditor's dashboard, its cases (list, detail, export) and its payments export."""

import datetime as dt
import itertools

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.collector.routes import load_reference
from portal.creditor import bp
from portal.domain.states import CaseStatus
from portal.models import Role
from portal.security import staff_required
from portal.services import clock, digests
from portal.services.cases import overview as case_service
from portal.services.mail import outbox as mail
from portal.services.reporting import case_list, exports
from portal.services.reporting import dashboard as reports


def _today() -> dt.date:
    return clock.today()


@bp.get("/dashboard")
@staff_required(Role.CREDITOR)
def dashboard():
    """The portfolio's figures, computed by the database."""
    figures = reports.dashboard(g.staff.creditor_id, _today())
    return render_template(
        "creditor/dashboard.html",
        d=figures,
        creditor=g.staff.creditor,
        digest=digests.is_subscribed(g.staff.id),
        form=FlaskForm(),
    )


@bp.post("/digest")
@staff_required(Role.CREDITOR)
def digest():
    """Ask for the daily summary by e-mail, or stop it."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("digest") == "on":
        digests.subscribe(g.staff)
        flash(_("You will receive a daily summary by e-mail."), "success")
    else:
        digests.unsubscribe(g.staff)
        flash(_("You will no longer receive the daily summary."), "success")
    return redirect(url_for("creditor.dashboard"))


def _after() -> int | None:
    """The keyset cursor: the last case id of the previous page (clamped by the query)."""
    after = request.args.get("after", type=int)
    return after if after and after > 0 else None


@bp.get("/cases")
@staff_required(Role.CREDITOR)
def cases():
    """The creditor's own cases, filtered, a page at a time."""
    creditor = g.staff.creditor
    filters = case_list.parse_filters(request.args, creditor.currency)
    page = case_list.list_cases(creditor.id, filters, _after())
    return render_template(
        "creditor/cases.html",
        page=page,
        total=case_list.count_cases(creditor.id, filters),
        filters=filters,
        args=filters.as_args(),
        statuses=list(CaseStatus),
        first=_after() is None,
        creditor=creditor,
        totals=case_service.portfolio_totals(creditor.id),
    )


def _csv(lines, name: str) -> Response:
    """Stream CSV lines, 500 at a time, each chunk read in an app context of its own (the
    request's is gone when the body is read; the header was translated in the view). No
    context stays pushed between chunks, whoever reads the body and whenever it stops."""
    app = current_app._get_current_object()

    def generate():
        while True:
            with app.app_context():
                chunk = "".join(itertools.islice(lines, 500))
            if not chunk:
                return
            yield chunk

    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/cases.csv")
@staff_required(Role.CREDITOR)
def cases_export():
    """The filtered case list as CSV, streamed."""
    filters = case_list.parse_filters(request.args, g.staff.creditor.currency)
    return _csv(exports.cases_csv(g.staff.creditor_id, filters), "cases.csv")


def _day(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/payments.csv")
@staff_required(Role.CREDITOR)
def payments_export():
    """Payments and refunds between ?from= and ?to= (ISO dates, both included) as CSV."""
    today = _today()
    start = _day("from") or today.replace(day=1)
    end = _day("to") or today
    if end < start or (end - start).days > 3660:
        abort(400)
    name = f"payments-{start.isoformat()}-{end.isoformat()}.csv"
    return _csv(exports.payments_csv(g.staff.creditor_id, start, end), name)


@bp.get("/cases/<reference>")
@staff_required(Role.CREDITOR)
def case(reference: str):
    """One of the creditor's cases, read-only; another creditor's case is a 404."""
    found = load_reference(reference, creditor_id=g.staff.creditor_id)
    return render_template(
        "staff/case.html",
        o=case_service.overview(found),
        entries=case_service.ledger(found.id),
        events=case_service.timeline(found.id),
        back="creditor.cases",
        user=g.staff,
        messages=mail.case_messages(found.id),
    )
