"""Placement errors in the reader's language, on screen and in the downloadable report."""

import csv
import io
from collections.abc import Iterable, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.services.placement.columns import COLUMNS

_MESSAGES = {
    "required": _l("This column is required."),
    "formula": _l("A cell may not start with =, +, - or @ (spreadsheet formulas are refused)."),
    "too_long": _l("Too long: at most %(max)s characters."),
    "choice": _l("Not an accepted value; use one of: %(allowed)s."),
    "date": _l("Not a date: write 2026-03-01 or 01/03/2026."),
    "date_future": _l("This date is in the future."),
    "not_yet_due": _l("This amount is not due yet."),
    "due_before_issue": _l("The due date is before the date of the document."),
    "amount": _l("Not an amount: write 1234.56 or 1 234,56."),
    "decimals": _l("Too many decimals for the currency."),
    "amount_too_large": _l("This amount is too large."),
    "amount_zero": _l("The amount must be more than zero."),
    "email": _l("Not an e-mail address."),
    "phone": _l("Not a phone number."),
    "postcode": _l("Not a postcode (five digits in France)."),
    "country": _l("Not a country code: two letters, such as FR."),
    "fee_consumer": _l(
        "No recovery indemnity or collection fee can be charged to a consumer (CPCE L111-8)."
    ),
    "too_many_cells": _l("This row has more cells than the header."),
    "case_differs": _l(
        "Same external reference as line %(line)s but different debtor details: the rows of "
        "one case must give the same debtor."
    ),
    "duplicate_line": _l("This document is already on line %(line)s for the same case."),
    "already_placed": _l("A case with this external reference is already placed."),
    "lines_required": _l("A case needs a non-empty list of lines."),
    "not_object": _l("Expected an object."),
    "unknown_field": _l("Unknown field."),
    "not_text": _l("Values must be text or numbers."),
    "empty": _l("The file is empty."),
    "no_rows": _l("The file has a header but no rows."),
    "binary": _l("This is not a CSV text file (save the spreadsheet as CSV)."),
    "encoding": _l("The file's encoding is not recognised: save it as UTF-8 or Windows-1252."),
    "unknown_columns": _l("Unknown columns: %(columns)s."),
    "missing_columns": _l("Missing columns: %(columns)s."),
    "repeated_columns": _l("Columns given twice: %(columns)s."),
    "bad_csv": _l("The CSV is malformed near line %(line)s (quotes, or a cell too large)."),
    "changed": _l("The file changed while it was being loaded; nothing was loaded."),
    "conflict": _l("Another placement took some of these cases meanwhile; nothing was loaded."),
}


def message(code: str, params: dict | None = None) -> str:
    """The reason for an error code, in the current language."""
    template = _MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


def escape_cell(value) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ (or tab, CR) gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text, one line at a time (semicolons, for French spreadsheets), cells escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    yield "\ufeff"
    for row in [header], rows:
        for cells in row:
            writer.writerow([escape_cell(cell) for cell in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()


def error_report(errors: list[dict]) -> Iterator[str]:
    """The downloadable report of a rejected placement: line, column, value, reason."""
    header = [_("line"), _("column"), _("value"), _("reason")]
    rows = [  # translated now, while the request's language is known (errors are capped)
        (e["line"] or "", e["column"], e["value"], message(e["code"], e.get("params")))
        for e in errors
    ]
    return csv_lines(header, rows)


def column_names() -> list[str]:
    """The documented columns, in order."""
    return [column.name for column in COLUMNS]
