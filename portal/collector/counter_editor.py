"""The counter-offer's schedule editor, without JavaScript: rows of a due date and an amount
posted as `due-<n>` / `amount-<n>` with their count in `rows`; "add an instalment" is a
submit button that sends the rows back with one more, empty. Empty rows are ignored."""

from dataclasses import dataclass

from flask_babel import gettext as _

from portal.domain import schedule
from portal.domain.factors import parse_date_of_birth
from portal.domain.money import InvalidAmount, parse_amount, to_decimal

MAX_ROWS = schedule.MAX_INSTALMENTS


@dataclass
class Row:
    """One row as typed (kept as text, so a refused form comes back as it was)."""

    due: str = ""
    amount: str = ""

    @property
    def empty(self) -> bool:
        """Nothing typed in it."""
        return not self.due.strip() and not self.amount.strip()


def rows_of(lines: list[schedule.Line], currency: str) -> list[Row]:
    """The rows showing a schedule."""
    return [
        Row(f"{x.due_on:%d/%m/%Y}", str(to_decimal(x.amount, currency)).replace(".", ","))
        for x in lines
    ]


def rows_from(form) -> list[Row]:
    """The rows a form posted (at most MAX_ROWS; a bad count reads as none)."""
    count = (form.get("rows") or "").strip()
    count = min(int(count), MAX_ROWS) if count.isdigit() and len(count) < 4 else 0
    return [
        Row((form.get(f"due-{i}") or "")[:20], (form.get(f"amount-{i}") or "")[:20])
        for i in range(count)
    ]


def with_room(rows: list[Row], extra: int = 1) -> list[Row]:
    """The rows and `extra` empty ones after them (within MAX_ROWS)."""
    return (rows + [Row() for _ in range(extra)])[: max(MAX_ROWS, len(rows))]


def parse(rows: list[Row], currency: str) -> tuple[list[schedule.Line], str | None]:
    """The schedule typed in the rows, or an error message naming the first bad row."""
    lines = []
    for number, row in enumerate(rows, start=1):
        if row.empty:
            continue
        due = parse_date_of_birth(row.due)
        try:
            value = parse_amount(row.amount, currency)
        except InvalidAmount:
            value = None
        if due is None or not value:
            return [], _(
                "Instalment %(number)s: give a date (e.g. 15/01/2027) and an amount "
                "above zero (e.g. 120,50).",
                number=number,
            )
        lines.append(schedule.Line(due, value))
    if not lines:
        return [], _("Give at least one instalment: a date and an amount.")
    return lines, None
