"""Bearer-token access to the API, the per-token rate limit and the one error shape."""

import functools
from collections.abc import Callable

from flask import current_app, g, jsonify, request

from portal.services.api_access import limits, tokens

MESSAGES = {
    "unauthorized": "Send the token as `Authorization: Bearer <token>`.",
    "invalid_token": "This token is not valid.",
    "token_revoked": "This token was revoked.",
    "rate_limited": "Too many requests for this token; wait and try again.",
}


def error(status: int, code: str, message: str | None = None, details=None, headers=None):
    """The API's one error shape: {"error": {"code", "message", "details"}}."""
    body = {
        "error": {
            "code": code,
            "message": message or MESSAGES.get(code, code),
            "details": details if details is not None else [],
        }
    }
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def token_required(view: Callable) -> Callable:
    """Require a live bearer token within its rate; the token is `g.api_token`."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
        if scheme.lower() != "bearer" or not secret.strip():
            return error(401, "unauthorized", headers=challenge)
        try:
            g.api_token = tokens.authenticate(secret.strip())
        except tokens.TokenRefused as refused:
            return error(401, refused.code, headers=challenge)
        wait = limits.hit(g.api_token.id, current_app.config["API_RATE_PER_MINUTE"])
        if wait:
            return error(429, "rate_limited", headers={"Retry-After": str(wait)})
        return view(*args, **kwargs)

    wrapped.access = "api"
    return wrapped
