"""A case's totals (charged, collected, balance, oldest due date) follow every write."""

import datetime as dt

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.models import Case, DebtLine, LedgerEntry, case_totals
from portal.models.case_totals import CreditorMonth
from portal.services.cases.ledger import add_entry
from portal.services.sql_bulk import insert_rows

TODAY = dt.date(2026, 6, 1)


def totals(db, case_id):
    return db.session.execute(
        select(Case.charged, Case.collected, Case.balance, Case.oldest_due_on).where(
            Case.id == case_id
        )
    ).one()


def test_every_kind_of_entry_moves_the_totals_and_the_loaded_case_sees_it(db, factories):
    case = factories.case(lines=(10_000,), interest=500)
    assert (case.charged, case.collected, case.balance) == (10_500, 0, 10_500)
    add_entry(case, EntryKind.PAYMENT, -3_000, occurred_on=TODAY)
    add_entry(case, EntryKind.REFUND, 1_000, occurred_on=TODAY)  # a payment given back
    add_entry(case, EntryKind.INTEREST, 700, occurred_on=TODAY)
    add_entry(case, EntryKind.WRITE_OFF, -1_200, occurred_on=TODAY)
    add_entry(case, EntryKind.ADJUSTMENT, -100, occurred_on=TODAY)
    db.session.flush()
    # The same object, before any commit: read again from the database, not left stale.
    assert (case.charged, case.collected, case.balance) == (11_200, 2_000, 7_900)


def test_rows_written_in_bulk_move_the_totals_once_per_row(db, factories):
    """The placement import's path: insert_rows (COPY on PostgreSQL), several rows per case."""
    a = factories.case(lines=(10_000,))
    b = factories.case(a.creditor, lines=(4_000,))
    rows = [
        (a, EntryKind.PAYMENT, -2_500),
        (b, EntryKind.INTEREST, 300),
        (a, EntryKind.PAYMENT, -500),
        (b, EntryKind.PAYMENT, -4_300),
    ]
    insert_rows(
        LedgerEntry.__table__,
        [
            {
                "case_id": c.id,
                "creditor_id": c.creditor_id,
                "kind": kind,
                "amount": amount,
                "currency": "EUR",
                "occurred_on": TODAY,
            }
            for c, kind, amount in rows
        ],
    )
    assert totals(db, a.id)[:3] == (10_000, 3_000, 7_000)
    assert totals(db, b.id)[:3] == (4_300, 4_300, 0)


def test_the_oldest_due_date_follows_the_debt_lines(db, factories):
    case = factories.case(lines=(10_000,))  # due 30 days before 2026-06-01
    assert totals(db, case.id)[3] == dt.date(2026, 5, 2)
    for due in (dt.date(2026, 5, 20), dt.date(2026, 4, 1)):
        db.session.add(
            DebtLine(
                case_id=case.id,
                basis="invoice",
                document_number=f"F-{due}",
                issued_on=due - dt.timedelta(days=30),
                due_on=due,
            )
        )
        db.session.flush()
    assert totals(db, case.id)[3] == dt.date(2026, 4, 1)


def test_a_new_entry_through_the_orm_gets_its_cases_creditor(db, factories):
    case = factories.case(lines=(10_000,))
    entry = LedgerEntry(
        case_id=case.id, kind=EntryKind.FEE, amount=100, currency="EUR", occurred_on=TODAY
    )
    db.session.add(entry)
    db.session.commit()
    assert entry.creditor_id == case.creditor_id


def test_the_migration_fills_the_totals_of_existing_cases(app, db, factories):
    case = factories.case(lines=(10_000, 5_000), interest=200, payments=(1_000,))
    other = factories.case(lines=(3_000,))
    case_id, other_id = case.id, other.id
    db.session.remove()
    downgrade(revision="a7d3c9e1f5b2")
    try:
        upgrade()
    finally:
        upgrade()  # the next tests need the whole schema, whatever happened
    assert totals(db, case_id) == (15_400, 1_000, 14_400, dt.date(2026, 5, 2))
    assert totals(db, other_id)[:3] == (3_000, 0, 3_000)
    assert db.session.scalar(select(LedgerEntry.creditor_id).where(LedgerEntry.case_id == other_id))
    with db.engine.connect() as conn:
        assert case_totals.mismatches(conn) == []
        assert case_totals.month_mismatches(conn) == []
    assert db.session.scalar(select(CreditorMonth.collected)) == 1_000


def test_money_in_is_rolled_up_per_creditor_and_month(db, factories):
    case = factories.case(lines=(50_000,))
    other = factories.case(lines=(50_000,))
    add_entry(case, EntryKind.PAYMENT, -10_000, occurred_on=dt.date(2026, 4, 30))
    add_entry(case, EntryKind.PAYMENT, -3_000, occurred_on=dt.date(2026, 5, 1))
    add_entry(case, EntryKind.REFUND, 1_000, occurred_on=dt.date(2026, 5, 20))
    add_entry(case, EntryKind.WRITE_OFF, -500, occurred_on=dt.date(2026, 5, 20))  # not money
    add_entry(other, EntryKind.PAYMENT, -7_000, occurred_on=dt.date(2026, 5, 2))
    db.session.commit()
    months = db.session.execute(
        select(CreditorMonth.month, CreditorMonth.collected)
        .where(CreditorMonth.creditor_id == case.creditor_id)
        .order_by(CreditorMonth.month)
    ).all()
    assert months == [(dt.date(2026, 4, 1), 10_000), (dt.date(2026, 5, 1), 2_000)]


def test_a_debt_lines_due_date_changed_moves_the_oldest_due_date(db, factories):
    case = factories.case(lines=(1_000, 2_000))
    first, second = case.debt_lines
    for line, due in ((first, dt.date(2024, 3, 1)), (second, dt.date(2025, 1, 15))):
        line.issued_on, line.due_on = due - dt.timedelta(days=30), due
    db.session.commit()
    assert totals(db, case.id).oldest_due_on == dt.date(2024, 3, 1)
    first.due_on = dt.date(2025, 6, 1)  # a later date: the minimum is the other line's now
    db.session.commit()
    assert totals(db, case.id).oldest_due_on == dt.date(2025, 1, 15)
