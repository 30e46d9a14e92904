"""Sign a webhook payload as Stripe does: `t=<time>,v1=<HMAC-SHA256 of "t.payload">`."""

import hashlib
import hmac
import time


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header value for `payload` signed with `secret` at `timestamp`."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
