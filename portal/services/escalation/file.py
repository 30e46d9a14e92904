"""One PDF with both parties, the itemised claim and its basis, the notices sent, the payments
and proposals, and the official form that applies; refused where court action is not open."""

from flask_babel import gettext as _
from sqlalchemy import or_, select

from portal.domain.ledger import DebtorKind
from portal.domain.reminders import possibly_time_barred
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.i18n import date as format_date
from portal.i18n import money
from portal.labels import BASIS_LABELS, PROPOSAL_STATUS_LABELS
from portal.models import ActorKind, Agency, Case, Message, Payment, PlanProposal
from portal.pdf import Document
from portal.services import audit
from portal.services.cases.amounts import amounts_for
from portal.services.clock import today

# The request form for an order for payment, by who the debtor is (service-public.fr).
FORMS = {
    DebtorKind.CONSUMER: (
        "Cerfa 12948",
        "tribunal judiciaire (requête en injonction de payer, matière civile)",
    ),
    DebtorKind.PROFESSIONAL: (
        "Cerfa 12946",
        "tribunal de commerce (requête en injonction de payer, entre commerçants)",
    ),
}


class EscalationRefused(ValueError):
    """No escalation file for this case; `reason` is `disputed`, `time_barred`, `closed` or
    `nothing_owed`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check(case: Case, balance: int, oldest_due) -> None:
    """Raise EscalationRefused when court action is not open for the case."""
    if case.status == CaseStatus.DISPUTED:
        raise EscalationRefused("disputed")
    if case.status in (CaseStatus.CLOSED, CaseStatus.PAID, CaseStatus.SETTLED):
        raise EscalationRefused("closed")
    consumer = case.debtor.kind == DebtorKind.CONSUMER
    if possibly_time_barred(consumer, oldest_due, today()):
        raise EscalationRefused("time_barred")
    if balance <= 0:
        raise EscalationRefused("nothing_owed")


def escalation_pdf(case: Case, staff_user_id: int) -> bytes:
    """The escalation file of the case (audited); raises EscalationRefused."""
    amounts = amounts_for([case.id])[case.id]
    oldest = min((x.line.due_on for x in amounts.lines if x.line), default=None)
    check(case, amounts.balance, oldest)
    audit.record("case.escalation_file", actor=ActorKind.STAFF, case_id=case.id,
                 staff_user_id=staff_user_id)  # fmt: skip
    db.session.commit()
    return _render(case, amounts)


def _render(case: Case, amounts) -> bytes:
    cur, debtor, creditor = case.currency, case.debtor, case.creditor
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    doc = Document(
        title=_("Order for payment file — case %(reference)s", reference=case.display_reference),
        footer=_("Case %(reference)s", reference=case.display_reference),
    )
    doc.heading(_("Creditor"))
    doc.lines([creditor.legal_name, f"SIREN {creditor.siren or '—'}", *creditor.address_lines])
    if agency:
        doc.paragraph(_("Represented for the amicable recovery by %(agency)s.",
                        agency=agency.legal_name), small=True)  # fmt: skip
    doc.heading(_("Debtor"))
    identity = [debtor.display_name]
    if debtor.kind == DebtorKind.CONSUMER and debtor.date_of_birth:
        identity.append(_("born on %(date)s", date=format_date(debtor.date_of_birth, "long")))
    doc.lines([*identity, *debtor.address_lines])
    form, court = FORMS[DebtorKind(debtor.kind)]
    doc.paragraph(
        _("Debtor: %(kind)s. Form to use: %(form)s, before the %(court)s.",
          kind=_("consumer") if debtor.kind == DebtorKind.CONSUMER else _("professional"),
          form=form, court=court), bold=True)  # fmt: skip
    doc.heading(_("The claim and its basis"))
    rows = [
        [f"{BASIS_LABELS[x.line.basis]} {x.line.document_number}" if x.line else _("Other"),
         format_date(x.line.issued_on) if x.line else "", format_date(x.line.due_on) if x.line
         else "", money(x.principal, cur), money(x.interest, cur), money(x.charges, cur)]
        for x in amounts.lines
    ]  # fmt: skip
    rows.append([_("Total"), "", "", money(amounts.principal, cur), money(amounts.interest, cur),
                 money(amounts.charges, cur)])  # fmt: skip
    doc.table([_("Basis"), _("Issued"), _("Due"), _("Principal"), _("Interest"),
               _("Charges")], rows, numeric_columns=(3, 4, 5), total_row=True)  # fmt: skip
    doc.paragraph(_("Paid or credited: %(paid)s. Balance claimed: %(balance)s.",
                    paid=money(amounts.paid, cur), balance=money(amounts.balance, cur)),
                  bold=True)  # fmt: skip
    notices = db.session.execute(
        select(Message).where(Message.case_id == case.id, or_(
            Message.template.like("reminder%"), Message.template.like("letter%")))
        .order_by(Message.created_at, Message.id)
    ).scalars()  # fmt: skip
    doc.heading(_("Notices sent"))
    doc.table([_("Date"), _("Notice"), _("Channel")],
              [[format_date(m.created_at), m.subject, _("letter") if m.channel == "letter"
                else _("e-mail")] for m in notices] or [["—", "", ""]])  # fmt: skip
    payments = db.session.execute(
        select(Payment).where(Payment.case_id == case.id, Payment.status == "succeeded")
        .order_by(Payment.succeeded_at)
    ).scalars()  # fmt: skip
    doc.heading(_("Payments received"))
    doc.table([_("Date"), _("Method"), _("Receipt"), _("Amount")],
              [[format_date(p.succeeded_at), p.method or p.provider,
                p.receipt.number if p.receipt else "", money(p.amount, cur)] for p in payments]
              or [["—", "", "", ""]], numeric_columns=(3,))  # fmt: skip
    proposals = db.session.execute(
        select(PlanProposal).where(PlanProposal.case_id == case.id).order_by(PlanProposal.id)
    ).scalars()
    doc.heading(_("Payment plan proposals"))
    doc.table([_("Date"), _("Instalments"), _("Total"), _("Outcome")],
              [[format_date(p.created_at), str(p.count), money(p.total, cur),
                str(PROPOSAL_STATUS_LABELS.get(p.status, p.status))]
               for p in proposals] or [["—", "", "", ""]], numeric_columns=(2,))  # fmt: skip
    return doc.render()
