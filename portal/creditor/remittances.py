"""The creditor's remittance statements, as PDF and CSV."""

from flask import Response, abort, g, render_template

from portal.creditor import bp
from portal.models import Role
from portal.security import staff_required
from portal.services.remittances import documents, issue


@bp.get("/remittances")
@staff_required(Role.CREDITOR)
def remittances():
    """Every statement issued to the creditor, newest first."""
    return render_template(
        "creditor/remittances.html", statements=issue.statements_of(g.staff.creditor_id)
    )


def _own(statement_id: int):
    found = issue.get_statement(statement_id, g.staff.creditor_id)
    if found is None:
        abort(404)
    return found


@bp.get("/remittances/<int:statement_id>.pdf")
@staff_required(Role.CREDITOR)
def remittance_pdf(statement_id: int):
    """One statement as a PDF."""
    found = _own(statement_id)
    return Response(
        documents.statement_pdf(found),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="statement-{found.number}.pdf"'},
    )


@bp.get("/remittances/<int:statement_id>.csv")
@staff_required(Role.CREDITOR)
def remittance_csv(statement_id: int):
    """One statement's movements and totals as CSV."""
    found = _own(statement_id)
    return Response(
        "".join(documents.statement_csv(found)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="statement-{found.number}.csv"'},
    )
