"""The certificate of payment in full (attestation de paiement intégral) of a settled case, PDF.

Views call `certificate_facts(case_id)` to know whether a case has one (None while something is
owed or nothing was ever paid) and `certificate_pdf(case, facts, language)` to render it.
"""

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.domain.ledger import CHARGE_KINDS, EntryKind
from portal.extensions import db
from portal.i18n import date as format_date
from portal.i18n import money
from portal.models import Agency, Case, LedgerEntry
from portal.pdf import Document
from portal.services.clock import today

_PAID_KINDS = (EntryKind.PAYMENT, EntryKind.REFUND)


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificate states: what was owed, what was paid and when it was settled."""

    charged: int
    paid: int
    settled_on: dt.date


def certificate_facts(case_id: int) -> CertificateFacts | None:
    """The facts of the case's certificate, or None when the case is not paid in full."""
    charged = func.sum(LedgerEntry.amount).filter(LedgerEntry.kind.in_(CHARGE_KINDS))
    paid = func.sum(LedgerEntry.amount).filter(LedgerEntry.kind.in_(_PAID_KINDS))
    last = func.max(LedgerEntry.occurred_on).filter(LedgerEntry.kind == EntryKind.PAYMENT)
    # A case settled for less (or partly written off) was not paid in full: its receipts say
    # what was paid, no certificate says more.
    written_off = func.count(LedgerEntry.id).filter(LedgerEntry.kind == EntryKind.WRITE_OFF)
    row = db.session.execute(
        select(func.sum(LedgerEntry.amount), charged, paid, last, written_off).where(
            LedgerEntry.case_id == case_id
        )
    ).one()
    balance, charged_total, paid_total, settled_on, write_offs = row
    if balance is None or balance > 0 or not paid_total or settled_on is None or write_offs:
        return None
    return CertificateFacts(int(charged_total or 0), -int(paid_total), settled_on)


def certificate_pdf(case: Case, facts: CertificateFacts, language: str) -> bytes:
    """The certificate as a PDF in `language`."""
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    cur = case.currency
    with force_locale(language):
        doc = Document(
            title=_("Certificate of payment in full — case %(reference)s",
                    reference=case.display_reference),
            footer=_("Case %(reference)s", reference=case.display_reference),
        )  # fmt: skip
        if agency:
            doc.lines([agency.legal_name, *agency.address_lines])
            doc.paragraph(_("Carries out amicable debt recovery."), small=True)
        doc.space()
        doc.lines([case.debtor.display_name, *case.debtor.address_lines])
        doc.space()
        doc.paragraph(
            _(
                "We certify that %(debtor)s has paid in full the amount owed to %(creditor)s "
                "under case %(reference)s. The debt was settled on %(date)s.",
                debtor=case.debtor.display_name,
                creditor=case.creditor.legal_name,
                reference=case.display_reference,
                date=format_date(facts.settled_on, "long"),
            )
        )
        doc.table(
            [_("Amount owed"), _("Amount paid"), _("Remaining balance")],
            [[money(facts.charged, cur), money(facts.paid, cur), money(0, cur)]],
            numeric_columns=(0, 1, 2),
        )
        doc.space()
        doc.paragraph(_("Nothing remains to be paid on this case."), bold=True)
        doc.paragraph(
            _("Issued on %(date)s. Each payment also has its own receipt.",
              date=format_date(today(), "long")),
            small=True,
        )  # fmt: skip
        return doc.render()
