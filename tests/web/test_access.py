"""Every route with every role, and with another party's case."""

import pytest

from portal.models import CallbackRequest, Role
from portal.models.base import utcnow
from portal.security import make_case_token
from portal.services.disputes import debtor as disputes
from portal.services.disputes import decide
from portal.services.reminders import letters
from portal.services.reminders.controls import unsubscribe_token
from tests.conftest import post_form, staff_log_in

ROLES = ["anonymous", "debtor", "collector", "creditor", "other_creditor", "admin"]


@pytest.fixture
def world(factories, db):
    """Two creditors, a case for each, a debtor logged in on case A, staff of every kind."""
    factories.agency()
    a, b = factories.creditor(), factories.creditor()
    case_a = factories.case(a)
    message = factories.recorded_message(case_a)
    letter = letters.record_letter(
        key="access-letter",
        case=case_a,
        agency=None,
        facts=letters.LetterFacts("first_notice", f"{case_a.display_reference}-1", utcnow()),
        language="fr",
    )
    db.session.commit()
    from portal.services.placement import imports
    from portal.services.remittances import issue as remittances
    from tests.placement_support import opener

    # A decided dispute with a proof file: its pages exist, and the case is open again.
    dispute = disputes.open_dispute(case_a.id, "other", "?", [disputes.Upload("p.pdf", b"%PDF-1")])
    staff = factories.staff(Role.COLLECTOR)
    decide.reject(dispute.id, staff.id, "No.")
    callback = CallbackRequest(case_id=case_a.id, phone="0612345678", slot_at=utcnow())
    db.session.add(callback)
    db.session.commit()
    from portal.services.api_access import tokens
    from portal.services.outgoing_webhooks import endpoints

    return {
        "endpoint": endpoints.add_endpoint(a.id, "https://hooks.example.com/a")[0],
        "token": tokens.create_token(a.id)[0],
        "callback": callback,
        "dispute": dispute,
        "placement": imports.import_csv(opener(b""), a.id),  # a rejected placement of A
        "statement": remittances.issue_statement(a.id, case_a.created_at.date()),
        "message": message,
        "letter": letter,
        "payment": factories.online_payment(case_a),
        "case_a": case_a,
        # An ended plan: its PDF and proposal pages exist, and the case may get a new proposal.
        "plan": factories.plan(case_a, status="broken"),
        "case_b": factories.case(b),
        "collector": factories.staff(Role.COLLECTOR),
        "creditor": factories.staff(Role.CREDITOR, a),
        "other_creditor": factories.staff(Role.CREDITOR, b),
        "admin": factories.staff(Role.ADMIN),
    }


def client_as(web_app, world, role):
    client = web_app.test_client()
    if role == "debtor":
        case = world["case_a"]
        r = post_form(client, "/", {"reference": case.reference, "factor": case.debtor.postcode})
        assert r.status_code == 303
    elif role != "anonymous":
        r = staff_log_in(client, world[role])
        assert r.status_code == 303, r.text
    return client


def url_for_rule(rule, world, case_key="case_a"):
    """A URL for the rule, with every argument naming something of case A (or `case_key`)."""
    case = world[case_key]
    values = {
        "reference": case.reference,
        "token": make_case_token(case.id, 1),
        "message_id": world["message"].id,
        "plan_id": world["plan"].id,
        "proposal_id": world["plan"].proposal_id,
        "letter_id": world["letter"].id,
        "payment_id": world["payment"].id,
        "unsubscribe_token": unsubscribe_token(case.debtor_id),
        "filename": "css/app.css",
        "purpose": "reset",
        "user_id": world["admin"].id,
        "creditor_id": case.creditor_id,
        "what": "deactivate",
        "endpoint_id": world["endpoint"].id,
        "token_id": world["token"].id,
        "import_id": world["placement"].import_id,
        "statement_id": world["statement"].id,
        "dispute_id": world["dispute"].id,
        "file_id": world["dispute"].files[0].id,
        "callback_id": world["callback"].id,
    }
    missing = set(rule.arguments) - set(values)
    assert not missing, f"teach url_for_rule the argument(s) {missing} of {rule.rule}"
    adapter = rule.map.bind("portal.test")
    return adapter.build(rule.endpoint, {arg: values[arg] for arg in rule.arguments})


