"""The debtor pays a settlement offer: the case page shows it (amount and deadline); its
"Pay X now" button posts here and goes to the hosted Checkout. The case is settled only when
the provider's event says the money arrived (services/settlements/apply)."""

from flask import make_response, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Regexp

from portal.debtor import bp, current_case
from portal.debtor.payments import provider_trouble_page, with_checkout_csp
from portal.domain.payments import AmountRefused, PaymentStatus
from portal.gateway.contract import GatewayError
from portal.i18n import current_language
from portal.security import debtor_required
from portal.services.settlements import offers


class SettlementPayForm(FlaskForm):
    """The offer shown (its id or `policy`) and its amount, so a changed offer is refused."""

    offer = HiddenField(validators=[DataRequired(), Regexp(r"^(policy|\d{1,12})$")])
    amount = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,15}$")])
    nonce = HiddenField(validators=[DataRequired(), Length(max=40)])


def _gone(case, status: int = 409):
    return render_template("debtor/settlement_gone.html", case=case), status


@bp.post("/settlement/pay")
@debtor_required
def settlement_pay():
    """Go to the hosted Checkout for the offer's amount, if the offer is still the one shown."""
    case = current_case()
    form = SettlementPayForm()
    if not form.validate_on_submit():
        return _gone(case, 400)
    try:
        payment = offers.start_payment(
            case,
            form.offer.data,
            int(form.amount.data),
            nonce=form.nonce.data,
            success_url=lambda pid: url_for(
                "debtor.payment_status", payment_id=pid, _external=True
            ),
            cancel_url=url_for("debtor.case", _external=True),
            language=current_language(),
            ip=request.remote_addr,
        )
    except (offers.OfferGone, AmountRefused):
        return _gone(case)
    except GatewayError:
        return provider_trouble_page(case)
    if payment.status == PaymentStatus.FAILED or not payment.checkout_url:
        return provider_trouble_page(case)
    return with_checkout_csp(make_response("", 303, {"Location": payment.checkout_url}))
