"""A collector decides a dispute from the case page: reject with an explanation, or uphold."""

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.collector import bp
from portal.collector.routes import case_page, load_reference
from portal.debtor.disputes import file_response
from portal.domain.money import InvalidAmount, parse_amount
from portal.models import Role
from portal.security import staff_required
from portal.services.cases.locking import CaseChanged
from portal.services.casework.money import MoneyChangeRefused
from portal.services.disputes import decide
from portal.services.disputes.debtor import DisputeRefused

COLLECTORS = (Role.COLLECTOR, Role.ADMIN)


class RejectDisputeForm(FlaskForm):
    """Reject: the explanation is e-mailed to the debtor."""

    version = HiddenField()
    explanation = TextAreaField(
        _l("Explanation sent to the debtor"),
        validators=[DataRequired(_l("Write the explanation.")), Length(max=4000)],
        render_kw={"rows": 4, "class": "wide"},
    )


class UpholdDisputeForm(FlaskForm):
    """Uphold: reduce one line, or close the case."""

    version = HiddenField()
    outcome = RadioField(
        _l("What follows"),
        choices=[
            SelectChoice("adjust", _l("Reduce a debt line")),
            SelectChoice("close", _l("Cancel what is left and close the case")),
        ],
        default="adjust",
    )
    line = SelectField(_l("Debt line"), coerce=int, validate_choice=False)
    amount = StringField(_l("Reduce by"), validators=[Optional(), Length(max=20)])
    explanation = TextAreaField(
        _l("Explanation sent to the debtor"),
        validators=[DataRequired(_l("Write the explanation.")), Length(max=4000)],
        render_kw={"rows": 4, "class": "wide"},
    )


def refusal_text(exc: Exception) -> str:
    """What went wrong, in the collector's language."""
    if isinstance(exc, CaseChanged):
        return _(
            "Someone else changed this case meanwhile: nothing was changed. "
            "Check the page as it is now and try again."
        )
    reason = getattr(exc, "reason", "")
    return {
        "explanation": _("Write the explanation."),
        "not_open": _("This dispute is already decided: nothing was changed."),
        "amount": _("Enter an amount above zero, for example 120,50."),
        "beyond_balance": _("This is more than the balance: nothing was changed."),
        "beyond_line": _("This is more than the line still carries: nothing was changed."),
        "line": _("Choose one of the case's debt lines."),
        "nothing_owed": _("Nothing is owed on this case."),
    }.get(reason, _("Nothing was changed."))


def _version(form) -> int | None:
    raw = (form.version.data or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.post("/<reference>/disputes/<int(max=9223372036854775807):dispute_id>/reject")
@staff_required(*COLLECTORS)
def dispute_reject(reference: str, dispute_id: int):
    """Reject the dispute; reminders resume."""
    found = load_reference(reference)
    form = RejectDisputeForm(prefix="reject")
    if not form.validate_on_submit():
        return case_page(found, 422, _("Write the explanation."), reject=form)
    try:
        decide.reject(dispute_id, g.staff.id, form.explanation.data, _version(form))
    except (DisputeRefused, CaseChanged) as exc:
        status = 409 if isinstance(exc, CaseChanged) or exc.reason == "not_open" else 422
        return case_page(found, status, refusal_text(exc), reject=form)
    flash(_("Dispute rejected. The debtor is told by e-mail; reminders resume."), "success")
    return redirect(url_for("collector.case", reference=reference), code=303)


@bp.post("/<reference>/disputes/<int(max=9223372036854775807):dispute_id>/uphold")
@staff_required(*COLLECTORS)
def dispute_uphold(reference: str, dispute_id: int):
    """Uphold the dispute: a line reduced, or the case closed."""
    found = load_reference(reference)
    form = UpholdDisputeForm(prefix="uphold")
    if not form.validate_on_submit():
        return case_page(found, 422, _("Write the explanation."), uphold=form)
    close_case = form.outcome.data == "close"
    amount = None
    if not close_case:
        try:
            amount = parse_amount(form.amount.data or "", found.currency)
        except InvalidAmount:
            return case_page(found, 422, refusal_text(MoneyChangeRefused("amount")), uphold=form)
    try:
        decide.uphold(dispute_id, g.staff.id, form.explanation.data, close_case=close_case,
                      debt_line_id=form.line.data, amount=amount,
                      version=_version(form))  # fmt: skip
    except (DisputeRefused, MoneyChangeRefused, CaseChanged) as exc:
        status = 409 if isinstance(exc, CaseChanged) else 422
        return case_page(found, status, refusal_text(exc), uphold=form)
    flash(_("Dispute upheld. The debtor is told by e-mail."), "success")
    return redirect(url_for("collector.case", reference=reference), code=303)


@bp.get("/<reference>/disputes/files/<int(max=9223372036854775807):file_id>")
@staff_required(*COLLECTORS)
def dispute_file(reference: str, file_id: int):
    """A proof file of the case's disputes, as a download."""
    found = decide.staff_file(load_reference(reference).id, file_id)
    if found is None:
        abort(404)
    return file_response(*found)


@bp.app_template_global()
def dispute_panel(case, forms: dict):
    """The dispute section of the staff case page: every dispute, and the decision forms."""
    reject = forms.get("reject") or RejectDisputeForm(formdata=None, prefix="reject")
    uphold = forms.get("uphold") or UpholdDisputeForm(formdata=None, prefix="uphold")
    for form in (reject, uphold):
        form.version.data = str(case.version)
    uphold.line.choices = [SelectChoice(x.id, x.document_number) for x in case.debt_lines]
    return {"disputes": decide.disputes_of(case.id), "reject": reject, "uphold": uphold}
