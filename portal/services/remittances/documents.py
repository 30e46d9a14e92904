"""A remittance statement as a PDF and as CSV, in the reader's language."""

from collections.abc import Iterator

from flask_babel import gettext as _

from portal.domain.money import to_decimal
from portal.extensions import db
from portal.i18n import date, money
from portal.labels import ENTRY_LABELS
from portal.models import Creditor, RemittanceStatement
from portal.pdf import Document
from portal.services.placement.messages import csv_lines
from portal.services.remittances.issue import statement_entries


def _rate(bp: int) -> str:
    return f"{bp / 100:.2f} %"


def statement_pdf(statement: RemittanceStatement) -> bytes:
    """The statement: totals, commission, net due, then every movement it counts."""
    creditor = db.session.get(Creditor, statement.creditor_id)
    cur = statement.currency
    doc = Document(
        _("Remittance statement no. %(number)d", number=statement.number),
        footer=creditor.legal_name,
    )
    doc.heading(_("Remittance statement no. %(number)d", number=statement.number))
    doc.paragraph(_("Creditor: %(name)s", name=creditor.legal_name))
    doc.paragraph(
        _(
            "Period: %(start)s to %(end)s",
            start=date(statement.period_start),
            end=date(statement.period_end),
        )
    )
    doc.paragraph(_("Issued on %(date)s.", date=date(statement.issued_at)))
    doc.table(
        [_("Item"), _("Amount")],
        [
            [_("Payments received"), money(statement.received, cur)],
            [_("Refunds and chargebacks"), money(-statement.reversed, cur)],
            [
                _("Commission (%(rate)s)", rate=_rate(statement.rate_bp)),
                money(-statement.commission, cur),
            ],
            [_("Net amount due to the creditor"), money(statement.net_due, cur)],
        ],
        numeric_columns=[1],
        total_row=True,
    )
    doc.heading(_("Movements"))
    rows = [
        [date(on), ref, ext, str(ENTRY_LABELS[kind]), money(amount, cur)]
        for on, ref, ext, kind, amount in statement_entries(statement)
    ]
    doc.table(
        [_("Date"), _("Case"), _("Creditor's reference"), _("Kind"), _("Amount")],
        rows,
        numeric_columns=[4],
    )
    return doc.render()


def statement_csv(statement: RemittanceStatement) -> Iterator[str]:
    """Every movement of the statement, then its totals, as CSV text."""
    cur = statement.currency

    def amount(minor: int) -> str:
        return f"{to_decimal(minor, cur):f}"

    rows = [
        [on.isoformat(), ref, ext, str(kind), amount(value)]
        for on, ref, ext, kind, value in statement_entries(statement)
    ]
    rows += [
        ["", "", "", _("payments received"), amount(statement.received)],
        ["", "", "", _("refunds and chargebacks"), amount(-statement.reversed)],
        ["", "", "", _("commission"), amount(-statement.commission)],
        ["", "", "", _("net amount due"), amount(statement.net_due)],
    ]
    header = [_("date"), _("reference"), _("external reference"), _("kind"), _("amount")]
    return csv_lines(header, rows)
