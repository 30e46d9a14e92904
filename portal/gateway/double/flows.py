"""What happens at the double when a page is paid, a method saved, a card charged or refunded."""

from portal.gateway.double.state import (
    CARD_AUTHENTICATE,
    CARD_CHARGE_FAILS,
    CARD_DECLINE,
    CARD_SUCCESS,
    IBAN_FAILS,
    State,
    new_id,
    public,
)


class CardError(Exception):
    """A 402 answer, as Stripe gives for a declined charge."""

    def __init__(self, code: str, message: str, intent: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.intent = code, message, intent

    def body(self) -> dict:
        """The JSON error body."""
        error = {"type": "card_error", "code": self.code, "message": self.message}
        if self.code == "card_declined":
            error["decline_code"] = "generic_decline"
        if self.intent is not None:
            error["payment_intent"] = public(self.intent)
        return {"error": error}


def clean_number(text: str) -> str:
    """Digits and letters only, upper case (card numbers and IBANs as typed)."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def payment_method(state: State, kind: str, number: str, customer: str | None) -> dict:
    """A saved card or SEPA method; the number is kept so later charges know their outcome."""
    details = {"last4": number[-4:] or "0000"}
    if kind == "card":
        details["brand"] = "mastercard" if number.startswith("5") else "visa"
    return state.put(
        {
            "id": new_id("pm"),
            "object": "payment_method",
            "type": kind,
            kind: details,
            "customer": customer,
            "_number": number,
        }
    )


def intent_for(state: State, session: dict) -> dict:
    """The session's PaymentIntent, created on first use."""
    intent = state.get(session.get("payment_intent") or "", "payment_intent")
    if intent is None:
        intent = state.put(
            {
                "id": new_id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": 0,
                "currency": session["currency"],
                "status": "requires_payment_method",
                "metadata": dict(session.get("_intent_metadata") or {}),
                "customer": session.get("customer"),
                "payment_method": None,
                "payment_method_types": session["payment_method_types"],
                "latest_charge": None,
                "last_payment_error": None,
                "setup_future_usage": session.get("_setup_future_usage"),
            }
        )
        session["payment_intent"] = intent["id"]
    return intent


def succeed(state: State, intent: dict) -> None:
    """The money arrived: a charge, `payment_intent.succeeded`."""
    charge = state.put(
        {
            "id": new_id("ch"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": 0,
            "refunded": False,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
    )
    intent.update(
        status="succeeded",
        amount_received=intent["amount"],
        latest_charge=charge["id"],
        last_payment_error=None,
    )
    state.emit("payment_intent.succeeded", intent)


def fail(state: State, intent: dict, code: str, message: str) -> None:
    """The attempt failed: `payment_intent.payment_failed`."""
    intent.update(
        status="requires_payment_method",
        last_payment_error={"type": "card_error", "code": code, "message": message},
    )
    state.emit("payment_intent.payment_failed", intent)


def _complete(state: State, session: dict, payment_status: str) -> None:
    session.update(status="complete", payment_status=payment_status)
    state.emit("checkout.session.completed", session)


def pay_session(state: State, session: dict, kind: str, number: str, authenticated=False) -> str:
    """Pay a checkout session with a test card or IBAN: `paid`, `pending`, `authenticate`,
    or raise CardError."""
    intent = intent_for(state, session)
    if kind == "card":
        if number in CARD_AUTHENTICATE and not authenticated:
            intent["status"] = "requires_action"
            session["_pending_number"] = number
            return "authenticate"
        if number not in CARD_SUCCESS | CARD_AUTHENTICATE | CARD_CHARGE_FAILS:
            fail(state, intent, "card_declined", "Your card was declined.")
            raise CardError("card_declined", "Your card was declined.", intent)
    method = payment_method(state, kind, number, session.get("customer"))
    intent["payment_method"] = method["id"]
    if kind == "card":
        succeed(state, intent)
        _complete(state, session, "paid")
        return "paid"
    intent["status"] = "processing"
    state.emit("payment_intent.processing", intent)
    _complete(state, session, "unpaid")

    def settle():
        if number in IBAN_FAILS:
            fail(state, intent, "insufficient_funds", "The debit was refused by the bank.")
            state.emit("checkout.session.async_payment_failed", session)
        else:
            succeed(state, intent)
            session["payment_status"] = "paid"
            state.emit("checkout.session.async_payment_succeeded", session)

    state.later(state.sepa_delay, settle)
    return "pending"


def setup_session(state: State, session: dict, kind: str, number: str) -> None:
    """Save a payment method through a setup session."""
    if kind == "card" and number in CARD_DECLINE:
        raise CardError("card_declined", "Your card was declined.")
    method = payment_method(state, kind, number, session.get("customer"))
    setup = state.put(
        {
            "id": new_id("seti"),
            "object": "setup_intent",
            "status": "succeeded",
            "customer": session.get("customer"),
            "payment_method": method["id"],
            "metadata": dict(session.get("_setup_metadata") or {}),
            "usage": "off_session",
        }
    )
    session["setup_intent"] = setup["id"]
    state.emit("setup_intent.succeeded", setup)
    _complete(state, session, "no_payment_required")


def charge(state: State, params: dict) -> dict:
    """A PaymentIntent created (and confirmed off-session, if asked) through the API."""
    method = state.get(params.get("payment_method") or "", "payment_method")
    intent = state.put(
        {
            "id": new_id("pi"),
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params.get("currency", "eur"),
            "status": "requires_payment_method",
            "metadata": dict(params.get("metadata") or {}),
            "customer": params.get("customer"),
            "payment_method": method["id"] if method else None,
            "payment_method_types": [method["type"]] if method else ["card"],
            "latest_charge": None,
            "last_payment_error": None,
        }
    )
    if str(params.get("confirm")).lower() != "true" or method is None:
        return intent
    number = method["_number"]
    if method["type"] == "sepa_debit":
        intent["status"] = "processing"
        state.emit("payment_intent.processing", intent)

        def settle():
            if number in IBAN_FAILS:
                fail(state, intent, "insufficient_funds", "The debit was refused by the bank.")
            else:
                succeed(state, intent)

        state.later(state.sepa_delay, settle)
        return intent
    if number in CARD_AUTHENTICATE:
        fail(state, intent, "authentication_required", "This payment needs authentication.")
        raise CardError("authentication_required", "This payment needs authentication.", intent)
    if number not in CARD_SUCCESS:
        fail(state, intent, "card_declined", "Your card was declined.")
        raise CardError("card_declined", "Your card was declined.", intent)
    succeed(state, intent)
    return intent


def refund(state: State, params: dict) -> dict:
    """Refund (part of) a succeeded PaymentIntent: `charge.refunded`."""
    intent = state.get(params.get("payment_intent") or "", "payment_intent")
    if intent is None or intent["status"] != "succeeded":
        raise ValueError("No such succeeded payment_intent")
    charge_ = state.get(intent["latest_charge"], "charge")
    left = charge_["amount"] - charge_["amount_refunded"]
    amount = int(params.get("amount") or left)
    if amount <= 0 or amount > left:
        raise ValueError("Refund amount is greater than the unrefunded amount")
    created = state.put(
        {
            "id": new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": charge_["id"],
            "status": "succeeded",
        }
    )
    charge_["amount_refunded"] += amount
    charge_["refunded"] = charge_["amount_refunded"] == charge_["amount"]
    state.emit("refund.created", created)
    state.emit("charge.refunded", charge_)
    return created


def dispute(state: State, payment_intent: str) -> dict:
    """The cardholder's bank opens a chargeback: `charge.dispute.created`."""
    intent = state.get(payment_intent, "payment_intent")
    if intent is None or intent["status"] != "succeeded":
        raise ValueError("No such succeeded payment_intent")
    created = state.put(
        {
            "id": new_id("dp"),
            "object": "dispute",
            "amount": intent["amount"],
            "currency": intent["currency"],
            "charge": intent["latest_charge"],
            "payment_intent": intent["id"],
            "reason": "fraudulent",
            "status": "needs_response",
        }
    )
    state.emit("charge.dispute.created", created)
    return created


def close_dispute(state: State, dispute_id: str, status: str) -> dict:
    """The chargeback is decided (`won` gives the money back): `charge.dispute.closed`."""
    found = state.get(dispute_id, "dispute")
    if found is None or status not in ("won", "lost"):
        raise ValueError("No such dispute, or status is not won/lost")
    found["status"] = status
    state.emit("charge.dispute.closed", found)
    return found
