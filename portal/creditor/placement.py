"""Placing cases by CSV upload, and the outcome of each placement with its error report."""

from flask import Response, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.creditor import bp
from portal.creditor.forms import PlacementForm
from portal.models import Role
from portal.security import body_limit, staff_required
from portal.services.placement import history, imports
from portal.services.placement.columns import COLUMNS
from portal.services.placement.messages import error_report, message


@bp.route("/placements", methods=["GET", "POST"])
@staff_required(Role.CREDITOR)
@body_limit("PLACEMENT_MAX_BYTES")
def placements():
    """The upload form, the documented columns and the recent placements."""
    form = PlacementForm()
    if form.validate_on_submit():
        upload = form.file.data
        stream = upload.stream

        def open_file():
            stream.seek(0)
            return stream

        outcome = imports.import_csv(
            open_file,
            g.staff.creditor_id,
            source="web",
            filename=upload.filename,
            staff_user_id=g.staff.id,
        )
        if outcome.status == "already":
            flash(_("This file was already loaded: nothing was created twice."), "info")
        elif outcome.loaded:
            flash(_("%(num)d cases placed.", num=outcome.cases), "success")
        return redirect(url_for("creditor.placement", import_id=outcome.import_id))
    return render_template(
        "creditor/placements.html",
        form=form,
        columns=COLUMNS,
        imports=history.recent_imports(g.staff.creditor_id),
    )


def _own(import_id: int):
    found = history.get_import(import_id, g.staff.creditor_id) if import_id < 2**31 else None
    if found is None:
        abort(404)
    return found


@bp.get("/placements/<int:import_id>")
@staff_required(Role.CREDITOR)
def placement(import_id: int):
    """What a placement did: the cases placed, or every faulty row and why."""
    found = _own(import_id)
    return render_template("creditor/placement.html", imported=found, message=message)


@bp.get("/placements/<int:import_id>/errors.csv")
@staff_required(Role.CREDITOR)
def placement_errors(import_id: int):
    """The faulty rows of a rejected placement as CSV, in the reader's language."""
    found = _own(import_id)
    return Response(
        error_report(found.errors),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="placement-{found.id}-errors.csv"'},
    )
