"""Validate one row of a placement (a dict of column name -> text) into a case and a debt line.

Pure: no database, no Flask. Errors carry a code and parameters, translated where they are
shown (`messages.py`), so the same check speaks French or English.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from portal.domain.factors import FactorKind, normalize_postcode
from portal.domain.ledger import CollectionFeeNotAllowed, DebtorKind, EntryKind, check_entry
from portal.domain.money import InvalidAmount, TooManyDecimals, parse_amount
from portal.services.placement.columns import BASES, BY_NAME, DEBTOR_TYPES, LANGUAGES

MAX_AMOUNT = 100_000_000_000  # a billion in major units: anything above is a typing error
EARLIEST = dt.date(1900, 1, 1)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{6,40}$")
_FR_POSTCODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTCODE = re.compile(r"^[A-Z0-9]{2,10}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class RowError:
    """One fault: where (line, column), the value as read, and why (a code and parameters)."""

    line: int
    column: str
    value: str
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        """The error as stored and returned by the API."""
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value[:200],
            "code": self.code,
            "params": self.params,
        }


@dataclass(frozen=True)
class CaseData:
    """What a row says about its case and debtor (the same on every row of one case)."""

    external_reference: str
    kind: DebtorKind
    first_name: str | None
    last_name: str | None
    company_name: str | None
    email: str | None
    phone: str | None
    address_line1: str
    address_line2: str | None
    postcode: str
    city: str
    country: str
    date_of_birth: dt.date | None
    language: str | None


@dataclass(frozen=True)
class LineData:
    """One debt line and its amounts (minor units)."""

    basis: str
    document_number: str
    description: str | None
    issued_on: dt.date
    due_on: dt.date
    principal: int
    interest: int
    recovery_indemnity: int


def looks_like_formula(value: str) -> bool:
    """True for a cell a spreadsheet would run: `=…`, `@…`, `+cmd`, `-cmd` (not `+33 6…`)."""
    if not value:
        return False
    if value[0] in "=@\t\r":
        return True
    return value[0] in "+-" and len(value) > 1 and not (value[1].isdigit() or value[1] == " ")


def parse_date(text: str) -> dt.date | None:
    """`2026-03-01` or `01/03/2026` (day first), else None."""
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(x) for x in match.groups())
    else:
        match = _FR_DATE.match(text)
        if not match:
            return None
        day, month, year = (int(x) for x in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class _Row:
    """The cells of one row and the errors found so far."""

    def __init__(self, line: int, cells: dict[str, str]):
        self.line, self.cells, self.errors = line, cells, []

    def fail(self, column: str, code: str, **params) -> None:
        self.errors.append(RowError(self.line, column, self.cells.get(column, ""), code, params))

    def text(self, column: str, required: bool = False) -> str | None:
        value = (self.cells.get(column) or "").strip()
        if not value:
            if required or BY_NAME[column].required:
                self.fail(column, "required")
            return None
        if looks_like_formula(value):
            self.fail(column, "formula")
            return None
        if len(value) > BY_NAME[column].max_length:
            self.fail(column, "too_long", max=BY_NAME[column].max_length)
            return None
        return value

    def choice(self, column: str, allowed: dict) -> str | None:
        value = self.text(column)
        if value is None:
            return None
        found = allowed.get(value.lower())
        if found is None:
            self.fail(column, "choice", allowed=", ".join(sorted(set(allowed.values()))))
        return found

    def date(self, column: str, required: bool = False) -> dt.date | None:
        value = self.text(column, required)
        if value is None:
            return None
        found = parse_date(value)
        if found is None or found < EARLIEST:
            self.fail(column, "date")
            return None
        return found

    def amount(self, column: str, currency: str, positive: bool = False) -> int:
        value = self.text(column)
        if value is None:
            return 0
        try:
            found = parse_amount(value, currency)
        except TooManyDecimals:
            self.fail(column, "decimals")
            return 0
        except InvalidAmount:
            self.fail(column, "amount")
            return 0
        if found >= MAX_AMOUNT:
            self.fail(column, "amount_too_large")
            return 0
        if positive and found == 0:
            self.fail(column, "amount_zero")
        return found


def _debtor(row: _Row, factor: FactorKind, today: dt.date) -> dict:
    kind = row.choice("debtor_type", DEBTOR_TYPES)
    values = {
        "first_name": row.text("first_name"),
        "last_name": row.text("last_name", required=kind == "consumer"),
        "company_name": row.text("company_name", required=kind == "professional"),
        "phone": row.text("phone"),
        "address_line1": row.text("address_line1"),
        "address_line2": row.text("address_line2"),
        "city": row.text("city"),
    }
    email = row.text("email")
    if email and not _EMAIL.match(email):
        row.fail("email", "email")
    if values["phone"] and not _PHONE.match(values["phone"]):
        row.fail("phone", "phone")
    country = (row.text("country") or "FR").upper()
    if not _COUNTRY.match(country):
        row.fail("country", "country")
    postcode = row.text("postcode")
    postcode = normalize_postcode(postcode) if postcode else None
    if postcode and not (_FR_POSTCODE if country == "FR" else _POSTCODE).match(postcode):
        row.fail("postcode", "postcode")
    born = row.date("date_of_birth", required=factor is FactorKind.DATE_OF_BIRTH)
    if born and born >= today:
        row.fail("date_of_birth", "date_future")
    language = row.text("language")
    if language and language.lower() not in LANGUAGES:
        row.fail("language", "choice", allowed=", ".join(LANGUAGES))
    return dict(
        values,
        kind=kind,
        email=email and email.lower(),
        country=country,
        postcode=postcode,
        date_of_birth=born,
        language=language and language.lower(),
    )


def validate_row(
    line: int, cells: dict[str, str], *, factor: FactorKind, currency: str, today: dt.date
) -> tuple[CaseData | None, LineData | None, list[RowError]]:
    """Check every cell of one row; return its case and line, or the list of its faults."""
    row = _Row(line, cells)
    reference = row.text("external_reference")
    debtor = _debtor(row, factor, today)
    basis = row.choice("basis", BASES)
    document = row.text("document_number")
    description = row.text("description")
    issued, due = row.date("issued_on"), row.date("due_on")
    if due and due > today:
        row.fail("due_on", "not_yet_due")
    if issued and due and due < issued:
        row.fail("due_on", "due_before_issue")
    principal = row.amount("principal", currency, positive=True)
    interest = row.amount("interest", currency)
    indemnity = row.amount("recovery_indemnity", currency)
    if indemnity and debtor["kind"] == "consumer":
        try:
            check_entry(EntryKind.FEE, indemnity, DebtorKind.CONSUMER, False)
        except CollectionFeeNotAllowed:
            row.fail("recovery_indemnity", "fee_consumer")
    if row.errors:
        return None, None, row.errors
    case = CaseData(external_reference=reference, **{**debtor, "kind": DebtorKind(debtor["kind"])})
    debt = LineData(basis, document, description, issued, due, principal, interest, indemnity)
    return case, debt, []
