"""CSV exports of a creditor's cases and payments, streamed in keyset batches."""

import datetime as dt
from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.domain.money import to_decimal
from portal.extensions import db
from portal.models import Case, Debtor, LedgerEntry
from portal.services.placement.messages import csv_lines
from portal.services.reporting.case_list import Filters, list_cases

BATCH = 1_000


def _amount(minor: int, currency: str) -> str:
    return f"{to_decimal(minor, currency):f}"


def _case_rows(creditor_id: int, filters: Filters) -> Iterator[list]:
    after = None
    while True:
        page = list_cases(creditor_id, filters, after, size=BATCH)
        for line in page.lines:
            c = line.case
            yield [
                c.reference,
                c.external_reference,
                c.debtor.display_name,
                str(c.status),
                line.payment_status,
                c.created_at.date().isoformat(),
                c.currency,
                _amount(line.paid, c.currency),
                _amount(line.balance, c.currency),
            ]
        if page.next_after is None:
            return
        after = page.next_after


def cases_csv(creditor_id: int, filters: Filters) -> Iterator[str]:
    """The creditor's cases matching `filters` as CSV text, a line at a time."""
    header = [
        _("reference"),
        _("external reference"),
        _("debtor"),
        _("status"),
        _("payment status"),
        _("placed on"),
        _("currency"),
        _("paid"),
        _("balance"),
    ]
    return csv_lines(header, _case_rows(creditor_id, filters))


def _payment_rows(creditor_id: int, start: dt.date, end: dt.date) -> Iterator[list]:
    after = 0
    while True:
        rows = db.session.execute(
            select(
                LedgerEntry.id,
                LedgerEntry.occurred_on,
                LedgerEntry.kind,
                LedgerEntry.amount,
                LedgerEntry.currency,
                LedgerEntry.memo,
                Case.reference,
                Case.external_reference,
                Debtor.kind,
                Debtor.first_name,
                Debtor.last_name,
                Debtor.company_name,
            )
            .join(Case, Case.id == LedgerEntry.case_id)
            .join(Debtor, Debtor.id == Case.debtor_id)
            .where(
                Case.creditor_id == creditor_id,
                LedgerEntry.id > after,
                LedgerEntry.kind.in_((EntryKind.PAYMENT, EntryKind.REFUND)),
                LedgerEntry.occurred_on >= start,
                LedgerEntry.occurred_on <= end,
            )
            .order_by(LedgerEntry.id)
            .limit(BATCH)
        ).all()
        for r in rows:
            name = r[11] if r[8] == "professional" else " ".join(x for x in (r[9], r[10]) if x)
            yield [
                r.occurred_on.isoformat(),
                r.reference,
                r.external_reference,
                name,
                str(r.kind),
                r.currency,
                _amount(-r.amount, r.currency),
                r.memo or "",
            ]
        if len(rows) < BATCH:
            return
        after = rows[-1].id


def payments_csv(creditor_id: int, start: dt.date, end: dt.date) -> Iterator[str]:
    """Money received (payments, and refunds as negatives) between two dates, as CSV text."""
    header = [
        _("date"),
        _("reference"),
        _("external reference"),
        _("debtor"),
        _("kind"),
        _("currency"),
        _("amount"),
        _("note"),
    ]
    return csv_lines(header, _payment_rows(creditor_id, start, end))
