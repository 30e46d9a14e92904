"""Placing cases from CSV: all or nothing, every fault reported, nothing twice, bulk loading."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.factors import FactorKind
from portal.domain.ledger import EntryKind
from portal.models import AuditEvent, Case, DebtLine, LedgerEntry, PlacementImport
from portal.services.placement import imports, load
from portal.services.reminders.due import count_due
from tests.placement_support import csv_bytes, opener, row

TODAY = dt.date(2026, 6, 1)


def place(creditor, data: bytes, **kwargs) -> imports.Outcome:
    return imports.import_csv(opener(data), creditor.id, today=TODAY, **kwargs)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_rows_of_one_case_anywhere_in_the_file_make_one_case(factories, db):
    creditor = factories.creditor()
    data = csv_bytes([
        row(1), row(2, debtor_type="professional", company_name="ACME SARL", last_name="",
                    interest="12,40", recovery_indemnity="40,00", basis="contract"),
        row(1, document_number="F-1b", principal="10.00", basis="other"),
    ])  # fmt: skip
    outcome = place(creditor, data)
    assert (outcome.status, outcome.rows, outcome.cases) == ("loaded", 3, 2)
    cases = {c.external_reference: c for c in db.session.scalars(select(Case))}
    assert len(cases["EXT-1"].debt_lines) == 2
    assert [d.basis for d in cases["EXT-1"].debt_lines] == ["invoice", "other"]
    kinds = db.session.execute(
        select(LedgerEntry.case_id, LedgerEntry.kind, LedgerEntry.amount).order_by(LedgerEntry.id)
    ).all()
    pro = cases["EXT-2"].id
    assert sorted((k, a) for c, k, a in kinds if c == pro) == sorted(
        [(EntryKind.PRINCIPAL, 123456), (EntryKind.INTEREST, 1240), (EntryKind.FEE, 4000)]
    )
    assert sum(a for c, _, a in kinds if c == cases["EXT-1"].id) == 123456 + 1000
    assert all(len(c.reference) == 9 and c.status == "open" for c in cases.values())
    placed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.placed"))
    assert {e.case_id for e in placed} == {c.id for c in cases.values()}


def test_placed_cases_enter_the_reminder_sequence(factories, db):
    creditor = factories.creditor()
    place(creditor, csv_bytes([row(1), row(2)]))
    at = dt.datetime(2026, 6, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        assert count_due(at) == 2


def test_one_bad_row_loads_nothing_and_every_fault_is_reported(factories, db):
    creditor = factories.creditor()
    data = csv_bytes([
        row(1),
        row(2, principal="abc", email="nope"),
        row(3, recovery_indemnity="40"),  # a consumer: no collection fee
        row(1, document_number="F-1"),  # the same line twice
        row(4, due_on="2026-07-01"),
    ])  # fmt: skip
    outcome = place(creditor, data)
    assert outcome.status == "rejected"
    assert [(e.line, e.column, e.code) for e in outcome.errors] == [
        (3, "email", "email"),
        (3, "principal", "amount"),
        (4, "recovery_indemnity", "fee_consumer"),
        (5, "document_number", "duplicate_line"),
        (6, "due_on", "not_yet_due"),
    ]
    assert count(db, Case) == count(db, LedgerEntry) == count(db, DebtLine) == 0
    stored = db.session.get(PlacementImport, outcome.import_id)
    assert stored.status == "rejected" and stored.error_count == 5
    assert stored.errors[1] == {"line": 3, "column": "principal", "value": "abc",
                                "code": "amount", "params": {}}  # fmt: skip


def test_the_same_file_again_creates_nothing(factories, db):
    creditor = factories.creditor()
    data = csv_bytes([row(1), row(2)])
    first = place(creditor, data)
    again = place(creditor, data)
    assert again.status == "already" and again.import_id == first.import_id
    assert count(db, Case) == 2


def test_an_external_reference_already_placed_is_refused(factories, db):
    creditor = factories.creditor()
    place(creditor, csv_bytes([row(1)]))
    outcome = place(creditor, csv_bytes([row(2), row(1, document_number="F-9")]))
    assert [(e.line, e.code) for e in outcome.errors] == [(3, "already_placed")]
    assert count(db, Case) == 1
    other = factories.creditor()  # another creditor's references are its own
    assert place(other, csv_bytes([row(1)])).status == "loaded"


def test_rows_of_one_case_must_name_the_same_debtor(factories, db):
    outcome = place(factories.creditor(), csv_bytes([row(1), row(1, document_number="F-2",
                                                                  city="Paris")]))  # fmt: skip
    assert [(e.line, e.code, e.params) for e in outcome.errors] == [
        (3, "case_differs", {"line": 2})
    ]


def test_date_of_birth_creditors_need_it_on_every_row(factories, db):
    creditor = factories.creditor(FactorKind.DATE_OF_BIRTH)
    outcome = place(creditor, csv_bytes([row(1, date_of_birth="")]))
    assert [(e.column, e.code) for e in outcome.errors] == [("date_of_birth", "required")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_encodings_and_delimiters(factories, db, encoding, delimiter):
    creditor = factories.creditor()
    data = csv_bytes([row(1, city="Besançon", principal="1 234,56")], delimiter, encoding)
    assert place(creditor, data).status == "loaded"
    case = db.session.scalars(select(Case)).one()
    assert case.debtor.city == "Besançon"


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"external_reference;debtor_type\r\nA;consumer\r\n", "missing_columns"),
        (csv_bytes([]), "no_rows"),
        (csv_bytes([row(1)]).replace(b"external_reference", b"external_ref"), "unknown_columns"),
        (csv_bytes([row(1)]) + b'EXT-2;"unterminated\r\n' + b"x" * 20_000, "bad_csv"),
        ("external_reference\r\n\u00e9".encode("utf-8")[:-1] + b"\x81\x8d", "encoding"),
    ],
)
def test_bad_files_load_nothing_with_a_clear_reason(factories, db, data, code):
    outcome = place(factories.creditor(), data)
    assert outcome.status == "rejected" and [e.code for e in outcome.errors] == [code]
    assert count(db, Case) == 0


def test_unknown_creditor(factories):
    with pytest.raises(imports.UnknownCreditor):
        imports.import_csv(opener(b"x"), 999)
    with pytest.raises(imports.UnknownCreditor):
        imports.import_csv(opener(b"x"), 2**64)


def test_many_rows_go_in_batches_with_unique_references(factories, db, monkeypatch):
    monkeypatch.setattr(load, "BATCH", 7)
    creditor = factories.creditor()
    rows = [row(n % 40, document_number=f"F-{n}") for n in range(100)]
    outcome = place(creditor, csv_bytes(rows))
    assert (outcome.status, outcome.cases) == ("loaded", 40)
    assert count(db, DebtLine) == 100
    assert db.session.scalar(select(func.count(func.distinct(Case.reference)))) == 40
    total = db.session.scalar(select(func.sum(LedgerEntry.amount)))
    assert total == 100 * 123456


def test_references_never_collide_with_existing_ones(factories, db, monkeypatch):
    existing = factories.case()
    made = iter([existing.reference, existing.reference, "23456789A"])
    monkeypatch.setattr(load.references, "generate", lambda: next(made))
    assert load.new_references(1) != [existing.reference]


@pytest.mark.parametrize("via", ["csv", "api"])
def test_a_debt_due_today_in_paris_is_accepted_late_in_the_utc_day(factories, db, via):
    creditor = factories.creditor()
    cells = {"due_on": "2026-07-01", "issued_on": "2026-06-15"}
    with time_machine.travel(dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC), tick=False):
        if via == "csv":  # 00:30 on 1 July in Paris: the debt fell due today, not tomorrow
            outcome = imports.import_csv(opener(csv_bytes([row(1, **cells)])), creditor.id)
        else:
            case = {k: v for k, v in row(1, **cells).items()}
            lines = {k: case.pop(k) for k in ("basis", "document_number", "issued_on",
                                               "due_on", "principal")}  # fmt: skip
            outcome = imports.place_cases([case | {"lines": [lines]}], creditor.id)
    assert outcome.status == "loaded", outcome
