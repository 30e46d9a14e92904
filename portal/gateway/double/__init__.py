"""A local Stripe test double: the subset of Stripe's HTTP API the gateway uses, a hosted checkout
page where the test card number decides the outcome, and webhooks signed as Stripe signs them.

It runs as its own small HTTP server (`flask portal stripe-double`, or `StripeDouble().start()` in
tests), never inside the portal's worker, so the portal never waits on itself.
"""

from portal.gateway.double.server import StripeDouble
from portal.gateway.double.signing import sign

__all__ = ["StripeDouble", "sign"]
