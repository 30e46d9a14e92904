"""Placement rows and files read without a database: amounts, dates, formulas, encodings."""

import datetime as dt
import io

import pytest

from portal.domain.factors import FactorKind
from portal.services.placement.csvfile import FileProblem, records, scan
from portal.services.placement.messages import csv_lines, escape_cell
from portal.services.placement.rows import looks_like_formula, parse_date, validate_row

TODAY = dt.date(2026, 6, 1)
GOOD = {
    "external_reference": "EXT-1",
    "debtor_type": "consumer",
    "last_name": "Durand",
    "address_line1": "8 rue Victor Hugo",
    "postcode": "69003",
    "city": "Lyon",
    "basis": "invoice",
    "document_number": "F-1",
    "issued_on": "2026-03-01",
    "due_on": "01/04/2026",
    "principal": "1 234,56",
}


def check(factor=FactorKind.POSTCODE, **cells):
    return validate_row(7, {**GOOD, **cells}, factor=factor, currency="EUR", today=TODAY)


@pytest.mark.parametrize(
    "text,minor",
    [("1234.56", 123456), ("1 234,56", 123456), ("1\u00a0234,56", 123456),
     ("1\u202f234,56", 123456), ("12", 1200), ("0,5", 50)],
)  # fmt: skip
def test_amounts_in_both_notations(text, minor):
    case, line, errors = check(principal=text)
    assert errors == [] and line.principal == minor


def test_dates_iso_and_day_first():
    assert parse_date("2026-03-01") == parse_date("01/03/2026") == dt.date(2026, 3, 1)
    assert parse_date("31/02/2026") is None and parse_date("March 1") is None


@pytest.mark.parametrize(
    "cells,column,code",
    [
        ({"principal": "abc"}, "principal", "amount"),
        ({"principal": "0"}, "principal", "amount_zero"),
        ({"principal": "-5"}, "principal", "amount"),
        ({"principal": "12,345"}, "principal", "decimals"),
        ({"email": "nope"}, "email", "email"),
        ({"postcode": "6900"}, "postcode", "postcode"),
        ({"due_on": "2026-07-01"}, "due_on", "not_yet_due"),
        ({"due_on": "2026-02-01"}, "due_on", "due_before_issue"),
        ({"issued_on": "2026-13-01"}, "issued_on", "date"),
        ({"debtor_type": "alien"}, "debtor_type", "choice"),
        ({"basis": "rent"}, "basis", "choice"),
        ({"last_name": ""}, "last_name", "required"),
        ({"external_reference": '=HYPERLINK("x")'}, "external_reference", "formula"),
        ({"city": "@SUM(A1)"}, "city", "formula"),
        ({"recovery_indemnity": "40"}, "recovery_indemnity", "fee_consumer"),
        ({"document_number": "x" * 65}, "document_number", "too_long"),
    ],
)
def test_each_fault_is_named_with_its_column(cells, column, code):
    case, line, errors = check(**cells)
    assert case is None
    assert [(e.line, e.column, e.code) for e in errors] == [(7, column, code)]


def test_a_professional_owes_the_indemnity_and_a_phone_may_start_with_plus():
    case, line, errors = check(
        debtor_type="professional", company_name="ACME SARL", last_name="",
        recovery_indemnity="40,00", phone="+33 6 12 34 56 78",
    )  # fmt: skip
    assert errors == [] and line.recovery_indemnity == 4000 and case.phone.startswith("+33")


def test_the_date_of_birth_is_required_when_it_is_the_factor():
    _, _, errors = check(factor=FactorKind.DATE_OF_BIRTH)
    assert [e.column for e in errors] == ["date_of_birth"]
    case, _, errors = check(factor=FactorKind.DATE_OF_BIRTH, date_of_birth="14/03/1985")
    assert errors == [] and case.date_of_birth == dt.date(1985, 3, 14)


def test_formulas_are_told_from_phone_numbers_and_negative_amounts():
    assert looks_like_formula("=1+1") and looks_like_formula("+cmd|' /C calc'!A0")
    assert not looks_like_formula("+33 6 12") and not looks_like_formula("-5")


def _rows(data: bytes):
    found = scan(io.BytesIO(data))
    return found, list(records(io.BytesIO(data), found.encoding))


def test_semicolons_bom_utf8_and_windows_1252_read_the_same():
    text = "external_reference;city\r\nA;Besançon\r\n"
    header_only = "external_reference,debtor_type,last_name,address_line1,postcode,city,basis,"
    for data in (
        ("\ufeff" + text).encode("utf-8"),
        text.encode("utf-8"),
        text.encode("cp1252"),
    ):
        with pytest.raises(FileProblem) as problem:  # required columns missing
            _rows(data)
        assert problem.value.code == "missing_columns"
    full = ",".join(GOOD) + "\n" + ",".join(f'"{v}"' for v in GOOD.values()) + "\n"
    for encoding in ("utf-8-sig", "cp1252"):
        found, rows = _rows(full.replace("Lyon", "Besançon").encode(encoding))
        assert rows[0][1]["city"] == "Besançon" and rows[0][0] == 2
    found, rows = _rows(full.replace(",", ";").replace('"1 234;56"', '"1 234,56"').encode())
    assert rows[0][1]["principal"] == "1 234,56"
    assert header_only  # the column set is documented in columns.py


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (b"PK\x03\x04binary", "binary"),
        (b"a,b\x00c", "binary"),
        (b"external_reference,colour\n", "unknown_columns"),
    ],
)
def test_files_that_are_not_placement_files(data, code):
    with pytest.raises(FileProblem) as problem:
        _rows(data)
    assert problem.value.code == code


def test_export_cells_that_start_like_formulas_are_escaped():
    assert escape_cell("=1+1") == "'=1+1" and escape_cell("-2") == "'-2"
    assert escape_cell("Dupont") == "Dupont"
    text = "".join(csv_lines(["a"], [["@x"], ["ok"]]))
    assert text == "\ufeffa\r\n'@x\r\nok\r\n"
