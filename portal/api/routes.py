"""API endpoints: place cases, read a case, list payments and events since a time."""

import datetime as dt
import hashlib

from flask import current_app, g, jsonify, request

from portal.api import bp
from portal.api.auth import error, token_required
from portal.domain.references import InvalidReference, normalize
from portal.extensions import csrf
from portal.services.api_access import idempotency
from portal.services.placement import history, imports
from portal.services.placement.messages import message
from portal.services.reporting import feeds

csrf.exempt(bp)


def _placement_response(cases: list) -> tuple[int, dict]:
    creditor_id = g.api_token.creditor_id
    outcome = imports.place_cases(cases, creditor_id, token_id=g.api_token.id)
    if not outcome.loaded:
        where = imports.positions(cases)
        details = []
        for e in outcome.errors:
            case_index, line_index = where[e.line - 1] if 0 < e.line <= len(where) else (None, None)
            details.append(
                {
                    "case": case_index,
                    "line": line_index,
                    "field": e.column or None,
                    "value": e.value,
                    "code": e.code,
                    "message": message(e.code, e.params),
                }
            )
        body = {
            "error": {
                "code": "invalid_cases",
                "message": "Nothing was placed: correct every error and send again.",
                "details": details,
            }
        }
        return 422, body
    refs = [c.get("external_reference") for c in cases]
    placed = history.references_of(creditor_id, [str(r) for r in refs])
    body = {
        "import_id": outcome.import_id,
        "created": outcome.status == "loaded",
        "cases": [{"external_reference": k, "reference": v} for k, v in sorted(placed.items())],
    }
    return (201 if outcome.status == "loaded" else 200), body


@bp.post("/cases")
@token_required
def place():
    """Place cases (all or none); an Idempotency-Key gives the same answer to the same body."""
    payload = request.get_json(silent=True)
    cases = payload.get("cases") if isinstance(payload, dict) else None
    if not isinstance(cases, list) or not cases:
        return error(400, "bad_json", 'Send a JSON object {"cases": [...]} with at least one case.')
    if len(cases) > current_app.config["API_MAX_CASES"]:
        limit = current_app.config["API_MAX_CASES"]
        return error(413, "too_many_cases", f"At most {limit} cases per request.")
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        return error(400, "bad_idempotency_key", "An Idempotency-Key has at most 100 characters.")
    digest = hashlib.sha256(request.get_data()).hexdigest()
    if key:
        try:
            replayed = idempotency.replay(g.api_token.id, key, digest)
        except idempotency.KeyReused:
            return error(
                409, "idempotency_conflict", "This Idempotency-Key was used with a different body."
            )
        if replayed:
            return jsonify(replayed[1]), replayed[0]
    status, body = _placement_response(cases)
    if key:
        status, body = idempotency.remember(g.api_token.id, key, digest, status, body)
    return jsonify(body), status


@bp.get("/cases/<reference>")
@token_required
def case(reference: str):
    """A case's status and balance; another creditor's case, or none, is a 404."""
    try:
        found = feeds.case_status(g.api_token.creditor_id, normalize(reference))
    except InvalidReference:
        found = None
    if found is None:
        return error(404, "not_found", "No such case.")
    return jsonify(found)


def _page_args():
    """(since, after, limit) from the query string, or an error response."""
    text = request.args.get("since", "")
    try:
        since = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return error(
            400, "bad_since", "`since` must be an ISO 8601 time, e.g. 2026-06-01T00:00:00Z."
        )
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    cursor = request.args.get("cursor", "0")
    limit = request.args.get("limit", "100")
    if not cursor.isdigit() or not limit.isdigit() or not 1 <= int(limit) <= 500:
        return error(400, "bad_cursor", "`cursor` is a value the API gave; `limit` is 1 to 500.")
    return since, int(cursor[:19]), int(limit)


def _page(reader):
    args = _page_args()
    if not isinstance(args, tuple):
        return args
    since, after, limit = args
    rows = reader(g.api_token.creditor_id, since, after, limit)
    next_cursor = str(rows[-1]["id"]) if len(rows) == limit else None
    return jsonify({"data": rows, "next_cursor": next_cursor})


@bp.get("/payments")
@token_required
def payments():
    """Payments and refunds recorded since `since`, oldest first, a page at a time."""
    return _page(feeds.payments_since)


@bp.get("/events")
@token_required
def events():
    """What happened on the creditor's cases since `since`, oldest first, a page at a time."""
    return _page(feeds.events_since)
