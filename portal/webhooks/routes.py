"""The provider's webhooks at one URL: raw body, `Stripe-Signature` checked, each event once."""

from flask import Blueprint, current_app, jsonify, request

from portal.extensions import csrf
from portal.gateway.contract import SignatureInvalid
from portal.security import body_limit, public
from portal.services.payments.checkout import gateway
from portal.services.payments.events import drain, handle_event
from portal.services.payments.inbox import lane_of

bp = Blueprint("payments", __name__)


@bp.post("/stripe/webhook")
@csrf.exempt
@public
@body_limit("WEBHOOK_MAX_BYTES")
def stripe_webhook():
    """Verify the event's signature (300 s tolerance), record it once and apply it (commits)."""
    if not current_app.config.get("PAYMENTS_ENABLED"):
        return {"error": "payments are not configured"}, 404
    payload = request.get_data(cache=False, as_text=False, parse_form_data=False)
    try:
        event = gateway().parse_event(payload, request.headers.get("Stripe-Signature"))
    except SignatureInvalid:
        return {"error": "invalid signature"}, 400
    outcome = handle_event(event)
    response = jsonify(received=True, outcome=outcome)
    if outcome not in ("duplicate", "queued"):  # this request had the turn: drain after answering
        lane = lane_of(event.object)
        response.call_on_close(_drain_later(current_app._get_current_object(), lane))
    return response


def _drain_later(app, lane: int):
    """Apply what was recorded meanwhile in the lane, once the response is sent (the provider
    waits less)."""

    def run() -> None:
        with app.app_context():
            try:
                drain(lane)
            except Exception:  # noqa: BLE001 (the events wait for the next run, nothing is lost)
                app.logger.exception("applying provider events after a webhook failed")

    return run
