"""Case list with search, and the full case page."""

from flask import abort, g, render_template, request

from portal.collector import bp
from portal.domain.references import InvalidReference, normalize
from portal.models import Role
from portal.security import staff_required
from portal.services import cases as case_service


def page_arg() -> int:
    """The ?page= argument, 1 when missing or not a number."""
    return request.args.get("page", 1, type=int) or 1


def load_reference(reference: str, creditor_id: int | None = None):
    """The case with this reference (of this creditor, if given), or 404."""
    try:
        found = case_service.load_case_by_reference(normalize(reference))
    except InvalidReference:
        abort(404)
    if found is None or (creditor_id is not None and found.creditor_id != creditor_id):
        abort(404)
    return found


@bp.get("/")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def cases():
    """Searchable list of every case."""
    query = request.args.get("q", "")[:100]
    page = page_arg()
    rows, total = case_service.search_cases(query, page=page)
    return render_template(
        "collector/cases.html",
        rows=rows,
        total=total,
        q=query,
        page=page,
        page_size=case_service.PAGE_SIZE,
    )


@bp.get("/<reference>")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def case(reference: str):
    """The whole case: debtor, debt lines, ledger, timeline."""
    found = load_reference(reference)
    return render_template(
        "staff/case.html",
        o=case_service.overview(found),
        entries=case_service.ledger(found.id),
        events=case_service.timeline(found.id),
        back="collector.cases",
        user=g.staff,
    )
