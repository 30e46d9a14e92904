"""Admin pages for creditors: identity and settings, plan policy with a preview, reminders."""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.admin import bp
from portal.admin.forms import ActionForm, CreditorForm
from portal.admin.routes import admin_only, error_message
from portal.domain.money import InvalidAmount, parse_amount
from portal.domain.plan_states import Frequency
from portal.domain.reminders import SequenceError, Step, StepChannel, StepTemplate, Tone
from portal.extensions import db
from portal.models import Creditor
from portal.services.admin import AdminError, creditors
from portal.services.plans import policy as plan_policy
from portal.services.reminders import controls

STEP_FIELDS = ("offset", "channel", "template", "tone")
BAND_PAIRS = ("max_count", "min_instalment", "max_duration_days", "min_first_percent",
              "first_due_days")  # fmt: skip


def _creditor(creditor_id: int) -> Creditor:
    found = db.session.get(Creditor, creditor_id)
    if found is None:
        abort(404)
    return found


def _ip() -> str:
    return request.remote_addr or "unknown"


def _rate_bp(text: str) -> int | None:
    """'12,5' -> 1250 basis points; None when not a number with at most two decimals."""
    try:
        value = Decimal((text or "0").strip().replace(",", ".").rstrip("%").strip()) * 100
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else None


@bp.get("/creditors")
@admin_only
def creditor_list():
    """Every creditor."""
    return render_template("admin/creditors.html", creditors=creditors.list_creditors())


