"""Incoming provider webhooks: Stripe calls `POST /stripe/webhook` (the provider as an audience).

The route checks the signature, records each event once through `services.payments.inbox`,
answers, then applies what waits through `services.payments.events`.
"""

from portal.webhooks.routes import bp  # noqa: F401
