"""Translated error pages (HTML) and JSON errors for /api, /healthz and the webhook."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (
            _("The request could not be understood"),
            _("Something in what was sent is not right. Go back, check and try again."),
        ),
        403: (_("Access denied"), _("You do not have access to this page.")),
        404: (_("Page not found"), _("This page does not exist or is no longer available.")),
        405: (_("Not allowed"), _("This page cannot be used this way.")),
        410: (_("No longer available"), _("This page is no longer available.")),
        413: (
            _("Too large"),
            _("What was sent is too large. Send a smaller file or shorter text."),
        ),
        429: (_("Too many attempts"), _("Please wait a little before trying again.")),
        500: (
            _("Something went wrong"),
            _(
                "An error occurred on our side. Please try again in a moment; if it happens "
                "again, contact us."
            ),
        ),
    }


def render_error(code: int, detail: str | None = None, **context):
    """Render the translated error page for `code`."""
    title, message = _messages().get(code, _messages()[500])
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message, **context
    ), code


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(
            400, _("This form has expired. Please go back, reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if request.path.startswith("/api/"):  # the API's one error shape
            code = (error.name or "error").lower().replace(" ", "_")
            body = {"error": {"code": code, "message": error.description or "", "details": []}}
            return body, error.code
        if request.path.startswith(("/healthz", "/stripe/")):
            return {"error": error.name, "status": error.code}, error.code
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if isinstance(error, HTTPException):
            return _http(error)
        if request.path.startswith("/api/"):
            message = "An error occurred on our side; try again in a moment."
            return {"error": {"code": "internal_error", "message": message, "details": []}}, 500
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def _internal(error):
        db.session.rollback()
        return render_error(500)
