"""The signature scheme of outgoing webhooks (pure): HMAC-SHA256 over `<timestamp>.<body>`.

Header: `Amiable-Signature: t=<unix seconds>,v1=<hex digest>`. A receiver recomputes the digest
with the endpoint's secret, compares in constant time, and refuses a timestamp older than its
tolerance (replays).
"""

import hashlib
import hmac

HEADER = "Amiable-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value for this body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """True when `header` signs `body` with `secret` within `tolerance` seconds of `now`."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
