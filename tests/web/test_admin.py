"""Admin pages: roles, staff invitations, deactivation, creditors, policy, reminders, agency,
and the audit log; bad input saves nothing; every change is audited with before and after."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    ActorKind,
    Agency,
    AuditEvent,
    Creditor,
    PlanPolicy,
    ReminderStep,
    Role,
    StaffUser,
)
from portal.models.audit import AuditIsAppendOnly
from portal.services import audit
from tests.conftest import post_form, staff_log_in

EN = {"Accept-Language": "en"}


@pytest.fixture
def admin_client(web_app, factories):
    admin = factories.staff(Role.ADMIN, language="en")
    client = web_app.test_client()
    assert staff_log_in(client, admin).status_code == 303
    client.admin = admin
    return client


def last_event(action: str) -> AuditEvent:
    return db.session.scalars(
        select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id.desc())
    ).first()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.CREDITOR])
def test_collectors_and_creditor_users_get_403(web_app, factories, role):
    client = web_app.test_client()
    staff_log_in(client, factories.staff(role))
    creditor = factories.creditor()
    for url in ("/admin/", "/admin/users", "/admin/audit", "/admin/audit.csv", "/admin/agency",
                "/admin/creditors", f"/admin/creditors/{creditor.id}",
                f"/admin/creditors/{creditor.id}/policy"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_an_invitation_sets_a_password_once(admin_client, web_app, smtp):
    response = post_form(
        admin_client,
        "/admin/users",
        {"email": "New.Collector@Agence.example", "name": "Nina Collector", "role": "collector",
         "creditor_id": "", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 303
    user = db.session.scalars(
        select(StaffUser).filter_by(email="new.collector@agence.example")
    ).one()
    event = last_event("admin.staff_invited")
    assert event.staff_user_id == admin_client.admin.id and event.details["before"] is None
    assert event.details["after"]["role"] == "collector"
    body = smtp.messages[-1].get_body(("plain",)).get_content()
    path = re.search(r"http://portal\.test(/staff/password/invite/\S+)", body).group(1)
    newcomer = web_app.test_client()
    new = "the river flows past the mill"
    assert post_form(newcomer, path, {"password": new, "confirm": new}).status_code == 303
    assert newcomer.get(path).status_code == 410  # once
    login = post_form(newcomer, "/staff/login", {"email": user.email, "password": new})
    assert login.headers["Location"] == "/staff/second-factor"


def test_bad_invitations_save_nothing(admin_client, factories):
    taken = factories.staff(Role.COLLECTOR)
    before = count(StaffUser)
    for data, message in [
        ({"email": taken.email, "name": "X", "role": "collector"}, "already has this e-mail"),
        ({"email": "not-an-address", "name": "X", "role": "collector"}, "not valid"),
        ({"email": "c@test.example", "name": "X", "role": "creditor"}, "needs a creditor"),
    ]:
        response = post_form(admin_client, "/admin/users",
                             {"creditor_id": "", "language": "en", **data}, headers=EN)  # fmt: skip
        assert response.status_code == 422 and message in response.text
    assert count(StaffUser) == before


def test_deactivation_ends_sessions_at_once(admin_client, web_app, factories):
    collector = factories.staff(Role.COLLECTOR)
    theirs = web_app.test_client()
    staff_log_in(theirs, collector)
    assert theirs.get("/staff/cases/").status_code == 200
    done = post_form(
        admin_client, "/admin/users", {}, post_url=f"/admin/users/{collector.id}/deactivate"
    )
    assert done.status_code == 303
    assert theirs.get("/staff/cases/").status_code == 302
    event = last_event("admin.staff_deactivated")
    assert event.details["before"]["active"] is True and event.details["after"]["active"] is False
    assert staff_log_in(web_app.test_client(), collector).status_code == 422


def test_admin_resets_a_second_factor(admin_client, web_app, factories):
    collector = factories.staff(Role.COLLECTOR)
    post_form(admin_client, "/admin/users", {},
              post_url=f"/admin/users/{collector.id}/reset-second-factor")  # fmt: skip
    db.session.expire_all()
    assert db.session.get(StaffUser, collector.id).totp_secret is None
    assert last_event("admin.staff_second_factor_reset").staff_user_id == admin_client.admin.id


CREDITOR = {
    "legal_name": "Eau Claire SA", "siren": "732 829 320", "vat_number": "",
    "address_line1": "3 quai du Rhône", "address_line2": "", "postcode": "69002", "city": "Lyon",
    "contact_email": "contact@eauclaire.example", "currency": "EUR",
    "verification_factor": "postcode", "commission_rate": "12,5",
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"siren": "732829321"}, "This SIREN is not valid"),
        ({"commission_rate": "100.5"}, "between 0 and 100"),
        ({"commission_rate": "abc"}, "between 0 and 100"),
        ({"contact_email": "nobody"}, "e-mail address is not valid"),
        ({"legal_name": ""}, "This field is required"),
    ],
)
def test_bad_creditor_input_saves_nothing(admin_client, change, message):
    before = count(Creditor)
    response = post_form(admin_client, "/admin/creditors/new", {**CREDITOR, **change}, headers=EN)
    assert response.status_code == 422 and message in response.text
    assert count(Creditor) == before


def test_a_creditor_is_created_then_changed_with_before_and_after(admin_client):
    response = post_form(admin_client, "/admin/creditors/new", CREDITOR)
    assert response.status_code == 303
    creditor = db.session.scalars(select(Creditor).filter_by(siren="732829320")).one()
    assert creditor.commission_rate_bp == 1250
    url = f"/admin/creditors/{creditor.id}"
    post_form(admin_client, url, {**CREDITOR, "verification_factor": "date_of_birth"})
    event = last_event("admin.creditor_changed")
    assert event.details["before"]["verification_factor"] == "postcode"
    assert event.details["after"]["verification_factor"] == "date_of_birth"


def _policy_form(page: str) -> dict:
    fields = dict(re.findall(r'name="((?:band-|grace|break)[^"]*)" value="([^"]*)"', page))
    for name, value in re.findall(r'name="(band-\d+-freq-\w+)" value="(\w+)" checked', page):
        fields.setdefault(name, [])
        if isinstance(fields[name], list):
            fields[name].append(value)
    return fields


def test_policy_preview_and_overlapping_bands(admin_client, factories):
    creditor = factories.creditor()
    url = f"/admin/creditors/{creditor.id}/policy"
    fields = _policy_form(admin_client.get(url).text)
    preview = post_form(admin_client, url, {**fields, "sample": "750.00", "action": "preview"},
                        headers=EN)  # fmt: skip
    assert preview.status_code == 200
    shown = re.sub(r"\s+", " ", preview.text)
    assert "up to 6 instalments approved automatically, 10 with a collector" in shown
    overlapping = {**fields, "band-1-from": fields["band-0-from"], "action": "save"}
    refused = post_form(admin_client, url, overlapping, headers=EN)
    assert refused.status_code == 422 and "Bands overlap" in refused.text
    assert count(PlanPolicy) == 0
    saved = post_form(admin_client, url, {**fields, "band-0-max_count-auto": "2", "action": "save"})
    assert saved.status_code == 303
    event = last_event("admin.creditor_policy_changed")
    assert event.details["before"]["bands"][0]["max_count"] == [3, 4]
    assert event.details["after"]["bands"][0]["max_count"] == [2, 4]


def _steps(*rows):
    data = {}
    for i, (offset, channel, template, tone) in enumerate(rows):
        data.update({f"step-{i}-offset": offset, f"step-{i}-channel": channel,
                     f"step-{i}-template": template, f"step-{i}-tone": tone})  # fmt: skip
    return data


def test_reminder_steps_out_of_order_or_on_one_day_are_refused(admin_client, factories):
    creditor = factories.creditor()
    url = f"/admin/creditors/{creditor.id}/reminders"
    first = ("0", "email", "first_notice", "courteous")
    for later in (
        [("10", "email", "reminder", "firm"), ("5", "email", "reminder", "firm")],
        [("8", "email", "reminder", "firm"), ("8", "letter", "formal_notice", "formal")],
    ):
        refused = post_form(admin_client, url, _steps(first, *later), headers=EN)
        assert refused.status_code == 422 and "Steps must be in order" in refused.text
    assert count(ReminderStep) == 0
    ok = post_form(admin_client, url, _steps(first, ("9", "email", "reminder", "firm")))
    assert ok.status_code == 303 and count(ReminderStep) == 2
    assert last_event("admin.creditor_reminders_changed").details["after"] == [
        "0:email:first_notice:courteous",
        "9:email:reminder:firm",
    ]


def test_agency_identity_with_a_bad_iban_saves_nothing(admin_client):
    data = {"legal_name": "Agence Sud SAS", "siren": "552100554", "address_line1": "1 cours X",
            "address_line2": "", "postcode": "13001", "city": "Marseille",
            "email": "contact@sud.example", "phone": "", "bic": "AGRIFRPP",
            "iban": "FR76 3000 6000 0112 3456 7890 188"}  # fmt: skip
    refused = post_form(admin_client, "/admin/agency", data, headers=EN)
    assert refused.status_code == 422 and "This IBAN is not valid" in refused.text
    assert count(Agency) == 0
    data["iban"] = "FR76 3000 6000 0112 3456 7890 189"
    assert post_form(admin_client, "/admin/agency", data).status_code == 303
    event = last_event("admin.agency_changed")
    assert event.details["before"] is None and event.details["after"]["iban"].startswith("FR76")


def test_audit_log_filters_and_csv_escapes_formulas(admin_client, factories):
    case = factories.case()
    audit.record("note.added", actor=ActorKind.SYSTEM, case_id=case.id, text="=HYPERLINK(1)")
    audit.record("other.thing", actor=ActorKind.SYSTEM, text="+1", who="@x", minus="-2")
    db.session.commit()
    page = admin_client.get("/admin/audit", query_string={"action": "note.added"}).text
    assert page.count('data-testid="audit-row"') == 1
    exported = admin_client.get("/admin/audit.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:5] == ["id", "time_utc", "actor_kind", "staff_email", "action"]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    details = [r[7] for r in rows[1:] if r[4] == "note.added"][0]
    assert "HYPERLINK" in details
    only = admin_client.get("/admin/audit.csv", query_string={"action": "other"}).get_data(
        as_text=True
    )
    assert len(list(csv.reader(io.StringIO(only)))) == 2


def test_the_audit_log_per_case_and_append_only(admin_client, factories):
    mine, other = factories.case(), factories.case()
    audit.record("note.added", actor=ActorKind.SYSTEM, case_id=mine.id)
    audit.record("note.added", actor=ActorKind.SYSTEM, case_id=other.id)
    db.session.commit()
    query = {"case": mine.display_reference, "action": "note.added"}
    page = admin_client.get("/admin/audit", query_string=query).text
    assert page.count('data-testid="audit-row"') == 1
    unknown = admin_client.get("/admin/audit", query_string={"case": "nonsense"}).text
    assert unknown.count('data-testid="audit-row"') == 0
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "rewritten"
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
