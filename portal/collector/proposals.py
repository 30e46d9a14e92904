"""The collector's plan queue and decisions: approve, reject with reasons, counter-propose."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.collector import bp
from portal.collector import counter_editor as editor
from portal.domain import schedule
from portal.domain.factors import parse_date_of_birth
from portal.domain.money import to_decimal
from portal.domain.plan_states import Frequency
from portal.domain.policy import evaluate
from portal.extensions import db
from portal.labels import FREQUENCY_LABELS
from portal.models import PlanProposal, Role
from portal.security import staff_required
from portal.services import clock
from portal.services.cases.overview import load_case
from portal.services.plans import decide, review
from portal.services.plans.policy import policy_for

COLLECTORS = (Role.COLLECTOR, Role.ADMIN)


class RejectForm(FlaskForm):
    """Reasons (codes from a fixed list, read from the request) and a message to the debtor."""

    text = TextAreaField(
        _l("Message to the debtor"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3, "cols": 28},
    )


class CounterForm(FlaskForm):
    """A schedule built from a count, or typed row by row (counter_editor.py)."""

    count = StringField(_l("Number of instalments"), validators=[Optional(), Length(max=10)])
    frequency = RadioField(
        _l("How often"),
        choices=[SelectChoice(f.value, FREQUENCY_LABELS[f.value]) for f in Frequency],
        default=Frequency.MONTHLY.value,
    )
    first_due_on = StringField(_l("First due date"), validators=[Optional(), Length(max=20)])
    text = TextAreaField(
        _l("Message to the debtor"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3, "cols": 28},
    )


def _proposal(proposal_id: int) -> PlanProposal:
    found = db.session.get(PlanProposal, proposal_id)
    if found is None:
        abort(404)
    return found


@bp.get("/proposals")
@staff_required(*COLLECTORS)
def proposals():
    """Debtors' proposals waiting for a decision, oldest first."""
    return render_template("collector/proposals.html", rows=review.queue())


def _detail(
    proposal: PlanProposal, counter_form=None, reject_form=None, preview=None, status=200,
    rows=None, schedule_error=None,
):  # fmt: skip
    """The proposal's page; a form sent back keeps the reasons ticked and the rows typed."""
    case = load_case(proposal.case_id)
    if rows is None:
        rows = editor.with_room(editor.rows_of(proposal.lines, proposal.currency))
    ticked = request.form.getlist("reasons") if request.method == "POST" else []
    return (
        render_template(
            "collector/proposal.html",
            p=proposal,
            case=case,
            balance=decide.balance_of(case),
            counter_form=counter_form or _counter_defaults(proposal),
            reject_form=reject_form or RejectForm(formdata=None, prefix="reject"),
            preview=preview,
            reason_codes=review.REASON_CODES,
            ticked=ticked,
            rows=rows,
            schedule_error=schedule_error,
            max_rows=editor.MAX_ROWS,
        ),
        status,
    )


def _counter_defaults(proposal: PlanProposal) -> CounterForm:
    form = CounterForm(formdata=None)
    form.count.data = str(proposal.count)
    form.frequency.data = proposal.frequency
    form.first_due_on.data = f"{proposal.first_due_on:%d/%m/%Y}"
    return form


@bp.get("/proposals/<int:proposal_id>")
@staff_required(*COLLECTORS)
def proposal(proposal_id: int):
    """One proposal: the schedule, the rules it breaks, the budget, and the decisions."""
    return _detail(_proposal(proposal_id))


def _already(proposal_id: int):
    flash(_("This proposal was already decided (or withdrawn): nothing was changed."), "info")
    return redirect(url_for("collector.proposal", proposal_id=proposal_id), code=303)


@bp.post("/proposals/<int:proposal_id>/approve")
@staff_required(*COLLECTORS)
def proposal_approve(proposal_id: int):
    """Approve: the plan starts and the debtor is told."""
    _proposal(proposal_id)
    try:
        review.approve(proposal_id, g.staff)
    except decide.AlreadyDecided:
        return _already(proposal_id)
    except decide.CaseNotPayable:
        flash(_("The case is no longer open or nothing is owed: the plan cannot start."), "error")
        return redirect(url_for("collector.proposal", proposal_id=proposal_id), code=303)
    flash(_("Plan approved. The debtor is told by e-mail."), "success")
    return redirect(url_for("collector.proposals"), code=303)


