"""The creditors' API: tokens, placing cases, reading them back, one error shape, the
OpenAPI document checked against the real responses."""

import datetime as dt

import jsonschema
import pytest
import time_machine
from sqlalchemy import func, select

from portal.api.openapi import document
from portal.domain.ledger import EntryKind
from portal.models import ApiToken, Case
from portal.services.api_access import tokens
from portal.services.cases.ledger import add_entry
from tests.placement_support import row

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)
DOC = document()


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW):
        yield


def conforms(response, schema: str) -> dict:
    """The response's JSON, checked against the document's schema of that name."""
    body = response.get_json()
    wrapper = {"$ref": f"#/components/schemas/{schema}", "components": DOC["components"]}
    jsonschema.Draft202012Validator(wrapper).validate(body)
    return body


def documented(method: str, path: str, status: int) -> str:
    """The schema the document names for this response (fails if the status is undocumented)."""
    response = DOC["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]["$ref"].split("/")[-1]


@pytest.fixture
def api(client, factories):
    """A client that sends creditor A's token; creditor B has a token too."""
    a, b = factories.creditor(), factories.creditor()
    _, secret = tokens.create_token(a.id)
    _, other = tokens.create_token(b.id)

    class Api:
        creditor, other_creditor, other_secret = a, b, other

        def __init__(self):
            self.headers = {"Authorization": f"Bearer {secret}"}

        def get(self, url, **kw):
            return client.get("/api/v1" + url, headers={**self.headers, **kw.pop("headers", {})})

        def post(self, url, json=None, **kw):
            return client.post(
                "/api/v1" + url, json=json, headers={**self.headers, **kw.pop("headers", {})}, **kw
            )

    return Api()


def case_json(n: int, **cells) -> dict:
    cells = row(n, **cells)
    line_columns = (
        "basis",
        "document_number",
        "description",
        "issued_on",
        "due_on",
        "principal",
        "interest",
        "recovery_indemnity",
    )
    head = {k: v for k, v in cells.items() if k not in line_columns}
    return {**head, "lines": [{k: v for k, v in cells.items() if k in line_columns}]}


def test_place_cases_then_read_one_back(api, db):
    response = api.post("/cases", {"cases": [case_json(1), case_json(2)]})
    assert response.status_code == 201
    body = conforms(response, documented("post", "/cases", 201))
    assert [c["external_reference"] for c in body["cases"]] == ["EXT-1", "EXT-2"]
    reference = body["cases"][0]["reference"]
    found = api.get(f"/cases/{reference}")
    case = conforms(found, documented("get", "/cases/{reference}", 200))
    assert (case["status"], case["balance"], case["paid"]) == ("open", 123456, 0)
    again = api.post("/cases", {"cases": [case_json(1), case_json(2)]})
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2


def test_invalid_cases_place_nothing_and_say_where(api, db):
    bad = {"cases": [case_json(1), case_json(2, principal="abc"), {"lines": []}, "x"]}
    response = api.post("/cases", bad)
    assert response.status_code == 422
    body = conforms(response, documented("post", "/cases", 422))
    where = [(d["case"], d["line"], d["field"], d["code"]) for d in body["error"]["details"]]
    assert (1, 0, "principal", "amount") in where
    assert (2, None, "lines", "lines_required") in where and (3, None, None, "not_object") in where
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_idempotency_key_same_body_same_answer_other_body_409(api, db):
    key = {"Idempotency-Key": "order-42"}
    first = api.post("/cases", {"cases": [case_json(1)]}, headers=key)
    second = api.post("/cases", {"cases": [case_json(1)]}, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    other = api.post("/cases", {"cases": [case_json(2)]}, headers=key)
    assert other.status_code == 409
    assert conforms(other, "Error")["error"]["code"] == "idempotency_conflict"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


@pytest.mark.parametrize(
    "data,status,code",
    [
        ("{not json", 400, "bad_json"),
        ('{"cases": []}', 400, "bad_json"),
        ('{"cases": {}}', 400, "bad_json"),
        ("[1]", 400, "bad_json"),
    ],
)
def test_bad_json_gets_the_one_error_shape(api, data, status, code):
    response = api.post("/cases", data=data, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert conforms(response, "Error")["error"]["code"] == code


def test_tokens_missing_unknown_revoked(client, api, db):
    assert client.get("/api/v1/events?since=2026-01-01").status_code == 401
    wrong = client.get("/api/v1/events", headers={"Authorization": "Bearer amb_nope"})
    assert wrong.status_code == 401 and conforms(wrong, "Error")["error"]["code"] == "invalid_token"
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    tokens.revoke_token(token.id)
    revoked = api.get("/cases/23456789A")
    assert conforms(revoked, "Error")["error"]["code"] == "token_revoked"


def test_last_use_is_recorded_and_only_the_hash_is_stored(api, db):
    api.get("/events?since=2026-01-01T00:00:00Z")
    token = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).first()
    assert token.last_used_at is not None
    secret = api.headers["Authorization"].split()[1]
    assert token.token_hash == tokens.digest(secret) and secret not in token.token_hash


def test_another_creditors_case_is_404(api, factories):
    theirs = factories.case(api.other_creditor)
    response = api.get(f"/cases/{theirs.reference}")
    assert response.status_code == 404
    assert conforms(response, documented("get", "/cases/{reference}", 404))["error"]["code"]
    assert api.get("/cases/nonsense").status_code == 404
    assert api.get("/nowhere").get_json()["error"]["code"] == "not_found"


def test_payments_and_events_since_with_cursor_pages(api, factories, db):
    mine = [factories.case(api.creditor) for _ in range(3)]
    theirs = factories.case(api.other_creditor)
    for case in (*mine, theirs):
        add_entry(case, EntryKind.PAYMENT, -500, occurred_on=NOW.date())
    db.session.commit()
    seen, cursor = [], "0"
    while cursor:
        page = api.get(f"/payments?since=2026-06-01T00:00:00Z&limit=2&cursor={cursor}")
        body = conforms(page, documented("get", "/payments", 200))
        seen += body["data"]
        cursor = body["next_cursor"]
    assert len(seen) == 3 and {p["amount"] for p in seen} == {500}
    assert theirs.reference not in {p["case_reference"] for p in seen}
    events = conforms(api.get("/events?since=2026-01-01"), documented("get", "/events", 200))
    assert events["data"] and theirs.reference not in {e["case_reference"] for e in events["data"]}
    later = api.get("/payments?since=2026-06-02T00:00:00%2B00:00").get_json()
    assert later == {"data": [], "next_cursor": None}
    for query in ("since=yesterday", "since=2026-01-01&limit=0", "since=2026-01-01&cursor=-1"):
        response = api.get(f"/payments?{query}")
        assert response.status_code == 400 and conforms(response, "Error")


def test_rate_limited_per_token(api, web_app):
    web_app.config["API_RATE_PER_MINUTE"] = 2
    try:
        codes = [api.get("/events?since=2026-01-01").status_code for _ in range(3)]
        limited = api.get("/events?since=2026-01-01")
        other = api.get(
            "/events?since=2026-01-01", headers={"Authorization": f"Bearer {api.other_secret}"}
        )
    finally:
        web_app.config["API_RATE_PER_MINUTE"] = 120
    assert codes == [200, 200, 429] and limited.headers["Retry-After"]
    assert conforms(limited, "Error")["error"]["code"] == "rate_limited"
    assert other.status_code == 200  # another token has its own budget


def test_openapi_document_and_its_page(client):
    document_ = client.get("/api/v1/openapi.json").get_json()
    assert document_["openapi"] == "3.1.0" and "/cases" in document_["paths"]
    jsonschema.Draft202012Validator.check_schema(
        {"$defs": document_["components"]["schemas"]}
    )  # every schema is itself valid JSON Schema
    page = client.get("/api/v1/docs").text
    assert "POST /api/v1/cases" in page and "Idempotency-Key" in page and "https://" not in page


def test_cli_creates_lists_and_revokes_tokens(runner, factories, db):
    creditor = factories.creditor()
    made = runner.invoke(args=["portal", "api-token", "create", "--creditor", creditor.id])
    assert made.exit_code == 0
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("amb_")
    assert tokens.authenticate(secret).creditor_id == creditor.id
    listed = runner.invoke(args=["portal", "api-token", "list", "--creditor", creditor.id])
    token_id = int(listed.output.split()[0])
    assert secret not in listed.output and secret[:12] in listed.output
    assert runner.invoke(args=["portal", "api-token", "revoke", str(token_id)]).exit_code == 0
    with pytest.raises(tokens.TokenRefused):
        tokens.authenticate(secret)
    unknown = runner.invoke(args=["portal", "api-token", "create", "--creditor", 9999])
    assert unknown.exit_code == 1 and "No creditor" in unknown.output
