"""Online payments: the gateway contract, the Stripe gateway, webhooks and the local test double."""