@bp.post("/proposals/<int:proposal_id>/reject")
@staff_required(*COLLECTORS)
def proposal_reject(proposal_id: int):
    """Reject with reason codes and a message."""
    found = _proposal(proposal_id)
    form = RejectForm(prefix="reject")
    codes = [c for c in request.form.getlist("reasons") if c in review.REASON_CODES]
    if not form.validate_on_submit() or not (codes or (form.text.data or "").strip()):
        form.text.errors = [*form.text.errors, _("Give at least one reason.")]
        return _detail(found, reject_form=form, status=422)
    try:
        review.reject(proposal_id, g.staff, codes, (form.text.data or "").strip())
    except decide.AlreadyDecided:
        return _already(proposal_id)
    flash(_("Proposal rejected. The debtor is told by e-mail."), "success")
    return redirect(url_for("collector.proposals"), code=303)


@bp.post("/proposals/<int:proposal_id>/counter")
@staff_required(*COLLECTORS)
def proposal_counter(proposal_id: int):
    """Counter-propose: preview a schedule (from a count or typed lines), then send it."""
    found = _proposal(proposal_id)
    case = load_case(found.case_id)
    form = CounterForm()
    form.validate()  # lengths; and the error lists the checks below append to
    balance = decide.balance_of(case)
    try:
        frequency = Frequency(form.frequency.data)
    except ValueError:
        frequency = Frequency.MONTHLY
    action = request.form.get("action", "preview")
    rows = editor.rows_from(request.form)
    if action == "add_row":
        return _detail(found, counter_form=form, rows=editor.with_room(rows))
    if action == "generate" or all(row.empty for row in rows):
        first = parse_date_of_birth(form.first_due_on.data or "")
        count = (form.count.data or "").strip()
        if first is None or not count.isdigit() or not 1 <= int(count) <= schedule.MAX_INSTALMENTS:
            form.count.errors.append(
                _(
                    "Give a number of instalments (1 to %(max)s) and a date.",
                    max=schedule.MAX_INSTALMENTS,
                )
            )
            return _detail(found, counter_form=form, rows=rows, status=422)
        try:
            lines = schedule.build(balance, first, frequency, count=int(count))
        except schedule.ScheduleError:
            form.count.errors.append(_("Too many instalments for this amount."))
            return _detail(found, counter_form=form, rows=rows, status=422)
        rows = editor.rows_of(lines, case.currency)
        action = "preview"
    else:
        lines, error = editor.parse(rows, case.currency)
        if error:
            return _detail(found, counter_form=form, rows=rows, schedule_error=error, status=422)
    try:
        review.check_counter_lines(lines, balance, clock.today())
    except review.BadSchedule as exc:
        messages = {
            "sum": _(
                "The amounts must add up to the balance, %(amount)s.",
                amount=str(to_decimal(balance, case.currency)),
            ),
            "dates": _("Dates must be in order, one per instalment, none in the past."),
            "count": _("Give between 1 and %(max)s instalments.", max=schedule.MAX_INSTALMENTS),
        }
        error = messages.get(str(exc), messages["dates"])
        return _detail(found, counter_form=form, rows=rows, schedule_error=error, status=422)
    verdict = evaluate(policy_for(case.creditor), balance, lines, frequency, clock.today())
    if action != "send":
        return _detail(found, counter_form=form, preview=(lines, verdict), rows=rows)
    try:
        review.counter(
            proposal_id,
            g.staff,
            lines,
            frequency,
            request.form.getlist("reasons"),
            (form.text.data or "").strip(),
        )
    except decide.AlreadyDecided:
        return _already(proposal_id)
    flash(_("Counter-offer sent. The debtor is told by e-mail."), "success")
    return redirect(url_for("collector.proposals"), code=303)
