"""The debtor's payment plan: propose (preview, review, confirm), withdraw, answer, download."""

import datetime as dt
from dataclasses import dataclass

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from portal.debtor import bp, current_case
from portal.debtor.plan_forms import ConsentForm, EmptyForm, PlanForm
from portal.domain import schedule
from portal.domain.budget import Suggestion, suggest_plan
from portal.domain.factors import parse_date_of_birth
from portal.domain.money import to_decimal
from portal.domain.plan_states import Frequency
from portal.domain.policy import Outcome
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Plan
from portal.security import debtor_required
from portal.services import clock
from portal.services.cases.overview import the_agency
from portal.services.plans import current as plans
from portal.services.plans import decide
from portal.services.plans.pdf import schedule_pdf
from portal.services.plans.policy import policy_for


@bp.app_context_processor
def _plan_summary():
    # A callable: the query runs only on the pages that show plans.
    return {"plan_summary": plans.summary, "AGREEMENT_VERSION": decide.AGREEMENT_VERSION}


def _client():
    return decide.Consent(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))


def _form_state(case, form: PlanForm, action: str):
    """Validate the form and build the preview; returns (status, preview, suggestion)."""
    balance = decide.balance_of(case)
    suggestion = None
    form.validate()  # lengths; and the error lists the checks below append to
    budget = form.budget(case.currency)
    if action == "budget":
        if budget is None:
            if not form.income.errors and not form.expenses.errors:
                form.income.errors.append(_("Enter your monthly income and expenses."))
            return 422, None, None
        suggestion = _budget_advice(case, form, balance, schedule.affordable_instalment(*budget))
        if suggestion.plan is None:
            return 200, None, suggestion
    plan_request = form.plan_request(case.currency, clock.today(), balance)
    if plan_request is None or form.income.errors or form.expenses.errors:
        return 422, None, suggestion
    try:
        result = decide.preview(case, plan_request)
    except schedule.ScheduleError:
        form.count.errors.append(_("Too many instalments for this amount."))
        return 422, None, suggestion
    return 200, result, suggestion


@dataclass(frozen=True)
class BudgetAdvice:
    """What the budget helper found: the affordable monthly amount and a plan that fits both
    the budget and the creditor's policy (None when no such plan exists)."""

    affordable: int
    plan: Suggestion | None


def _budget_advice(case, form: PlanForm, balance: int, affordable: int) -> BudgetAdvice:
    """Look for a plan within the budget that is approved at once; put it in the form."""
    today = clock.today()
    first = parse_date_of_birth(form.first_due_on.data or "")
    if first is None or first < today:
        first = today + dt.timedelta(days=7)
    plan = suggest_plan(policy_for(case.creditor), balance, affordable, first, today)
    if plan is not None:
        form.mode.data = "count"
        form.count.data = str(plan.count)
        form.frequency.data = Frequency.MONTHLY.value
        form.first_due_on.data = first.strftime("%d/%m/%Y")
        form.first_amount.data = str(plan.first_amount) if plan.first_amount else ""
    elif affordable > 0:  # what the debtor can afford, for a proposal a collector reviews
        form.mode.data = "amount"
        form.amount.data = str(to_decimal(affordable, case.currency)).replace(".", ",")
    return BudgetAdvice(affordable, plan)


