"""Security plumbing: response headers, signed case links, and access rules on views."""

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Request, abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


HSTS = "max-age=31536000; includeSubDomains"


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer made once for the app's keys instead of at
    every request (a tenth of a small request's work); a new key or fallback makes a new one."""

    def __init__(self) -> None:
        self._made: tuple[tuple, URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._made  # one tuple: threads see a pair that belongs together
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made = (keys, serializer)
        return serializer


BIGINT_MAX = 2**63 - 1


class BoundedInt(IntegerConverter):
    """`<int:…>` that fits a database integer: a larger value matches no route (404), instead
    of an OverflowError from the driver (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=BIGINT_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bound_integers(app: Flask) -> None:
    """Make every `<int:…>` route argument bounded (call before the blueprints are registered)."""
    app.url_map.converters["int"] = BoundedInt


class SizedRequest(Request):
    """A request whose body limit is its view's (see `body_limit`): forms by default, the
    webhook smaller, uploads larger; MAX_CONTENT_LENGTH (the largest) where no view matched.
    Werkzeug answers 413 before reading a body over the limit."""

    @property
    def max_content_length(self) -> int | None:
        """The limit of this request's body, in bytes."""
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        config = current_app.config
        if self.url_rule is None:
            return config["MAX_CONTENT_LENGTH"]
        view = current_app.view_functions.get(self.endpoint)
        return config[getattr(view, "body_limit", "FORM_MAX_BYTES")]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def body_limit(config_key: str) -> Callable:
    """Give a view the body limit named by `config_key` (e.g. UPLOAD_MAX_BYTES)."""

    def decorate(view: Callable) -> Callable:
        view.body_limit = config_key
        return view

    return decorate


def register(app: Flask) -> None:
    """Add the security headers to every response and trust the proxy if told to."""
    app.session_interface = SessionCookies()
    app.request_class = SizedRequest
    hops = app.config["PROXY_FIX_X_FOR"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    production = app.config["PORTAL_ENV"] == "production"

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if production:
            # Sent on every answer, also over plain HTTP (browsers ignore it there): behind a
            # proxy that does not forward the scheme, the HTTPS answers still carry it.
            response.headers["Strict-Transport-Security"] = HSTS
        if request.endpoint and not request.endpoint.endswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# --- Signed, expiring, revocable links to one case -------------------------------------------


class LinkInvalid(Exception):
    """The link was altered or was never ours."""


class LinkExpired(Exception):
    """The link is genuine but too old, or was revoked."""


def _link_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="case-link")


def make_case_token(case_id: int, link_version: int) -> str:
    """Sign a token that names one case and the link version current at signing."""
    return _link_serializer().dumps([case_id, link_version])


def case_link_maker() -> Callable[[int, int], str]:
    """case_link for many links at once (a reminder run): serializer and signer made once."""
    base, serializer = current_app.config["PORTAL_BASE_URL"], _link_serializer()
    sign, dump = serializer.make_signer().sign, serializer.dump_payload
    return lambda case_id, version: f"{base}/l/{sign(dump([case_id, version])).decode()}"


def read_case_token(token: str) -> tuple[int, int]:
    """Return (case_id, link_version) of a genuine, unexpired token."""
    max_age = current_app.config["LINK_MAX_AGE_DAYS"] * 86400
    try:
        case_id, version = _link_serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkExpired from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkInvalid from exc
    if not isinstance(case_id, int) or not isinstance(version, int):
        raise LinkInvalid
    return case_id, version


def case_link(case_id: int, link_version: int) -> str:
    """Full URL of a case link, built from PORTAL_BASE_URL (usable outside a request)."""
    base = current_app.config["PORTAL_BASE_URL"]
    return f"{base}/l/{make_case_token(case_id, link_version)}"


from portal.sessions import (  # noqa: E402 (re-exported: views import them from here)
    current_debtor_case_id,
    current_staff,
    end_session,
    pending_staff,
    start_debtor_session,
    start_pending_staff,
    start_staff_session,
)

__all__ = [
    "current_debtor_case_id",
    "current_staff",
    "end_session",
    "pending_staff",
    "start_debtor_session",
    "start_pending_staff",
    "start_staff_session",
]

# --- Access rules ----------------------------------------------------------------------------
# Every view carries an `access` attribute; a test walks the URL map and refuses any view
# without one, so a new route cannot forget its check.


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone."""
    view.access = "public"
    return view


def debtor_required(view: Callable) -> Callable:
    """Require a debtor session; the case it holds is `g.case_id`."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        case_id = current_debtor_case_id()
        if case_id is None:
            return redirect(
                url_for("debtor.login", expired=1 if session.get("was_debtor") else None)
            )
        g.case_id = case_id
        return view(*args, **kwargs)

    wrapped.access = "debtor"
    return wrapped


def staff_required(*roles: str) -> Callable:
    """Require a logged-in staff user with one of `roles`; the user is `g.staff`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                abort(403)
            g.staff = user
            g.preferred_language = user.language
            return view(*args, **kwargs)

        wrapped.access = "staff:" + ",".join(sorted(roles))
        return wrapped

    return decorate


def safe_next(target: str | None, default: str) -> str:
    """Only follow `next` to a path on this site.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    `/<tab>/evil.example/` would become `//evil.example/`: any control character, backslash or
    leading `//` is refused, and what is left must parse as a path with no scheme or host.
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return default
    if target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
