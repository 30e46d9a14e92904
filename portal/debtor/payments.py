"""The debtor pays online: choose what to pay, go to the hosted checkout, come back to a page
that says "being confirmed" until the provider's webhook arrives, then shows the receipt."""

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from portal.debtor import bp, current_case
from portal.domain.money import InvalidAmount, TooManyDecimals, parse_amount
from portal.domain.payments import (
    AboveBalance,
    AmountRefused,
    BelowMinimum,
    PaymentPurpose,
    PaymentStatus,
)
from portal.errors import render_error
from portal.gateway.contract import GatewayError
from portal.i18n import current_language, money
from portal.security import CSP, debtor_required
from portal.services.payments import checkout as payment_service
from portal.services.payments import methods, receipts


class PayForm(FlaskForm):
    """What to pay: everything, a chosen amount, or the next instalment."""

    choice = StringField(
        _l("What do you want to pay?"),
        validators=[
            DataRequired(_l("Choose what to pay.")),
            AnyOf([p.value for p in PaymentPurpose], message=_l("Choose what to pay.")),
        ],
    )
    amount = StringField(_l("Amount"), validators=[Length(max=20)])
    nonce = HiddenField(validators=[DataRequired(), Length(max=40)])


class SetupForm(FlaskForm):
    """Save a card or SEPA mandate for the plan's instalments (CSRF only)."""


def with_checkout_csp(response):
    """Allow this page's form to lead to the hosted checkout (Chrome applies form-action to the
    redirect that follows a POST)."""
    origin = current_app.config["STRIPE_CHECKOUT_ORIGIN"]
    response.headers["Content-Security-Policy"] = CSP.replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return response


def _refused_message(exc: AmountRefused, opts, currency: str) -> str:
    if isinstance(exc, AboveBalance):
        return _("This is more than you owe. Enter at most %(max)s.",
                 max=money(opts.balance, currency))  # fmt: skip
    if isinstance(exc, BelowMinimum):
        return _("The smallest amount you can pay online is %(min)s.",
                 min=money(opts.minimum, currency))  # fmt: skip
    return _("There is nothing to pay on this case.")


def provider_trouble_page(case):
    """The "try again" page when the provider timed out or failed; nothing was taken."""
    return render_template("debtor/pay_error.html", case=case), 503


@bp.route("/pay", methods=["GET", "POST"])
@debtor_required
def pay():
    """Choose what to pay, then go to the provider's hosted checkout page."""
    case = current_case()
    opts = payment_service.options(case)
    form = PayForm()
    error = None
    if request.method == "POST" and not opts.can_pay:
        form.validate()  # CSRF still checked by the extension before we get here
        return render_template("debtor/pay_choose.html", form=form, o=opts, case=case), 409
    if opts.can_pay and form.validate_on_submit():
        purpose = PaymentPurpose(form.choice.data)
        amount = None
        try:
            if purpose is PaymentPurpose.PARTIAL:
                amount = parse_amount(form.amount.data or "", case.currency)
            payment = payment_service.start_checkout(
                case,
                purpose,
                amount,
                nonce=form.nonce.data,
                success_url=lambda pid: url_for(
                    "debtor.payment_status", payment_id=pid, _external=True
                ),
                cancel_url=url_for("debtor.pay", _external=True),
                language=current_language(),
                ip=request.remote_addr,
            )
        except TooManyDecimals:
            form.amount.errors.append(_("Use at most two decimals, for example 25,50."))
        except InvalidAmount:
            form.amount.errors.append(_("Enter an amount, for example 25,50."))
        except AmountRefused as exc:
            form.amount.errors.append(_refused_message(exc, opts, case.currency))
        except GatewayError:
            return provider_trouble_page(case)
        else:
            if payment.status == PaymentStatus.FAILED or not payment.checkout_url:
                return provider_trouble_page(case)
            return with_checkout_csp(make_response("", 303, {"Location": payment.checkout_url}))
        error = _("Please check the amount.")
    if request.method == "GET" or not form.nonce.data:
        form.nonce.data = payment_service.new_nonce()
        form.choice.data = "instalment" if opts.instalment else "full"
    status = 422 if request.method == "POST" else 200
    html = render_template(
        "debtor/pay_choose.html",
        form=form,
        o=opts,
        case=case,
        error=error,
        method=methods.saved_method(case.id) if opts.instalment else None,
        setup_form=SetupForm(),
    )
    return with_checkout_csp(make_response(html, status))


@bp.get("/pay/payments/<int:payment_id>")
@debtor_required
def payment_status(payment_id: int):
    """Being confirmed (refreshing itself) until the webhook arrives; then received or failed."""
    case = current_case()
    payment = payment_service.payment_of_case(case.id, payment_id)
    if payment is None:
        abort(404)
    response = make_response(
        render_template(
            "debtor/pay_status.html",
            case=case,
            payment=payment,
            receipt=receipts.receipt_for(payment.id),
        )
    )
    waiting = {PaymentStatus.PENDING: "2", PaymentStatus.PROCESSING: "10"}
    if payment.status in waiting:  # reload without JavaScript until the webhook arrives
        response.headers["Refresh"] = waiting[PaymentStatus(payment.status)]
    return response


@bp.get("/pay/receipts/<int:payment_id>.pdf")
@debtor_required
def receipt_pdf(payment_id: int):
    """The payment's numbered receipt as a PDF."""
    case = current_case()
    payment = payment_service.payment_of_case(case.id, payment_id)
    receipt = receipts.receipt_for(payment.id) if payment else None
    if receipt is None:
        abort(404)
    response = make_response(receipts.pdf(receipt, case, str(get_locale())))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{receipt.number}.pdf"'
    return response


@bp.route("/pay/method", methods=["GET", "POST"])
@debtor_required
def payment_method():
    """Save a card or SEPA mandate so the plan's instalments are charged automatically."""
    case = current_case()
    in_plan = payment_service.options(case).instalment is not None
    form = SetupForm()
    if form.validate_on_submit() and not in_plan:
        return render_error(409, _("Saving a payment method is for instalment plans."))
    if form.validate_on_submit():
        try:
            url = methods.start_setup(
                case,
                success_url=url_for("debtor.payment_method", done=1, _external=True),
                cancel_url=url_for("debtor.pay", _external=True),
                language=current_language(),
            )
        except GatewayError:
            return provider_trouble_page(case)
        return with_checkout_csp(make_response("", 303, {"Location": url}))
    html = render_template(
        "debtor/pay_method.html",
        case=case,
        form=form,
        method=methods.saved_method(case.id),
        done=request.args.get("done") == "1",
        in_plan=in_plan,
    )
    return with_checkout_csp(make_response(html))
