"""The debtor disputes the debt: a reason, a message, proof files; then follows the review."""

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.debtor import bp, current_case
from portal.domain.disputes import MAX_MESSAGE_CHARS
from portal.labels import DISPUTE_REASON_LABELS
from portal.security import body_limit, debtor_required
from portal.services.disputes import debtor as disputes


@bp.app_template_filter("datetime")
def _datetime(value) -> str:
    """A moment as a short date and time in the portal's time zone."""
    return format_datetime(value, "short") if value else ""


@bp.app_template_filter("local_date")
def _local_date(value, fmt: str = "long") -> str:
    """The day of a moment in the portal's time zone."""
    return format_date(to_user_timezone(value).date(), fmt) if value else ""


class DisputeForm(FlaskForm):
    """Open a dispute."""

    reason = RadioField(
        _l("Why do you dispute this debt?"),
        choices=[SelectChoice(code, label) for code, label in DISPUTE_REASON_LABELS.items()],
        validators=[Optional()],
    )
    message = TextAreaField(
        _l("Explain in a few words"),
        validators=[Optional(), Length(max=MAX_MESSAGE_CHARS)],
        render_kw={"rows": 5, "class": "wide"},
    )
    files = MultipleFileField(
        _l("Proof (optional)"),
        description=_l("PDF, JPEG or PNG, 10 MB at most each, 5 files at most."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


class AddForm(FlaskForm):
    """Add a message or files to an open dispute."""

    message = TextAreaField(
        _l("Add a message"),
        validators=[Optional(), Length(max=MAX_MESSAGE_CHARS)],
        render_kw={"rows": 4, "class": "wide"},
    )
    files = MultipleFileField(
        _l("Add proof"),
        description=_l("PDF, JPEG or PNG, 10 MB at most each, 5 files at most."),
        render_kw={"accept": "application/pdf,image/jpeg,image/png"},
    )


def refusal_text(exc: disputes.DisputeRefused) -> str:
    """What to tell the debtor when nothing could be kept."""
    name = exc.filename or ""
    return {
        "reason": _("Choose why you dispute this debt."),
        "message": _("Write a message (%(max)s characters at most).", max=MAX_MESSAGE_CHARS),
        "case_state": _("This case can no longer be disputed here. Contact us if needed."),
        "already_open": _("Your dispute is already being reviewed: add to it below."),
        "not_open": _("This dispute has been decided: nothing more can be added."),
        "type": _("%(name)s is not a PDF, JPEG or PNG file.", name=name),
        "size": _("%(name)s is larger than 10 MB.", name=name),
        "empty": _("%(name)s is empty.", name=name),
        "count": _("A dispute holds 5 files at most."),
    }.get(exc.reason, _("Nothing could be kept. Please try again."))


def _uploads(field) -> list[disputes.Upload]:
    """The files sent, read whole (each is bounded by the request's size limit)."""
    return [
        disputes.Upload(f.filename or "", f.read())
        for f in field.data or []
        if f is not None and getattr(f, "filename", "")
    ]


def _page(case, form=None, add_form=None, error=None, status=200):
    dispute = disputes.latest(case.id)
    return (
        render_template(
            "debtor/dispute.html",
            case=case,
            dispute=dispute,
            form=form or DisputeForm(formdata=None),
            add_form=add_form or AddForm(formdata=None),
            error=error,
        ),
        status,
    )


@bp.get("/case/dispute")
@debtor_required
def dispute():
    """The dispute form, or the dispute being reviewed (and the form to add to it)."""
    return _page(current_case())


@bp.post("/case/dispute")
@debtor_required
@body_limit("DISPUTE_MAX_BYTES")
def dispute_open():
    """Open a dispute: reminders stop until a collector has reviewed it."""
    case = current_case()
    form = DisputeForm()
    if not form.validate_on_submit():
        error = _("Please correct the fields marked below.")
        return _page(case, form=form, error=error, status=422)
    try:
        disputes.open_dispute(
            case.id, form.reason.data or "", form.message.data, _uploads(form.files),
            request.remote_addr,
        )  # fmt: skip
    except disputes.DisputeRefused as exc:
        return _page(case, form=form, error=refusal_text(exc), status=422)
    flash(_("Your dispute is received. Reminders stop while we review it."), "success")
    return redirect(url_for("debtor.dispute"), code=303)


@bp.post("/case/dispute/add")
@debtor_required
@body_limit("DISPUTE_MAX_BYTES")
def dispute_add():
    """Add a message or proof to the open dispute."""
    case = current_case()
    form = AddForm()
    if not form.validate_on_submit():
        return _page(case, add_form=form, error=_("Please correct the fields marked below."),
                     status=422)  # fmt: skip
    try:
        disputes.add_to_dispute(
            case.id, form.message.data, _uploads(form.files), request.remote_addr
        )
    except disputes.DisputeRefused as exc:
        return _page(case, add_form=form, error=refusal_text(exc), status=422)
    flash(_("Added to your dispute."), "success")
    return redirect(url_for("debtor.dispute"), code=303)


@bp.get("/case/dispute/files/<int(max=9223372036854775807):file_id>")
@debtor_required
def dispute_file(file_id: int):
    """A proof file of the debtor's own dispute, as a download; any other is 404."""
    found = disputes.debtor_file(g.case_id, file_id)
    if found is None:
        abort(404)
    return file_response(*found)


def file_response(row, data: bytes):
    """A proof file sent as an attachment, never shown inline."""
    response = make_response(data)
    response.mimetype = row.content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{row.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
