"""The collector's actions on the case page: note, payment received, write-off, line
adjustment, close, contact details, links revoked, assignment. Each is one service call; bad
input or a stale page answers 4xx with the page and its message, and changes nothing."""

from collections.abc import Callable

from flask import flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.collector import bp
from portal.collector import casework_forms as forms
from portal.collector.routes import case_page, load_reference
from portal.domain.casework import ActionNotAllowed
from portal.domain.money import InvalidAmount, parse_amount
from portal.labels import STATUS_LABELS
from portal.models import Role
from portal.security import staff_required
from portal.services.cases.locking import CaseChanged
from portal.services.casework import actions
from portal.services.casework.closing import CloseRefused
from portal.services.casework.money import MoneyChangeRefused
from portal.services.clock import today
from portal.services.escalation import file as escalation
from portal.services.payments import manual

COLLECTORS = (Role.COLLECTOR, Role.ADMIN)
REFUSED = (actions.ActionRefused, MoneyChangeRefused, manual.ManualPaymentRefused, CloseRefused)


def refusal_text(exc: Exception, case) -> str:
    """What went wrong, in the collector's language."""
    if isinstance(exc, CaseChanged):
        return _(
            "Someone else changed this case meanwhile: nothing was changed. "
            "Check the page as it is now and try again."
        )
    if isinstance(exc, ActionNotAllowed):
        return _(
            "Not possible on a case that is %(status)s: nothing was changed.",
            status=str(STATUS_LABELS[exc.status]).lower(),
        )
    return {
        "amount": _("Enter an amount above zero, for example 120,50."),
        "beyond_balance": _("This is more than the balance: nothing was changed."),
        "beyond_line": _("This is more than the line still carries: nothing was changed."),
        "line": _("Choose one of the case's debt lines."),
        "nothing_owed": _("Nothing is owed on this case."),
        "future": _("The payment cannot be dated in the future."),
        "too_old": _("The payment is more than a year old: record it with the accounts team."),
        "method": _("Choose how the money was received."),
        "case_closed": _("Not possible on a closed case: nothing was changed."),
        "duplicate": _("This payment was already recorded (the form was sent twice)."),
        "note": _("Write the note."),
        "date": _("Give the date the money was received."),
        "reason": _("Give the reason."),
        "state": _("The case cannot be closed from its current state."),
        "balance_left": _("Something is still owed: the case cannot be closed as paid."),
        "email": _("Enter a valid e-mail address, or leave it empty."),
        "phone": _("Enter a phone number with digits only (and + . - ( ) spaces)."),
        "address": _("Give the address, the postcode and the city."),
        "no_email": _("The debtor has no e-mail address: add one in the contact details first."),
        "no_letter": _("No letter was sent on this case yet."),
        "disputed": _("The case is disputed: decide the dispute first."),
        "time_barred": _(
            "The debt is possibly time-barred (French Consumer Code, article L218-2): "
            "no court action is suggested."
        ),
        "closed": _("The case is closed."),
        "no_notice": _("Send a formal notice first."),
        "notice_running": _("The formal notice's time to pay has not run out yet."),
    }.get(getattr(exc, "reason", ""), _("Nothing was changed."))


def _act(reference: str, name: str, form_class, run: Callable, done: str):
    """Validate the action's form, run it, and answer: back to the page, or 4xx with why."""
    found = load_reference(reference)
    form = form_class(prefix=name)
    if not form.validate_on_submit():
        return case_page(found, 422, _("Please correct the fields marked below."), **{name: form})
    try:
        run(found, form)
    except (CaseChanged, ActionNotAllowed, escalation.EscalationRefused) as exc:
        return case_page(found, 409, refusal_text(exc, found), **{name: form})
    except REFUSED as exc:
        return case_page(found, 422, refusal_text(exc, found), **{name: form})
    flash(done, "success")
    if request.form.get("back") == "queue":  # a fixed place, never a URL from the request
        return redirect(url_for("collector.queue", **request.args), code=303)
    return redirect(url_for("collector.case", reference=reference, _anchor="actions"), code=303)


def _amount(text: str | None, currency: str, required: bool = True) -> int | None:
    if not (text or "").strip() and not required:
        return None
    try:
        return parse_amount(text or "", currency)
    except InvalidAmount:
        raise actions.ActionRefused("amount") from None


@bp.post("/<reference>/notes")
@staff_required(*COLLECTORS)
def add_note(reference: str):
    """Add a note to the case."""
    return _act(reference, "note", forms.NoteForm,
                lambda c, f: actions.add_note(c.id, g.staff.id, f.body.data, f.seen_version()),
                _("Note added."))  # fmt: skip


@bp.post("/<reference>/payments")
@staff_required(*COLLECTORS)
def record_payment(reference: str):
    """Record a payment received outside the portal, with its numbered receipt."""

    def run(case, form):
        if form.received_on.data is None:
            raise actions.ActionRefused("date")
        given = manual.ManualPayment(
            method=form.method.data or "",
            amount=_amount(form.amount.data, case.currency),
            received_on=form.received_on.data,
            payer_reference=form.payer_reference.data or "",
            key=(form.key.data or "")[:64] or "missing",
        )
        manual.record(case.id, given, g.staff.id, form.seen_version())

    return _act(reference, "payment", forms.ManualPaymentForm, run,
                _("Payment recorded; its receipt is numbered and sent to the debtor."))  # fmt: skip


