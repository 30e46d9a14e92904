"""Placement files for tests: rows written as a creditor's spreadsheet would."""

import io

from portal.services.placement.columns import COLUMNS

HEADER = [c.name for c in COLUMNS]


def row(n: int = 1, **cells) -> dict:
    """One valid consumer row of case EXT-<n> (due before 2026-06-01)."""
    base = {
        "external_reference": f"EXT-{n}",
        "debtor_type": "consumer",
        "first_name": "Camille",
        "last_name": f"Durand{n}",
        "email": f"camille{n}@example.org",
        "address_line1": "8 rue Victor Hugo",
        "postcode": "69003",
        "city": "Lyon",
        "date_of_birth": "14/03/1985",
        "basis": "invoice",
        "document_number": f"F-{n}",
        "issued_on": "2026-03-01",
        "due_on": "01/04/2026",
        "principal": "1 234,56",
    }
    base.update(cells)
    return base


def csv_bytes(rows: list[dict], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """The rows as CSV text in `encoding`, every documented column in the header."""
    lines = [delimiter.join(HEADER)]
    for cells in rows:
        values = []
        for name in HEADER:
            value = str(cells.get(name, ""))
            if delimiter in value or '"' in value:
                value = '"' + value.replace('"', '""') + '"'
            values.append(value)
        lines.append(delimiter.join(values))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def opener(data: bytes):
    """An open_file callable over bytes, as the services take."""
    return lambda: io.BytesIO(data)