@bp.route("/creditors/new", methods=["GET", "POST"], defaults={"creditor_id": None})
@bp.route("/creditors/<int:creditor_id>", methods=["GET", "POST"])
@admin_only
def creditor(creditor_id: int | None):
    """A creditor's identity and settings (a new one when no id)."""
    found = _creditor(creditor_id) if creditor_id is not None else None
    data = None
    if request.method == "GET" and found is not None:
        data = creditors.identity_of(found)
        data["commission_rate"] = str(Decimal(found.commission_rate_bp) / 100)
    form = CreditorForm(data=data)
    if form.validate_on_submit():
        values = {**form.data, "commission_rate_bp": _rate_bp(form.commission_rate.data)}
        try:
            saved = creditors.save_identity(g.staff, creditor_id, values, ip=_ip())
        except AdminError as exc:
            field = "commission_rate" if exc.field == "commission_rate_bp" else exc.field
            getattr(form, field or "legal_name").errors.append(error_message(exc))
            db.session.rollback()
        else:
            flash(_("The creditor is saved."), "success")
            return redirect(url_for("admin.creditor", creditor_id=saved.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/creditor.html", form=form, creditor=found), status


def _policy_data(form) -> dict:
    bands, n = [], 0
    while f"band-{n}-from" in form:
        prefix, n = f"band-{n}-", n + 1
        values = {k: form.get(prefix + k, "").strip() for k in ("from",)}
        if not values["from"] and not form.get(prefix + "max_count-auto", "").strip():
            continue  # the empty row for a new band
        band = {"from": values["from"] or "0"}
        for key in BAND_PAIRS:
            band[key] = [form.get(f"{prefix}{key}-auto", ""), form.get(f"{prefix}{key}-hard", "")]
        band["frequencies"] = [
            form.getlist(prefix + "freq-auto"),
            form.getlist(prefix + "freq-hard"),
        ]
        bands.append(band)
    return {
        "grace_days": form.get("grace_days", "5"),
        "break_after_days": form.get("break_after_days", "15"),
        "bands": bands,
    }


def _policy_error(error: plan_policy.PolicyInvalid) -> str:
    text = str(error)
    if text.startswith("bands:"):
        return _(
            "Bands overlap or none starts at 0: give each band its own starting balance, "
            "one of them 0."
        )
    if text.startswith("frequencies"):
        return _(
            "Each band needs at least one frequency, and the automatic ones must be allowed "
            "with a collector too."
        )
    if text.startswith(("grace", "break")):
        return _("Days must be whole numbers, 0 or more.")
    return _(
        "A band is not valid: automatic limits must be within the collector's limits, "
        "amounts and numbers must be filled in (%(detail)s).",
        detail=text,
    )


@bp.route("/creditors/<int:creditor_id>/policy", methods=["GET", "POST"])
@admin_only
def creditor_policy(creditor_id: int):
    """The plan policy as a form; Preview shows what a sample balance gets, Save keeps it."""
    found = _creditor(creditor_id)
    form, error, preview = ActionForm(), None, None
    data = plan_policy.to_data(plan_policy.policy_for(found), found.currency)
    sample = request.form.get("sample", "")
    status = 200
    if form.validate_on_submit():
        data = _policy_data(request.form)
        try:
            if request.form.get("action") == "save":
                creditors.save_policy_form(g.staff, found, data, ip=_ip())
                flash(_("The plan policy is saved."), "success")
                return redirect(url_for("admin.creditor_policy", creditor_id=found.id), code=303)
            balance = parse_amount(sample, found.currency)
            preview = creditors.preview_policy(data, found.currency, balance)
        except plan_policy.PolicyInvalid as exc:
            db.session.rollback()
            error, status = _policy_error(exc), 422
        except InvalidAmount:
            error, status = _("Give a sample balance, e.g. 750.00."), 422
    elif request.method == "POST":
        abort(400)
    return render_template(
        "admin/policy.html", creditor=found, form=form, data=data, error=error,
        preview=preview, sample=sample, frequencies=list(Frequency),
    ), status  # fmt: skip


@bp.route("/creditors/<int:creditor_id>/reminders", methods=["GET", "POST"])
@admin_only
def creditor_reminders(creditor_id: int):
    """The reminder sequence as a form: one line per step, in order, each on its own day."""
    found = _creditor(creditor_id)
    form, error, status = ActionForm(), None, 200
    steps = [
        {"offset": s.offset_days, "channel": s.channel, "template": s.template, "tone": s.tone}
        for s in controls.sequence_of(found.id)
    ]
    if form.validate_on_submit():
        steps = _step_rows(request.form)
        try:
            parsed = [_step(row) for row in steps]
            creditors.save_steps(g.staff, found, parsed, ip=_ip())
        except (ValueError, SequenceError) as exc:
            db.session.rollback()
            error, status = _sequence_error(exc), 422
        else:
            flash(_("The reminder sequence is saved."), "success")
            return redirect(url_for("admin.creditor_reminders", creditor_id=found.id), code=303)
    elif request.method == "POST":
        abort(400)
    return render_template(
        "admin/reminders.html", creditor=found, form=form, steps=steps, error=error,
        channels=list(StepChannel), templates=list(StepTemplate), tones=list(Tone),
    ), status  # fmt: skip


def _step(row: dict) -> Step:
    template, tone = StepTemplate(row["template"]), Tone(row["tone"])
    return Step(int(row["offset"]), StepChannel(row["channel"]), template, tone)


def _step_rows(form) -> list[dict]:
    rows, n = [], 0
    while f"step-{n}-offset" in form:
        prefix, n = f"step-{n}-", n + 1
        row = {
            k: form.get(prefix + k, "").strip() for k in ("offset", "channel", "template", "tone")
        }
        if row["offset"]:
            rows.append(row)
    return rows


def _sequence_error(error: Exception) -> str:
    text = str(error)
    if "first step" in text or "first notice" in text:
        return _("The first step is the first notice, on day 0; no other step is a first notice.")
    if "rise" in text:
        return _(
            "Steps must be in order, each on a later day than the one before "
            "(never two on the same day)."
        )
    if "at least one" in text:
        return _("A sequence needs at least one step.")
    return _(
        "Each step needs a whole number of days, and a channel, template and tone from the lists."
    )
