"""The debtor's pages: login by reference or signed link, then the case."""

from flask import Blueprint, abort, g

from portal.services.cases.overview import load_case
from portal.services.payments.checkout import new_nonce

bp = Blueprint("debtor", __name__)


def current_case():
    """The logged-in debtor's case (404 if it is gone), its pages in the debtor's language."""
    case = load_case(g.case_id)
    if case is None:
        abort(404)
    g.preferred_language = case.debtor.language
    return case


@bp.app_template_global()
def form_nonce() -> str:
    """A fresh one-time token for a pay form: a double submission starts one payment."""
    return new_nonce()


from portal.debtor import (  # noqa: E402,F401
    contact,
    disputes,
    documents,
    payments,
    plans,
    routes,
    settlements,
    unsubscribe,
)