@bp.route("/case/plan", methods=["GET", "POST"])
@debtor_required
def plan_propose():
    """Propose a plan: the form, the schedule preview with the agreement, then confirmation."""
    case = current_case()
    summary = plans.summary(case.id)
    if case.status != CaseStatus.OPEN or summary.pending or summary.counter or summary.live:
        flash(_("A payment plan cannot be proposed on this case now."), "info")
        return redirect(url_for("debtor.case"), code=303)
    form = PlanForm()
    status, result, suggestion = 200, None, None
    if request.method == "GET":
        form.first_due_on.data = (clock.today() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    else:
        action = request.form.get("action", "preview")
        status, result, suggestion = _form_state(case, form, action)
        if action == "confirm" and result is not None:
            done = _confirm(case, form, result)
            if done is not None:
                return done
            status = 422
    context = {
        "form": form,
        "case": case,
        "result": result,
        "suggestion": suggestion,
        "review": result is not None and result.verdict.outcome is not Outcome.REFUSED,
        "balance": decide.balance_of(case),
        "agency": the_agency(),
    }
    return render_template("debtor/plan_form.html", **context), status


def _confirm(case, form: PlanForm, result):
    """Send the proposal; a redirect on success, None (with an error on the form) otherwise."""
    if result.verdict.outcome is Outcome.REFUSED:
        return None
    if not form.consent.data:
        form.consent.errors.append(_("Tick the box to accept the agreement, or change the plan."))
        return None
    plan_request = form.plan_request(case.currency, clock.today(), result.balance)
    try:
        proposal = decide.propose(case, plan_request, _client(), form.budget(case.currency))
    except decide.PolicyRefused:
        return None
    except (decide.PlanAlreadyOpen, decide.CaseNotPayable):
        flash(_("A payment plan cannot be proposed on this case now."), "info")
        return redirect(url_for("debtor.case"), code=303)
    if proposal.status == "approved":
        flash(_("Your payment plan is accepted. The schedule is on this page."), "success")
    else:
        flash(
            _("Your proposal is sent. A collector will answer it within two working days."),
            "success",
        )
    return redirect(url_for("debtor.case", _anchor="plan"), code=303)


@bp.post("/case/plan/preview")
@debtor_required
def plan_preview():
    """The live preview for the script: the preview fragment as JSON."""
    case = current_case()
    form = PlanForm()
    status, result, suggestion = _form_state(case, form, "preview")
    errors = {f.name: [str(e) for e in f.errors] for f in form if f.errors}
    html = render_template(
        "debtor/plan_preview.html", form=form, case=case, result=result, live=True
    )
    return jsonify({"ok": result is not None, "html": html, "errors": errors}), status


@bp.post("/case/plan/<int:proposal_id>/withdraw")
@debtor_required
def plan_withdraw(proposal_id: int):
    """Withdraw a pending proposal."""
    case = current_case()
    EmptyForm().validate_on_submit()
    try:
        decide.withdraw(case, proposal_id, ip=request.remote_addr)
    except decide.NotFound:
        abort(404)
    except decide.AlreadyDecided:
        flash(_("This proposal was already decided: see its status below."), "info")
    else:
        flash(_("Your proposal is withdrawn."), "success")
    return redirect(url_for("debtor.case"), code=303)


@bp.post("/case/plan/<int:proposal_id>/answer")
@debtor_required
def plan_answer(proposal_id: int):
    """Accept (with consent) or decline a collector's counter-offer."""
    case = current_case()
    form = ConsentForm()
    accept = request.form.get("answer") == "accept"
    if accept and not (form.validate_on_submit() and form.consent.data):
        flash(_("Tick the box to accept the agreement before accepting the plan."), "error")
        return redirect(url_for("debtor.case", _anchor="plan"), code=303)
    try:
        decide.answer_counter(case, proposal_id, accept, _client())
    except decide.NotFound:
        abort(404)
    except decide.AlreadyDecided:
        flash(_("This proposal was already answered: see its status below."), "info")
    except decide.CaseNotPayable:
        flash(_("A payment plan cannot be started on this case now."), "info")
    else:
        if accept:
            flash(_("Your payment plan is agreed. The schedule is on this page."), "success")
        else:
            flash(_("You declined the proposal. You can propose another plan."), "success")
    return redirect(url_for("debtor.case"), code=303)


@bp.get("/case/plans/<int:plan_id>.pdf")
@debtor_required
def plan_pdf(plan_id: int):
    """The plan's schedule (échéancier) as a PDF."""
    case = current_case()
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.case_id != case.id:
        abort(404)
    response = make_response(schedule_pdf(case, plan))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="echeancier-{case.reference}-{plan.id}.pdf"'
    )
    return response
