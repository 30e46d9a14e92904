"""STRIPE_* settings from the environment: the local double in the demo, Stripe with real keys."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from portal.config import ConfigError

DOUBLE_URL = "http://127.0.0.1:12111"
DOUBLE_KEY = "sk_test_double"
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def demo_webhook_secret(instance_path: str) -> str:
    """The demo's own webhook signing secret, generated once into the instance folder."""
    path = Path(instance_path) / "stripe_webhook_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("whsec_" + secrets.token_urlsafe(32))
    return path.read_text().strip()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def configure(app: Flask, env: dict | None = None) -> None:
    """Fill the STRIPE_* settings (test overrides already in app.config win) and refuse a live
    key pointed at the double."""
    env = os.environ if env is None else env
    local = app.config["PORTAL_ENV"] in ("demo", "test")
    key = env.get("STRIPE_SECRET_KEY", "")
    base = env.get("STRIPE_API_BASE", "")
    if not key and local:
        key, base = DOUBLE_KEY, base or DOUBLE_URL
    defaults = {
        "STRIPE_SECRET_KEY": key,
        "STRIPE_API_BASE": base,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_TIMEOUT": float(env.get("STRIPE_TIMEOUT") or 20),
        "STRIPE_MAX_RETRIES": int(env.get("STRIPE_MAX_RETRIES") or 2),
        "STRIPE_WEBHOOK_TOLERANCE": int(env.get("STRIPE_WEBHOOK_TOLERANCE") or 300),
        # Smallest partial payment accepted online, in minor units (10.00 by default).
        "PAYMENT_MIN_PARTIAL": int(env.get("PAYMENT_MIN_PARTIAL") or 1000),
    }
    for name, value in defaults.items():
        app.config.setdefault(name, value)
    config = app.config
    if not config["STRIPE_WEBHOOK_SECRET"] and local and config["STRIPE_API_BASE"]:
        config["STRIPE_WEBHOOK_SECRET"] = demo_webhook_secret(app.instance_path)
    live = config["STRIPE_SECRET_KEY"].startswith(("sk_live_", "rk_live_"))
    if live and config["STRIPE_API_BASE"]:
        raise ConfigError(
            "STRIPE_SECRET_KEY is a live key and STRIPE_API_BASE points at another API (the "
            "local test double): refusing to start. Unset STRIPE_API_BASE to use Stripe."
        )
    if config["STRIPE_SECRET_KEY"] and not config["STRIPE_WEBHOOK_SECRET"]:
        raise ConfigError(
            "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: payments could never be "
            "confirmed. Set the endpoint's signing secret (whsec_…)."
        )
    config["PAYMENTS_ENABLED"] = bool(config["STRIPE_SECRET_KEY"])
    config["STRIPE_CHECKOUT_ORIGIN"] = (
        _origin(config["STRIPE_API_BASE"]) if config["STRIPE_API_BASE"] else STRIPE_CHECKOUT_ORIGIN
    )