@bp.post("/<reference>/write-off")
@staff_required(*COLLECTORS)
def write_off(reference: str):
    """Write off part or all of the balance."""

    def run(case, form):
        amount = _amount(form.amount.data, case.currency, required=False)
        actions.write_off(case.id, g.staff.id, amount, form.reason.data, form.seen_version())

    return _act(reference, "writeoff", forms.WriteOffForm, run, _("Amount written off."))


@bp.post("/<reference>/adjust")
@staff_required(*COLLECTORS)
def adjust_line(reference: str):
    """Reduce one debt line."""

    def run(case, form):
        amount = _amount(form.amount.data, case.currency)
        actions.adjust_line(case.id, g.staff.id, form.line.data, amount, form.reason.data,
                            form.seen_version())  # fmt: skip

    return _act(reference, "adjust", forms.AdjustForm, run, _("Debt line adjusted."))


@bp.post("/<reference>/close")
@staff_required(*COLLECTORS)
def close_case(reference: str):
    """Close the case."""
    return _act(reference, "close", forms.CloseForm,
                lambda c, f: actions.close_case(c.id, g.staff.id, f.reason.data, f.note.data or "",
                                                f.seen_version()),
                _("Case closed."))  # fmt: skip


@bp.post("/<reference>/contact")
@staff_required(*COLLECTORS)
def edit_contact(reference: str):
    """Change the debtor's contact details."""

    def run(case, form):
        given = actions.Contact(*(getattr(form, name).data or "" for name in (
            "email", "phone", "address_line1", "address_line2", "postcode", "city")))  # fmt: skip
        actions.edit_contact(case.id, g.staff.id, given, form.seen_version())

    return _act(reference, "contact", forms.ContactForm, run, _("Contact details saved."))


@bp.post("/<reference>/revoke-links")
@staff_required(*COLLECTORS)
def revoke_links(reference: str):
    """Make every e-mail link of the case stop working."""
    return _act(reference, "revoke", forms.ConfirmForm,
                lambda c, f: actions.revoke_links(c.id, g.staff.id, f.seen_version()),
                _("Every link sent so far for this case no longer works."))  # fmt: skip


@bp.post("/<reference>/assign")
@staff_required(*COLLECTORS)
def assign_to_me(reference: str):
    """Assign the case to the collector."""
    return _act(reference, "assign", forms.ConfirmForm,
                lambda c, f: actions.assign_to(c.id, g.staff.id, f.seen_version()),
                _("The case is assigned to you."))  # fmt: skip


@bp.app_template_global()
def casework_panel(case, given: dict) -> dict:
    """The action forms of the staff case page, with the case's version (and a form sent
    back after a refusal, as it was)."""
    built = {
        "note": given.get("note") or forms.NoteForm(formdata=None, prefix="note"),
        "payment": given.get("payment") or forms.ManualPaymentForm(formdata=None, prefix="payment"),
        "writeoff": given.get("writeoff") or forms.WriteOffForm(formdata=None, prefix="writeoff"),
        "adjust": given.get("adjust") or forms.AdjustForm(formdata=None, prefix="adjust"),
        "close": given.get("close") or forms.CloseForm(formdata=None, prefix="close"),
        "contact": given.get("contact") or _contact_form(case),
        "revoke": forms.ConfirmForm(formdata=None, prefix="revoke"),
        "assign": forms.ConfirmForm(formdata=None, prefix="assign"),
        "resendlink": forms.ConfirmForm(formdata=None, prefix="resendlink"),
        "resendletter": forms.ConfirmForm(formdata=None, prefix="resendletter"),
        "notice": forms.ConfirmForm(formdata=None, prefix="notice"),
        "escalate": forms.ConfirmForm(formdata=None, prefix="escalate"),
    }
    for form in built.values():
        form.version.data = str(case.version)
    if "payment" not in given:
        built["payment"].fresh_key()
        built["payment"].received_on.data = today()
    built["adjust"].line.choices = [SelectChoice(x.id, x.document_number) for x in case.debt_lines]
    return built


def _contact_form(case):
    form = forms.ContactForm(formdata=None, prefix="contact")
    for name in ("email", "phone", "address_line1", "address_line2", "postcode", "city"):
        getattr(form, name).data = getattr(case.debtor, name) or ""
    return form


@bp.get("/<reference>/escalation.pdf")
@staff_required(*COLLECTORS)
def escalation_file(reference: str):
    """The order-for-payment file as a PDF, or why there is none (409)."""
    found = load_reference(reference)
    try:
        pdf = escalation.escalation_pdf(found, g.staff.id)
    except escalation.EscalationRefused as exc:
        return case_page(found, 409, _("No escalation file: %(why)s", why=refusal_text(exc, found)))
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="escalation-{found.reference}.pdf"'
    )
    return response
