"""The creditor's cases with status and balance, and each case's detail."""

from flask import g, render_template, request

from portal.collector.routes import load_reference, page_arg
from portal.creditor import bp
from portal.models import Role
from portal.security import staff_required
from portal.services.cases import overview as case_service


@bp.get("/cases")
@staff_required(Role.CREDITOR)
def cases():
    """The creditor's own cases, with totals."""
    query = request.args.get("q", "")[:100]
    page = page_arg()
    creditor_id = g.staff.creditor_id
    rows, total = case_service.search_cases(query, creditor_id=creditor_id, page=page)
    return render_template(
        "creditor/cases.html",
        rows=rows,
        total=total,
        q=query,
        page=page,
        page_size=case_service.PAGE_SIZE,
        totals=case_service.portfolio_totals(creditor_id),
        creditor=g.staff.creditor,
    )


@bp.get("/cases/<reference>")
@staff_required(Role.CREDITOR)
def case(reference: str):
    """One of the creditor's cases; another creditor's case is a 404."""
    found = load_reference(reference, creditor_id=g.staff.creditor_id)
    return render_template(
        "staff/case.html",
        o=case_service.overview(found),
        entries=case_service.ledger(found.id),
        events=case_service.timeline(found.id),
        back="creditor.cases",
        user=g.staff,
    )
