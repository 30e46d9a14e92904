"""Writing ledger entries: rules enforced by the domain, the ORM and the database."""

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from portal.domain.ledger import CollectionFeeNotAllowed, DebtorKind, EntryKind
from portal.models import AuditEvent, LedgerEntry, LedgerIsAppendOnly
from portal.services.cases.ledger import add_entry
from portal.services.cases.overview import overview

TODAY = dt.date(2026, 6, 1)


def test_collection_fee_on_a_consumer_is_refused_and_nothing_is_written(db, factories):
    case = factories.case(debtor_=factories.debtor(DebtorKind.CONSUMER))
    before = db.session.execute(select(LedgerEntry)).scalars().all()
    with pytest.raises(CollectionFeeNotAllowed):
        add_entry(case, EntryKind.FEE, 4000, occurred_on=TODAY)
    db.session.commit()
    assert db.session.execute(select(LedgerEntry)).scalars().all() == before


def test_recovery_indemnity_on_a_professional_is_recorded_and_audited(db, factories):
    case = factories.case(debtor_=factories.debtor(DebtorKind.PROFESSIONAL), lines=(10_000,))
    add_entry(case, EntryKind.FEE, 4000, occurred_on=TODAY)
    db.session.commit()
    assert overview(case).balance == 14_000
    actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.case_id == case.id))
    assert list(actions.scalars()).count("ledger.entry_added") == 2


def test_entries_cannot_be_changed_or_deleted(db, factories):
    case = factories.case(lines=(5_000,))
    entry = db.session.execute(select(LedgerEntry)).scalar_one()
    entry.amount = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(LedgerEntry, entry.id))
    with pytest.raises(LedgerIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert overview(case).balance == 5_000


def test_database_refuses_a_wrong_sign_even_past_the_domain(db, factories):
    case = factories.case()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO ledger_entries"
                " (case_id, kind, amount, currency, occurred_on, created_at) VALUES"
                " (:c, 'payment', 500, 'EUR', '2026-01-01', '2026-01-01 00:00:00+00')"
            ),
            {"c": case.id},
        )
    db.session.rollback()


@pytest.mark.postgres
def test_postgres_refuses_raw_updates_of_the_ledger(db, factories):
    factories.case()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE ledger_entries SET amount = 1"))
    db.session.rollback()
