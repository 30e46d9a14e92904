"""The debtor's pages: login by reference or signed link, then the case."""

from flask import Blueprint

bp = Blueprint("debtor", __name__)


@bp.app_template_global()
def form_nonce() -> str:
    """A fresh one-time token for a pay form: a double submission starts one payment."""
    from portal.services.payments.checkout import new_nonce

    return new_nonce()


from portal.debtor import (  # noqa: E402,F401
    contact,
    disputes,
    documents,
    payments,
    plans,
    routes,
    unsubscribe,
)
