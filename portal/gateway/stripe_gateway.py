"""The Stripe gateway: the only module that calls `stripe` (official SDK, `StripeClient`); the
local double only reads the SDK's parameter declarations."""

import json
import time

import stripe
from flask import current_app

from portal.gateway.contract import (
    ChargeResult,
    CheckoutRequest,
    CheckoutSession,
    Event,
    GatewayError,
    ProviderUnavailable,
    SavedMethod,
    SignatureInvalid,
)

_UNAVAILABLE = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)
# Checkout's locale is an IETF tag from Stripe's list (`SessionCreateParams.locale`); English
# debtors read British English, as the portal formats English (`portal.i18n.FORMAT_LOCALES`).
CHECKOUT_LOCALES = {"fr": "fr", "en": "en-GB"}


def checkout_locale(language: str) -> str:
    """Stripe Checkout's locale for a portal language code (`auto`, the browser's, if unknown)."""
    return CHECKOUT_LOCALES.get(language, "auto")


def _call(function, *args, **kwargs):
    """Call the SDK, turning its errors into the contract's."""
    try:
        return function(*args, **kwargs)
    except _UNAVAILABLE as exc:
        raise ProviderUnavailable(str(exc)) from exc
    except stripe.StripeError as exc:
        raise GatewayError(str(exc)) from exc


def _method_label(method) -> tuple[str, str]:
    kind = method.get("type", "card")
    if kind == "sepa_debit":
        last4 = (method.get("sepa_debit") or {}).get("last4", "????")
        return kind, f"SEPA •••• {last4}"
    card = method.get("card") or {}
    return kind, f"{str(card.get('brand', 'card')).title()} •••• {card.get('last4', '????')}"


