"""The collector's queue: tabs with counts, oldest first, filters, "assign to me"."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.collector import bp
from portal.collector.casework_forms import ConfirmForm
from portal.collector.routes import load_reference
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Creditor, Role
from portal.security import staff_required
from portal.services import callbacks
from portal.services.casework import queue as work

COLLECTORS = (Role.COLLECTOR, Role.ADMIN)


def _filters() -> work.Filters:
    """The filters from the query string; a value that is not one of the choices is ignored."""
    args = request.args
    creditor, days = args.get("creditor", ""), args.get("placed", "")
    return work.Filters(
        creditor_id=int(creditor) if creditor.isdigit() and len(creditor) < 10 else None,
        staff_user_id=g.staff.id if args.get("mine") == "1" else None,
        status=args.get("status") if args.get("status") in set(CaseStatus) else None,
        band=args.get("band") if args.get("band") in work.BANDS else None,
        placed_days=int(days) if days.isdigit() and int(days) in work.PLACED_DAYS else None,
        sort=args.get("sort") if args.get("sort") in work.SORTS else "oldest",
    )


def filter_args(filters: work.Filters) -> dict:
    """The query string that keeps these filters (for the tabs' links and the forms)."""
    return {
        "creditor": filters.creditor_id, "mine": "1" if filters.staff_user_id else None,
        "status": filters.status, "band": filters.band, "placed": filters.placed_days,
        "sort": filters.sort if filters.sort != "oldest" else None,
    }  # fmt: skip


@bp.app_template_global()
def queue_counts() -> dict[str, int]:
    """Every tab's count for the staff navigation (one statement), for collectors only."""
    if getattr(g, "staff", None) is None or g.staff.role not in COLLECTORS:
        return {}
    return work.counts(work.Filters())


@bp.get("/queue")
@staff_required(*COLLECTORS)
def queue():
    """What waits for a collector, in tabs, oldest first."""
    tab = request.args.get("tab", "")
    tab = tab if tab in work.TABS else work.TABS[0]
    filters = _filters()
    creditors = db.session.execute(
        select(Creditor.id, Creditor.legal_name).order_by(Creditor.legal_name)
    ).all()
    return render_template(
        "collector/queue.html",
        tab=tab,
        tabs=work.TABS,
        counts=work.counts(filters),
        rows=work.queue(tab, filters),
        filters=filters,
        kept=filter_args(filters),
        creditors=creditors,
        statuses=list(CaseStatus),
        bands=work.BANDS,
        placed_days=work.PLACED_DAYS,
        sorts=work.SORTS,
    )


@bp.post("/<reference>/callbacks/<int(max=9223372036854775807):callback_id>/done")
@staff_required(*COLLECTORS)
def callback_done(reference: str, callback_id: int):
    """The collector called the debtor: the request leaves the queue."""
    found = load_reference(reference)
    if not ConfirmForm(prefix="done").validate_on_submit():
        abort(400)
    try:
        callbacks.mark_done(callback_id, found.id, g.staff.id)
    except callbacks.CallbackRefused:
        flash(_("This call-back was already done."), "info")
    else:
        flash(_("Call-back marked as done."), "success")
    return redirect(url_for("collector.queue", tab="callbacks"), code=303)
