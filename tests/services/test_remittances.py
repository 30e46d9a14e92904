"""Remittance statements: totals, commission, net due; issued once, never changed."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.extensions import db as _db
from portal.models import RemittanceStatement, StatementIsIssued
from portal.services.cases.ledger import add_entry
from portal.services.remittances import documents, issue

MAY = dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)
JUNE = dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC)


def move(case, kind, amount, at):
    with time_machine.travel(at):
        add_entry(case, kind, amount, occurred_on=at.date())
        _db.session.commit()


@pytest.mark.parametrize(
    "net,bp,expected", [(10_000, 1_250, 1_250), (333, 1_500, 50), (0, 1_500, 0), (-500, 1_000, 0)]
)
def test_commission_rounds_half_up_and_never_on_a_loss(net, bp, expected):
    assert issue.commission_of(net, bp) == expected


def test_statements_count_each_movement_once_and_never_change(factories, db):
    creditor = factories.creditor(commission_rate_bp=1_000)
    with time_machine.travel(MAY - dt.timedelta(days=10)):
        case = factories.case(creditor, lines=(50_000,))
        other = factories.case(lines=(50_000,))  # another creditor's money is not on it
    move(case, EntryKind.PAYMENT, -20_000, MAY)
    move(other, EntryKind.PAYMENT, -9_999, MAY)
    move(case, EntryKind.REFUND, 5_000, MAY + dt.timedelta(days=1))
    first = issue.issue_statement(creditor.id, dt.date(2026, 5, 31))
    assert (first.number, first.received, first.reversed) == (1, 20_000, 5_000)
    assert (first.commission, first.net_due) == (1_500, 13_500)
    move(case, EntryKind.PAYMENT, -10_000, JUNE)
    second = issue.issue_statement(creditor.id, dt.date(2026, 6, 30))
    assert (second.number, second.period_start) == (2, dt.date(2026, 6, 1))
    assert (second.received, second.reversed, second.net_due) == (10_000, 0, 9_000)
    with pytest.raises(issue.NothingToIssue):
        issue.issue_statement(creditor.id, dt.date(2026, 6, 15))  # already covered
    first.net_due = 0
    with pytest.raises(StatementIsIssued):
        db.session.commit()
    db.session.rollback()
    stored = db.session.scalars(
        select(RemittanceStatement.net_due).order_by(RemittanceStatement.number)
    ).all()
    assert stored == [13_500, 9_000]


def test_pdf_and_csv(app, factories, db):
    creditor = factories.creditor(commission_rate_bp=1_250)
    with time_machine.travel(MAY - dt.timedelta(days=10)):
        case = factories.case(creditor, lines=(50_000,))
    move(case, EntryKind.PAYMENT, -10_000, MAY)
    statement = issue.issue_statement(creditor.id, dt.date(2026, 5, 31))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        pdf = documents.statement_pdf(statement)
        text = "".join(documents.statement_csv(statement))
    assert pdf.startswith(b"%PDF")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "date;reference;external reference;kind;amount"
    assert lines[1].endswith(";payment;100.00") and lines[-1].endswith(";net amount due;87.50")


def test_the_command_covers_until_yesterday_in_paris(app, factories, db):
    creditor = factories.creditor(commission_rate_bp=1_000)
    new_year = dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(new_year - dt.timedelta(days=10)):
        case = factories.case(creditor, lines=(50_000,))
    move(case, EntryKind.PAYMENT, -20_000, new_year)
    with time_machine.travel(dt.datetime(2027, 1, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        result = app.test_cli_runner().invoke(
            args=["portal", "issue-remittance", "--creditor", str(creditor.id)]
        )  # 00:30 on 2 January in Paris: 1 January is yesterday there
    assert result.exit_code == 0, result.output
    assert "to 2027-01-01): received 20000" in result.output
