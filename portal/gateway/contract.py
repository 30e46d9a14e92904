"""The small payment-gateway contract the rest of the portal speaks (no `stripe` import here)."""

from dataclasses import dataclass, field
from typing import Protocol


class GatewayError(Exception):
    """The provider could not do what was asked."""


class ProviderUnavailable(GatewayError):
    """The provider timed out or answered with a server error: try again later."""


class SignatureInvalid(GatewayError):
    """A webhook's signature is missing, wrong, or older than the tolerance."""


@dataclass(frozen=True)
class CheckoutRequest:
    """What a hosted checkout page must collect; amounts in minor units, computed by the portal."""

    idempotency_key: str
    success_url: str
    cancel_url: str
    metadata: dict
    amount: int | None = None  # None for a setup session (saving a payment method)
    currency: str = "EUR"
    description: str = ""
    customer_id: str | None = None
    customer_email: str | None = None
    language: str = "fr"  # the portal's language code; the gateway names it the provider's way
    save_method: bool = False
    methods: tuple[str, ...] = ("card", "sepa_debit")


@dataclass(frozen=True)
class CheckoutSession:
    """A hosted checkout page created at the provider."""

    id: str
    url: str
    payment_intent_id: str | None = None


@dataclass(frozen=True)
class ChargeResult:
    """The outcome of an off-session charge."""

    payment_intent_id: str | None
    status: str  # succeeded | processing | failed | requires_action
    failure_code: str | None = None
    failure_message: str | None = None


@dataclass(frozen=True)
class Event:
    """A provider event: id, type, creation time (epoch seconds) and its object as a dict."""

    id: str
    type: str
    created: int
    object: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SavedMethod:
    """A payment method saved at the provider for later off-session charges."""

    id: str
    kind: str  # card | sepa_debit
    label: str


class Gateway(Protocol):
    """What the portal needs from a payment provider."""

    def create_customer(self, *, idempotency_key: str, email: str | None, name: str) -> str:
        """Create a customer and return its id."""

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Create a hosted checkout page (payment or setup)."""

    def retrieve_setup_method(self, setup_intent_id: str) -> SavedMethod:
        """The payment method a completed setup saved."""

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
        """Charge a saved payment method without the customer present."""

    def refund(self, *, idempotency_key: str, payment_intent_id: str, amount: int) -> str:
        """Refund (part of) a payment; returns the refund id."""

    def list_refunds(self, payment_intent_id: str) -> list[tuple[str, int, str]]:
        """The refunds of a payment as (id, amount, status)."""

    def list_events(self, since: int) -> list[Event]:
        """Events created since `since` (epoch seconds), oldest first."""

    def parse_event(self, payload: bytes, signature: str | None) -> Event:
        """Verify a webhook's signature (raising SignatureInvalid) and return its event."""
