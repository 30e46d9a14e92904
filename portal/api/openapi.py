"""The API described as OpenAPI 3.1, built from the placement columns so the two never differ."""

from portal.i18n import N_
from portal.services.placement.columns import COLUMNS

_TEXT = {"type": ["string", "number", "null"]}


def _columns(case_level: bool) -> dict:
    return {c.name: {**_TEXT, "description": c.doc} for c in COLUMNS if c.case_level == case_level}


def _error() -> dict:
    detail = {
        "type": "object",
        "properties": {
            "case": {"type": ["integer", "null"]},
            "line": {"type": ["integer", "null"]},
            "field": {"type": ["string", "null"]},
            "value": {"type": "string"},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
        "required": ["code", "message"],
    }
    return {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "array", "items": detail},
                },
            }
        },
    }


def _page(item: str) -> dict:
    return {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "next_cursor": {"type": ["string", "null"]},
        },
    }


SCHEMAS = {
    "Error": _error(),
    "CaseInput": {
        "type": "object",
        "description": N_(
            "A case: the CSV's case columns and its debt lines. Amounts are decimal "
            "text as in the CSV (`1234.56` or `1 234,56`); dates `2026-03-01` or `01/03/2026`."
        ),
        "required": ["external_reference", "lines"],
        "properties": {
            **_columns(True),
            "lines": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "object", "properties": _columns(False)},
            },
        },
    },
    "Placement": {
        "type": "object",
        "required": ["import_id", "created", "cases"],
        "properties": {
            "import_id": {"type": "integer"},
            "created": {
                "type": "boolean",
                "description": N_("false: the same cases were placed before"),
            },
            "cases": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["external_reference", "reference"],
                    "properties": {
                        "external_reference": {"type": "string"},
                        "reference": {"type": "string"},
                    },
                },
            },
        },
    },
    "Case": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "reference",
            "external_reference",
            "status",
            "currency",
            "balance",
            "paid",
            "has_live_plan",
            "placed_at",
        ],
        "properties": {
            "reference": {"type": "string"},
            "external_reference": {"type": "string"},
            "status": {
                "enum": ["open", "in_plan", "disputed", "escalated", "paid", "settled", "closed"]
            },
            "currency": {"type": "string"},
            "balance": {"type": "integer", "description": N_("minor units (cents)")},
            "paid": {"type": "integer", "description": N_("minor units, net of refunds")},
            "has_live_plan": {"type": "boolean"},
            "placed_at": {"type": "string", "format": "date-time"},
        },
    },
    "Payment": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "case_reference",
            "external_reference",
            "kind",
            "amount",
            "currency",
            "occurred_on",
            "recorded_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "case_reference": {"type": "string"},
            "external_reference": {"type": "string"},
            "kind": {"enum": ["payment", "refund"]},
            "amount": {"type": "integer", "description": N_("minor units; a refund is negative")},
            "currency": {"type": "string"},
            "occurred_on": {"type": "string", "format": "date"},
            "recorded_at": {"type": "string", "format": "date-time"},
        },
    },
    "Event": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "case_reference", "action", "actor", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "case_reference": {"type": "string"},
            "action": {"type": "string"},
            "actor": {"enum": ["debtor", "staff", "system", "stripe"]},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "PaymentPage": _page("Payment"),
    "EventPage": _page("Event"),
}


def _json(schema: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _errors(*codes: int) -> dict:
    names = {
        400: N_("Bad request"),
        401: N_("Missing, unknown or revoked token"),
        404: N_("Not found"),
        409: N_("Idempotency-Key reused with another body"),
        413: N_("Too many cases"),
        422: N_("Some cases are invalid: nothing placed"),
        429: N_("Rate limited"),
    }
    return {str(c): {"description": names[c], **_json("Error")} for c in codes}


_SINCE = [
    {
        "name": "since",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "format": "date-time"},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": N_("next_cursor of the previous page"),
    },
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]


def document() -> dict:
    """The OpenAPI 3.1 document of /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Amiable API",
            "version": "1",
            "description": N_(
                "Place cases and follow them. Authenticate with "
                "`Authorization: Bearer <token>` (a token made by an administrator on the "
                "creditor's page, or `flask portal api-token create`). Errors always have the "
                "shape `{error: {code, message, details}}`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/cases": {
                "post": {
                    "summary": N_("Place cases, all or none"),
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "schema": {"type": "string", "maxLength": 100},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["cases"],
                                    "properties": {
                                        "cases": {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {"$ref": "#/components/schemas/CaseInput"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {"description": N_("Placed"), **_json("Placement")},
                        "200": {
                            "description": N_("Placed before: nothing created"),
                            **_json("Placement"),
                        },
                        **_errors(400, 401, 409, 413, 422, 429),
                    },
                }
            },
            "/cases/{reference}": {
                "get": {
                    "summary": N_("A case's status and balance"),
                    "parameters": [
                        {
                            "name": "reference",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {"description": N_("The case"), **_json("Case")},
                        **_errors(401, 404, 429),
                    },
                }
            },
            "/payments": {
                "get": {
                    "summary": N_("Payments and refunds recorded since a time"),
                    "parameters": _SINCE,
                    "responses": {
                        "200": {"description": N_("A page"), **_json("PaymentPage")},
                        **_errors(400, 401, 429),
                    },
                }
            },
            "/events": {
                "get": {
                    "summary": N_("Events on the creditor's cases since a time"),
                    "parameters": _SINCE,
                    "responses": {
                        "200": {"description": N_("A page"), **_json("EventPage")},
                        **_errors(400, 401, 429),
                    },
                }
            },
        },
    }