def test_every_view_declares_its_access(web_app):
    missing = [
        rule.endpoint
        for rule in web_app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(web_app.view_functions[rule.endpoint], "access")
    ]
    assert missing == []


def expected_get(access: str, role: str, endpoint: str) -> set[int]:
    if access == "public":
        return {200, 302}
    if access == "debtor":
        return {200} if role == "debtor" else {302}
    if access == "api":
        return {401}  # a bearer token, never a session, opens the API
    allowed = access.removeprefix("staff:").split(",")
    staff_role = "creditor" if role == "other_creditor" else role
    if role in ("anonymous", "debtor"):
        return {302}
    return {200, 302} if staff_role in allowed else {403}


@pytest.mark.parametrize("role", ROLES)
def test_get_routes(web_app, world, role):
    client = client_as(web_app, world, role)
    checked = 0
    for rule in web_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        access = web_app.view_functions[rule.endpoint].access
        response = client.get(url_for_rule(rule, world))
        expected = expected_get(access, role, rule.endpoint)
        if role == "other_creditor" and rule.endpoint in (
            "creditor.case",
            "creditor.placement",
            "creditor.placement_errors",
            "creditor.remittance_pdf",
            "creditor.remittance_csv",
            "creditor.webhook_log",
        ):
            expected = {404}  # case A belongs to another creditor: not even its existence shows
        if rule.endpoint == "staff.set_password":
            expected = {410}  # a case link is no password link
        if role == "debtor" and rule.endpoint == "debtor.certificate":
            expected = {404}  # case A still owes money: no certificate of payment in full yet
        assert response.status_code in expected, (rule.rule, role, response.status_code)
        if response.status_code == 302 and access != "public":
            target = response.headers["Location"]
            assert target.startswith(("/staff/login", "/?", "/")), target
        checked += 1
    assert checked >= 9


def test_creditor_sees_only_its_own_cases(web_app, world):
    client = client_as(web_app, world, "creditor")
    listing = client.get("/creditor/cases").text
    assert world["case_a"].display_reference in listing
    assert world["case_b"].display_reference not in listing
    assert client.get(f"/creditor/cases/{world['case_b'].reference}").status_code == 404
    assert client.get(f"/creditor/cases/{world['case_a'].reference}").status_code == 200
    # Searching for the other creditor's reference finds nothing either.
    found = client.get(f"/creditor/cases?q={world['case_b'].reference}").text
    assert world["case_b"].display_reference not in found


def test_collector_sees_every_case(web_app, world):
    client = client_as(web_app, world, "collector")
    listing = client.get("/staff/cases/").text
    assert world["case_a"].display_reference in listing
    assert world["case_b"].display_reference in listing
    assert client.get("/staff/cases/NOT-A-REF").status_code == 404


def test_debtor_session_never_shows_another_case(web_app, world):
    client = client_as(web_app, world, "debtor")
    page = client.get("/case").text
    assert world["case_a"].display_reference in page
    assert world["case_b"].display_reference not in page
    assert client.get(f"/staff/cases/{world['case_b'].reference}").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_every_post_needs_a_csrf_token(web_app, world, role):
    client = client_as(web_app, world, role)
    for rule in web_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        response = client.post(url_for_rule(rule, world), data={"lang": "en"})
        if web_app.view_functions[rule.endpoint].access == "api":
            # CSRF-exempt: only a bearer token opens it, a session's cookie never does.
            assert response.status_code == 401, (rule.rule, role)
            continue
        assert response.status_code == 400, (rule.rule, role)
