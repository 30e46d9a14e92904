"""The OpenAPI document and a readable page of it (served here, no CDN).

The document stays in English (programs read it); the page shows its prose (descriptions and
summaries, marked with `N_` where they are written) in the reader's language."""

from flask import jsonify, render_template
from flask_babel import gettext

from portal.api import bp
from portal.api.openapi import document
from portal.security import public

PROSE = ("description", "summary")


def translated(node):
    """The document with every description and summary in the current language."""
    if isinstance(node, dict):
        return {
            key: gettext(value) if key in PROSE and isinstance(value, str) else translated(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [translated(value) for value in node]
    return node


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document."""
    return jsonify(document())


@bp.get("/docs")
@public
def docs():
    """The API described for people, in their language."""
    return render_template("api/docs.html", doc=translated(document()))
