"""Configuration read from environment variables, with safe defaults for the demo."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("production", "demo", "test")


class ConfigError(RuntimeError):
    """The environment does not allow the application to start safely."""


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def demo_secret_key(instance_path: str) -> str:
    """Return the demo's own secret key, generated once and kept in the instance folder."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def from_environment(
    instance_path: str, env: dict | None = None, require_secret: bool = True
) -> dict:
    """Build the Flask config mapping from environment variables.

    `require_secret=False` is for schema commands (`flask db …`), which sign nothing: they get a
    throw-away key instead of the production refusal.
    """
    env = os.environ if env is None else env
    portal_env = env.get("PORTAL_ENV", "production")
    if portal_env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}")
    secret = env.get("SECRET_KEY", "")
    if not secret and not require_secret:
        secret = secrets.token_urlsafe(48)
    if not secret:
        if portal_env == "production":
            raise ConfigError(
                "SECRET_KEY is not set: production refuses to start without one "
                "(set PORTAL_ENV=demo to run the demo with a generated key)"
            )
        secret = demo_secret_key(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'amiable.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    return {
        "PORTAL_ENV": portal_env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "LINK_MAX_AGE_DAYS": _int(env, "LINK_MAX_AGE_DAYS", 30),
        "DEBTOR_IDLE_MINUTES": _int(env, "DEBTOR_IDLE_MINUTES", 15),
        "STAFF_IDLE_MINUTES": _int(env, "STAFF_IDLE_MINUTES", 60),
        "DEBTOR_MAX_HOURS": _int(env, "DEBTOR_MAX_HOURS", 2),
        "STAFF_MAX_HOURS": _int(env, "STAFF_MAX_HOURS", 12),
        "INVITE_HOURS": _int(env, "INVITE_HOURS", 72),
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_WINDOW_MINUTES": _int(env, "LOGIN_WINDOW_MINUTES", 15),
        "LOGIN_ADDRESS_MAX": _int(env, "LOGIN_ADDRESS_MAX", 30),
        "LOGIN_ACCOUNT_THRESHOLD": _int(env, "LOGIN_ACCOUNT_THRESHOLD", 10),
        "PROXY_FIX_X_FOR": _int(env, "PROXY_FIX_X_FOR", 0),
        # Request bodies: the largest any route accepts (uploads), forms, the provider webhook.
        "MAX_CONTENT_LENGTH": _int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        "UPLOAD_MAX_BYTES": _int(env, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        "FORM_MAX_BYTES": _int(env, "FORM_MAX_BYTES", 256 * 1024),
        "WEBHOOK_MAX_BYTES": _int(env, "WEBHOOK_MAX_BYTES", 64 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": portal_env == "production",
        "SESSION_COOKIE_NAME": "amiable_session",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": env.get("PORTAL_TIMEZONE", "Europe/Paris"),
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
        "LANGUAGES": ("fr", "en"),
        # A server may drop idle connections: those it closed (restart, failover) are replaced
        # at checkout by portal/db_liveness.py, with no round trip; those a network device
        # drops silently are retired by age. An SQLite file has no connection to lose.
        "SQLALCHEMY_ENGINE_OPTIONS": (
            {} if database_url.startswith("sqlite") else {"pool_recycle": 1800}
        ),
        # Mail: with no MAIL_SERVER, messages are recorded and shown to staff, not sent.
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int(env, "MAIL_PORT", 587),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "false").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": env.get("MAIL_SENDER", "no-reply@amiable.example"),
        "MAIL_SENDER_NAME": env.get("MAIL_SENDER_NAME", "Amiable"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 10),
        # The largest CSV the creditor's upload page accepts (413 beyond); the command line
        # reads files of any size.
        "PLACEMENT_MAX_BYTES": _int(env, "MAX_UPLOAD_MB", 50) * 1024 * 1024,
        "API_RATE_PER_MINUTE": _int(env, "API_RATE_PER_MINUTE", 120),  # requests per token
        "API_MAX_CASES": _int(env, "API_MAX_CASES", 1000),  # cases per POST /api/v1/cases
        # The legal notice names the host of the service (LCEN article 6): name and address.
        "HOSTING_PROVIDER": env.get("HOSTING_PROVIDER", ""),
        # The demo outbox (/demo/outbox) lists every e-mail recorded: in the demo only.
        "DEMO_OUTBOX": portal_env == "demo",
        # Disputes' proof files: a folder outside static/ (default: <instance>/dispute_files).
        "DISPUTE_FILES_DIR": env.get("DISPUTE_FILES_DIR", ""),
        # A dispute's request: five proof files of 10 MB at most and the rest of its form.
        "DISPUTE_MAX_BYTES": _int(env, "DISPUTE_MAX_BYTES", 51 * 1024 * 1024),
    }
