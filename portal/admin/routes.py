"""Admin pages: the index, staff users, the agency's identity, the audit log."""

import datetime as dt

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.admin import bp
from portal.admin.forms import ActionForm, AgencyForm, InviteForm
from portal.collector.routes import page_arg
from portal.models import Role
from portal.security import BIGINT_MAX, staff_required
from portal.services.admin import AdminError, audit_log, creditors, staff_users
from portal.services.admin import agency as agency_service

admin_only = staff_required(Role.ADMIN)


def error_message(error: AdminError) -> str:
    """The user's-language message for an AdminError."""
    return {
        "required": _("This field is required."),
        "siren_invalid": _("This SIREN is not valid: 9 digits whose check digit (Luhn) is right."),
        "siren_taken": _("Another creditor already has this SIREN."),
        "email_invalid": _("This e-mail address is not valid."),
        "email_taken": _("A staff user already has this e-mail address."),
        "iban_invalid": _("This IBAN is not valid (its check digits do not match)."),
        "bic_invalid": _("A BIC has 8 or 11 letters and digits."),
        "currency_invalid": _("Choose a currency from the list."),
        "currency_locked": _("The currency cannot change once the creditor has cases."),
        "factor_invalid": _("Choose what debtors give to log in."),
        "rate_invalid": _("Give a commission rate between 0 and 100 %, e.g. 12.5."),
        "creditor_needed": _("A creditor user needs a creditor."),
        "not_yourself": _("You cannot deactivate your own account."),
        "not_your_own_role": _("You cannot change your own role: ask another administrator."),
        "no_such_user": _("This staff user does not exist."),
        "no_such_creditor": _("This creditor does not exist."),
    }.get(error.message, _("This value is not valid."))


def _ip() -> str:
    return request.remote_addr or "unknown"


@bp.get("/")
@admin_only
def index():
    """The administration's sections."""
    return render_template("admin/index.html")


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users():
    """Staff users, and the form to invite one."""
    form = InviteForm()
    form.creditor_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(c.id), c.legal_name) for c in creditors.list_creditors()
    ]
    if form.validate_on_submit():
        try:
            creditor_id = int(form.creditor_id.data) if form.creditor_id.data else None
            user = staff_users.invite(g.staff, form.email.data, form.name.data,
                                      Role(form.role.data), creditor_id, form.language.data,
                                      ip=_ip())  # fmt: skip
        except AdminError as exc:
            getattr(form, exc.field or "email").errors.append(error_message(exc))
        else:
            flash(_("%(email)s is invited: an e-mail with a link to set a password is on its way.",
                    email=user.email), "success")  # fmt: skip
            return redirect(url_for("admin.users"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/users.html", form=form, users=staff_users.list_users(), action=ActionForm()
    ), status


@bp.post("/users/<int:user_id>/<any(deactivate, reactivate, 'reset-second-factor'):what>")
@admin_only
def user_action(user_id: int, what: str):
    """Deactivate (ends their sessions), reactivate, or reset the second factor."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if what == "reset-second-factor":
            staff_users.reset_second_factor(g.staff, user_id, ip=_ip())
            flash(_("The second factor is removed; a new one is asked at the next login."),
                  "success")  # fmt: skip
        else:
            staff_users.set_active(g.staff, user_id, what == "reactivate", ip=_ip())
            flash(_("Done."), "success")
    except AdminError as exc:
        if exc.message == "no_such_user":
            abort(404)
        flash(error_message(exc), "error")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/agency", methods=["GET", "POST"])
@admin_only
def agency():
    """The agency's identity, the source of the legal mentions on every notice."""
    current = agency_service.current_agency()
    form = AgencyForm(data=agency_service.values_of(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            agency_service.save_agency(g.staff, form.data, ip=_ip())
        except AdminError as exc:
            getattr(form, exc.field or "legal_name").errors.append(error_message(exc))
        else:
            flash(_("The agency's identity is saved."), "success")
            return redirect(url_for("admin.agency"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/agency.html", form=form), status


def _filters() -> audit_log.Filters:
    args = request.args

    def number(name):
        value = args.get(name, type=int)
        return value if value is not None and 0 < value <= BIGINT_MAX else None

    def day(name):
        try:
            return dt.date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    kind = args.get("actor_kind") or None
    case_id = None
    if args.get("case"):
        case_id = audit_log.case_id_of(args["case"]) or 0  # an unknown reference shows nothing
    return audit_log.Filters(
        staff_user_id=number("staff"),
        actor_kind=kind if kind in ("debtor", "staff", "system", "stripe") else None,
        action=(args.get("action") or "")[:64] or None,
        case_id=case_id,
        since=day("since"),
        until=day("until"),
    )


@bp.get("/audit")
@admin_only
def audit():
    """The audit log, newest first, filtered by actor, action and date."""
    filters, page = _filters(), page_arg()
    rows, total = audit_log.search(filters, page)
    return render_template(
        "admin/audit.html",
        rows=rows,
        total=total,
        page=page,
        page_size=audit_log.PAGE_SIZE,
        filters=filters,
        actions=audit_log.actions(),
        users=staff_users.list_users(),
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/audit.csv")
@admin_only
def audit_csv():
    """The filtered audit log as CSV (formula-looking cells escaped)."""
    chunks = stream_with_context(audit_log.csv_rows(_filters()))
    return Response(
        chunks,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )
