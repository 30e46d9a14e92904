"""Admin page of a creditor's settlement policy: bands by balance, each a discount for payment
in full within a number of days; Preview shows what a sample balance would be offered."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.admin import bp
from portal.admin.creditors import _creditor, _ip
from portal.admin.forms import ActionForm
from portal.admin.routes import admin_only
from portal.domain.money import InvalidAmount, parse_amount
from portal.domain.settlement import MAX_DAYS
from portal.extensions import db
from portal.services.clock import today
from portal.services.settlements import policy as settlement_policy

FIELDS = ("from", "to", "percent", "days")


def _rows(form) -> list[dict]:
    rows, n = [], 0
    while f"band-{n}-from" in form:
        rows.append({k: form.get(f"band-{n}-{k}", "").strip()[:20] for k in FIELDS})
        n += 1
    return rows[:50]


def _error(exc: settlement_policy.SettlementPolicyInvalid) -> str:
    where = _("Band %(n)s: ", n=exc.row + 1) if exc.row is not None else ""
    return where + {
        "overlap": _("Bands overlap: each balance may fall in one band at most. Give each band "
                     "its own range (a band without an upper end must be the last one)."),
        "ends": _("the upper end must not be below the lower end."),
        "discount": _("the discount must be more than 0 and less than 100 percent."),
        "days": _("the days to pay must be from 1 to %(days)d.", days=MAX_DAYS),
        "number": _("fill in amounts such as 500,00, a discount such as 10 and a number of days."),
    }[exc.reason]  # fmt: skip


@bp.route("/creditors/<int:creditor_id>/settlement", methods=["GET", "POST"])
@admin_only
def creditor_settlement(creditor_id: int):
    """The settlement policy as a form; Preview shows a sample balance's offer, Save keeps it."""
    found = _creditor(creditor_id)
    form, error, preview, status = ActionForm(), None, None, 200
    rows = settlement_policy.to_rows(settlement_policy.bands_of(found.id), found.currency)
    sample = request.form.get("sample", "").strip()[:20]
    if form.validate_on_submit():
        rows = _rows(request.form)
        try:
            if request.form.get("action") == "save":
                settlement_policy.save(g.staff, found, rows, ip=_ip())
                flash(_("The settlement policy is saved."), "success")
                return redirect(url_for("admin.creditor_settlement", creditor_id=found.id),
                                code=303)  # fmt: skip
            bands = settlement_policy.parse_rows(rows, found.currency)
            balance = parse_amount(sample, found.currency)
            preview = settlement_policy.preview(bands, balance, today()) or "none"
        except settlement_policy.SettlementPolicyInvalid as exc:
            db.session.rollback()
            error, status = _error(exc), 422
        except InvalidAmount:
            error, status = _("Give a sample balance, e.g. 750.00."), 422
    elif request.method == "POST":
        abort(400)
    return render_template(
        "admin/settlement_policy.html", creditor=found, form=form, rows=rows, error=error,
        preview=preview, sample=sample, today=today(),
    ), status  # fmt: skip
