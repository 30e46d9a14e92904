"""Case list with search, and the full case page."""

from flask import abort, g, make_response, render_template, request

from portal.collector import bp
from portal.domain.references import InvalidReference, normalize
from portal.extensions import db
from portal.models import Message, Role
from portal.security import staff_required
from portal.services.cases import overview as case_service
from portal.services.casework import timeline as casework_timeline
from portal.services.mail import outbox as mail

MAX_PAGE = 100_000


def page_arg() -> int:
    """The ?page= argument, 1 when missing or not a number; a 404 outside 1..MAX_PAGE (a
    huge number would overflow the database's OFFSET)."""
    page = request.args.get("page", 1, type=int)
    if page is None or page == 1:
        return 1
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


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
    """The whole case: debtor, debt lines, ledger, timeline, and the collector's actions."""
    return case_page(load_reference(reference))


def case_page(found, status: int = 200, error: str | None = None, **forms):
    """The collector's case page; after a refused action, with its message, the form as sent
    and a 4xx status (nothing was changed)."""
    return (
        render_template(
            "staff/case.html",
            o=case_service.overview(found),
            entries=case_service.ledger(found.id),
            events=case_service.timeline(found.id),
            back="collector.cases",
            user=g.staff,
            messages=mail.case_messages(found.id),
            items=casework_timeline.timeline(found.id, request.args.get("kind")),
            kinds=casework_timeline.KINDS,
            kind=request.args.get("kind", ""),
            action_error=error,
            forms=forms,
        ),
        status,
    )


@bp.get("/<reference>/messages/<int:message_id>")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def message(reference: str, message_id: int):
    """One message as the debtor receives it: the HTML part, or the text part with ?part=text."""
    found = load_reference(reference)
    return message_response(found.id, message_id)


def message_response(case_id: int, message_id: int):
    """The message's body, sandboxed: e-mail HTML carries inline styles and must run nothing."""
    shown = db.session.get(Message, message_id)
    if shown is None or shown.case_id != case_id:
        abort(404)
    if request.args.get("part") == "text" or not shown.body_html:
        response = make_response(shown.body_text)
        response.mimetype = "text/plain"
    else:
        response = make_response(shown.body_html)
        response.headers["Content-Security-Policy"] = (
            "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        )
    return response
