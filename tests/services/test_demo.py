"""Demo data: varied, idempotent, same logins every time."""

import json

from sqlalchemy import func, select

from portal.domain.references import normalize
from portal.models import Case, LedgerEntry, StaffUser
from portal.services.access.login import login_debtor, login_staff
from portal.services.cases.overview import overview
from portal.services.demo import load_demo
from tests.services.test_auth import LIMITS


def test_demo_is_varied_and_idempotent(app, db):
    debtors, staff = load_demo(app.config["SECRET_KEY"])
    counts = (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(LedgerEntry.id))),
    )
    again, staff_again = load_demo(app.config["SECRET_KEY"])
    assert counts == (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(LedgerEntry.id))),
    )
    assert 18 <= counts[0] <= 25
    assert [d.reference for d in again] == [d.reference for d in debtors]
    assert staff_again == staff
    assert {s.role for s in staff} == {"collector", "creditor", "admin"}
    kinds = {d.factor_kind for d in debtors}
    assert kinds == {"postcode", "date_of_birth"}
    cases = db.session.execute(select(Case)).scalars().all()
    assert {c.debtor.kind for c in cases} == {"consumer", "professional"}
    assert any(len(c.debt_lines) > 1 for c in cases)
    assert any(0 < overview(c).paid < overview(c).charged for c in cases)


def test_every_printed_login_works(app, db):
    debtors, staff = load_demo(app.config["SECRET_KEY"])
    for d in debtors:
        case_id = login_debtor(d.reference, d.factor, "203.0.113.1", LIMITS)
        assert db.session.get(Case, case_id).reference == normalize(d.reference)
        assert d.link.startswith(app.config["PORTAL_BASE_URL"] + "/l/")
    for s in staff:
        assert login_staff(s.email, s.password, "203.0.113.2", LIMITS).role == s.role
    assert db.session.scalar(select(func.count(StaffUser.id))) == 3


def test_cli_json_shape(runner):
    result = runner.invoke(args=["portal", "demo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"debtors", "staff"}
    assert set(data["debtors"][0]) == {"reference", "factor_kind", "factor", "link"}
    assert set(data["staff"][0]) == {"email", "password", "role", "totp_secret"}
    assert all(bool(s["totp_secret"]) == (s["role"] != "creditor") for s in data["staff"])
    text_run = runner.invoke(args=["portal", "demo"])
    assert data["staff"][0]["password"] in text_run.output


def test_create_staff_command(runner, db, factories):
    creditor = factories.creditor()
    ok = runner.invoke(
        args=[
            "portal",
            "create-staff",
            "--email",
            "New@Test.example",
            "--name",
            "N",
            "--role",
            "creditor",
            "--creditor-id",
            str(creditor.id),
        ],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert ok.exit_code == 0, ok.output
    user = db.session.execute(select(StaffUser).filter_by(email="new@test.example")).scalar_one()
    assert user.creditor_id == creditor.id
    unbound = runner.invoke(
        args=[
            "portal",
            "create-staff",
            "--email",
            "x@test.example",
            "--name",
            "X",
            "--role",
            "creditor",
            "--password",
            "a-long-enough-password",
        ]
    )
    assert unbound.exit_code != 0 and "creditor" in unbound.output
    short = runner.invoke(
        args=[
            "portal",
            "create-staff",
            "--email",
            "y@test.example",
            "--name",
            "Y",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0 and "12 characters" in short.output


def test_a_demo_case_has_its_formal_notice_letter_once(app, db):
    from portal.models import Channel, Message
    from portal.services.reminders.letters import case_letters, letter_pdf

    load_demo(app.config["SECRET_KEY"])
    load_demo(app.config["SECRET_KEY"])
    letters = db.session.execute(select(Message).where(Message.channel == Channel.LETTER))
    letters = letters.scalars().all()
    assert sorted(m.template for m in letters) == ["letter_first_notice", "letter_formal_notice"]
    case = db.session.get(Case, letters[0].case_id)
    assert [m.template for m in case_letters(case.id)][0] == "letter_formal_notice"
    formal = next(m for m in letters if m.template == "letter_formal_notice")
    assert letter_pdf(formal, case).startswith(b"%PDF")
