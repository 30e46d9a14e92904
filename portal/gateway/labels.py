"""Translated labels of payment states, methods and failure reasons (for templates)."""

from flask_babel import lazy_gettext

PAYMENT_STATUS_LABELS = {
    "pending": lazy_gettext("Started, not confirmed"),
    "processing": lazy_gettext("Being processed"),
    "succeeded": lazy_gettext("Received"),
    "failed": lazy_gettext("Failed"),
    "refunded": lazy_gettext("Refunded"),
}
PAYMENT_METHOD_LABELS = {
    "card": lazy_gettext("card"),
    "sepa_debit": lazy_gettext("SEPA Direct Debit"),
}
PAYMENT_FAILURE_LABELS = {
    "provider_unavailable": lazy_gettext("The payment provider timed out or failed"),
    "expired": lazy_gettext("Checkout page left unpaid"),
    "card_declined": lazy_gettext("Card declined"),
    "authentication_required": lazy_gettext("The bank asked for authentication"),
    "insufficient_funds": lazy_gettext("Debit refused by the bank"),
}


def register(app) -> None:
    """Expose the label dicts to templates."""
    app.jinja_env.globals.update(
        PAYMENT_STATUS_LABELS=PAYMENT_STATUS_LABELS,
        PAYMENT_METHOD_LABELS=PAYMENT_METHOD_LABELS,
        PAYMENT_FAILURE_LABELS=PAYMENT_FAILURE_LABELS,
    )