class StripeGateway:
    """Stripe through `StripeClient`, with network retries and an idempotency key on each create."""

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        api_base: str | None = None,
        timeout: float = 20,
        max_retries: int = 2,
        tolerance: int = 300,
    ):
        self.webhook_secret = webhook_secret
        self.tolerance = tolerance
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_customer(self, *, idempotency_key: str, email: str | None, name: str) -> str:
        """Create a customer and return its id."""
        params = {"name": name, **({"email": email} if email else {})}
        customer = _call(
            self.client.v1.customers.create,
            params=params,
            options={"idempotency_key": idempotency_key},
        )
        return customer.id

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Create a hosted Checkout Session (mode payment, or setup to save a method)."""
        params: dict = {
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "metadata": request.metadata,
            # A filter on the methods Stripe finds eligible (this API version has no
            # `payment_method_types` parameter): card and SEPA Direct Debit for a debt in euros.
            "allowed_payment_method_types": list(request.methods),
            "locale": checkout_locale(request.language),
        }
        if request.customer_id:
            params["customer"] = request.customer_id
        elif request.customer_email:
            params["customer_email"] = request.customer_email
        if request.amount is None:
            params["mode"] = "setup"
            params["currency"] = request.currency.lower()
            params["setup_intent_data"] = {"metadata": request.metadata}
        else:
            params["mode"] = "payment"
            params["line_items"] = [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.description or "Payment"},
                    },
                }
            ]
            intent: dict = {"metadata": request.metadata}
            if request.save_method:
                intent["setup_future_usage"] = "off_session"
            params["payment_intent_data"] = intent
        session = _call(
            self.client.v1.checkout.sessions.create,
            params=params,
            options={"idempotency_key": request.idempotency_key},
        )
        intent = getattr(session, "payment_intent", None)
        return CheckoutSession(id=session.id, url=session.url, payment_intent_id=intent)

    def retrieve_setup_method(self, setup_intent_id: str) -> SavedMethod:
        """The payment method a completed SetupIntent saved."""
        intent = _call(self.client.v1.setup_intents.retrieve, setup_intent_id).to_dict()
        method_id = intent.get("payment_method")
        if isinstance(method_id, dict):
            method_id = method_id["id"]
        method = _call(self.client.v1.payment_methods.retrieve, method_id)
        kind, label = _method_label(method.to_dict())
        return SavedMethod(id=method.id, kind=kind, label=label)

    def charge_off_session(
        self,
        *,
        idempotency_key: str,
        amount: int,
        currency: str,
        customer_id: str,
        payment_method_id: str,
        metadata: dict,
    ) -> ChargeResult:
        """Create and confirm a PaymentIntent off-session; a decline is a result, not an error."""
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": customer_id,
            "payment_method": payment_method_id,
            "off_session": True,
            "confirm": True,
            "metadata": metadata,
        }
        try:
            intent = _call(
                self.client.v1.payment_intents.create,
                params=params,
                options={"idempotency_key": idempotency_key},
            )
        except GatewayError as exc:
            cause = exc.__cause__
            if not isinstance(cause, stripe.CardError):
                raise
            error = cause.error.to_dict() if cause.error else {}
            intent = error.get("payment_intent")
            code = cause.code or "card_declined"
            return ChargeResult(
                payment_intent_id=intent.get("id") if intent else None,
                status="requires_action" if code == "authentication_required" else "failed",
                failure_code=code,
                failure_message=cause.user_message or str(cause),
            )
        status = intent.status
        if status == "requires_action":
            return ChargeResult(intent.id, "requires_action", "authentication_required")
        if status not in ("succeeded", "processing"):
            return ChargeResult(intent.id, "failed", status)
        return ChargeResult(intent.id, status)

    def refund(self, *, idempotency_key: str, payment_intent_id: str, amount: int) -> str:
        """Refund `amount` of a payment; returns the refund id."""
        refund = _call(
            self.client.v1.refunds.create,
            params={"payment_intent": payment_intent_id, "amount": amount},
            options={"idempotency_key": idempotency_key},
        )
        return refund.id

    def list_refunds(self, payment_intent_id: str) -> list[tuple[str, int, str]]:
        """Every refund of a payment as (id, amount, status)."""
        page = _call(
            self.client.v1.refunds.list,
            params={"payment_intent": payment_intent_id, "limit": 100},
        )
        return [(r.id, int(r.amount), r.status) for r in page.auto_paging_iter()]

    def list_events(self, since: int) -> list[Event]:
        """Events created since `since`, oldest first."""
        page = _call(self.client.v1.events.list, params={"created": {"gte": since}, "limit": 100})
        events = [
            Event(e.id, e.type, int(e.created), e.data.object.to_dict())
            for e in page.auto_paging_iter()
        ]
        return sorted(events, key=lambda e: (e.created, e.id))

    def parse_event(self, payload: bytes, signature: str | None) -> Event:
        """Verify the `Stripe-Signature` header (tolerance in seconds) and read the event."""
        try:
            # The SDK's own check (HMAC, timestamp tolerance); its construct_event would also
            # build a StripeObject tree we do not use (a third of a webhook's CPU time).
            stripe.WebhookSignature.verify_header(
                payload, signature, self.webhook_secret, tolerance=self.tolerance
            )
            # The SDK refuses only signatures older than the tolerance; one dated ahead of it
            # is refused too (a far-off clock, or a signature made to be replayed later).
            if _signed_at(signature) > time.time() + self.tolerance:
                raise ValueError("the signature's timestamp is ahead of the tolerance")
            body = json.loads(payload)
            return Event(
                id=str(body["id"]),
                type=str(body["type"]),
                created=int(body.get("created") or 0),
                object=dict(body["data"]["object"]),
            )
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
            raise SignatureInvalid(str(exc)) from exc


def _signed_at(signature: str) -> int:
    """The `t=` timestamp of a `Stripe-Signature` header (verify_header has parsed it once)."""
    for item in signature.split(","):
        key, _, value = item.partition("=")
        if key.strip() == "t":
            return int(value)
    raise ValueError("no timestamp in the signature")


def from_config() -> StripeGateway:
    """The gateway for the current app's STRIPE_* settings (one client per app and settings)."""
    config = current_app.config
    settings = (
        config["STRIPE_SECRET_KEY"],
        config["STRIPE_WEBHOOK_SECRET"],
        config.get("STRIPE_API_BASE") or None,
        float(config.get("STRIPE_TIMEOUT", 20)),
        int(config.get("STRIPE_MAX_RETRIES", 2)),
        int(config.get("STRIPE_WEBHOOK_TOLERANCE", 300)),
    )
    cache = current_app.extensions.setdefault("stripe_gateways", {})
    if settings not in cache:
        secret, webhook_secret, base, timeout, retries, tolerance = settings
        cache[settings] = StripeGateway(
            secret,
            webhook_secret,
            api_base=base,
            timeout=timeout,
            max_retries=retries,
            tolerance=tolerance,
        )
    return cache[settings]
