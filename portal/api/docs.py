"""The OpenAPI document and a readable page of it (served here, no CDN)."""

from flask import jsonify, render_template

from portal.api import bp
from portal.api.openapi import document
from portal.security import public


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document."""
    return jsonify(document())


@bp.get("/docs")
@public
def docs():
    """The API described for people."""
    return render_template("api/docs.html", doc=document())
