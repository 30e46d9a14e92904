"""The collector's settlement offer on the case page: a one-off amount by a deadline (it
replaces any open offer, the creditor's policy's included), or the open offer withdrawn. The
offers made, with their state, show on the staff case page (creditors see them too)."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from portal.collector import bp
from portal.collector.casework import COLLECTORS, refusal_text
from portal.collector.casework_forms import VersionedForm
from portal.collector.routes import case_page, load_reference
from portal.domain.casework import ActionNotAllowed
from portal.domain.money import InvalidAmount, parse_amount
from portal.domain.settlement import MAX_DAYS, OfferInvalid
from portal.security import staff_required
from portal.services.cases.locking import CaseChanged
from portal.services.settlements import offers


class SettlementOfferForm(VersionedForm):
    """A one-off settlement offer."""

    amount = StringField(
        _l("Amount to pay"),
        validators=[Optional(), Length(max=20)],
        description=_l("Less than the balance; the rest is written off when it is paid."),
    )
    deadline = DateField(_l("To be paid by"), validators=[Optional()])


class WithdrawForm(VersionedForm):
    """Withdraw the open offer (CSRF and version only)."""


def _message(exc: Exception, case) -> str:
    if isinstance(exc, OfferInvalid):
        return {
            "amount": _("Enter an amount above zero and below the balance, for example 450,00."),
            "deadline": _("Give a deadline from today to %(days)d days ahead.", days=MAX_DAYS),
            "nothing_owed": _("Nothing is owed on this case."),
        }[exc.reason]
    if isinstance(exc, offers.OfferGone):
        return _("There is no open offer on this case: nothing was changed.")
    return refusal_text(exc, case)


def _run(reference: str, name: str, form, action, done: str):
    found = load_reference(reference)
    if not form.validate_on_submit():
        return case_page(found, 422, _("Please correct the fields marked below."), **{name: form})
    try:
        action(found, form)
    except (CaseChanged, ActionNotAllowed) as exc:
        return case_page(found, 409, _message(exc, found), **{name: form})
    except (OfferInvalid, offers.OfferGone) as exc:
        return case_page(found, 422, _message(exc, found), **{name: form})
    flash(done, "success")
    return redirect(url_for("collector.case", reference=reference, _anchor="settlement"), code=303)


@bp.post("/<reference>/settlement-offer")
@staff_required(*COLLECTORS)
def make_settlement_offer(reference: str):
    """Offer to settle the case for an amount paid by a deadline."""

    def run(case, form):
        try:
            amount = parse_amount(form.amount.data or "", case.currency)
        except InvalidAmount:
            raise OfferInvalid("amount") from None
        if form.deadline.data is None:
            raise OfferInvalid("deadline")
        offers.make_offer(case.id, g.staff.id, amount, form.deadline.data, form.seen_version())

    return _run(reference, "settlement", SettlementOfferForm(prefix="settlement"), run,
                _("Settlement offer made: the debtor sees it on the case page."))  # fmt: skip


@bp.post("/<reference>/settlement-offer/withdraw")
@staff_required(*COLLECTORS)
def withdraw_settlement_offer(reference: str):
    """Withdraw the case's open offer."""
    return _run(reference, "settlement_withdraw", WithdrawForm(prefix="settlement_withdraw"),
                lambda case, form: offers.withdraw(case.id, g.staff.id, form.seen_version()),
                _("Settlement offer withdrawn."))  # fmt: skip


@bp.app_template_global()
def settlement_panel(case, given: dict | None = None) -> dict:
    """The offers made on the case (newest first), the live one, and the collector's forms."""
    given = given or {}
    panel = {
        "offers": offers.offers_of(case.id),
        "live": offers.live_offer(case),
        "form": given.get("settlement") or SettlementOfferForm(formdata=None, prefix="settlement"),
        "withdraw": WithdrawForm(formdata=None, prefix="settlement_withdraw"),
    }
    panel["form"].version.data = panel["withdraw"].version.data = str(case.version)
    return panel
