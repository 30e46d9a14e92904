"""The plan's schedule (échéancier) as a PDF, in the debtor's language."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import INSTALMENT_STATUS_LABELS, PLAN_STATUS_LABELS, date, money
from portal.models import Agency, Case, Plan
from portal.pdf import Document
from portal.services.mail.outbox import language_of


def schedule_pdf(case: Case, plan: Plan) -> bytes:
    """Render the plan's instalments with the parties, the total and the agreement date."""
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    cur = plan.currency
    with force_locale(language_of(case)):
        footer = ""
        if agency:
            footer = f"{agency.legal_name}, {', '.join(agency.address_lines)}"
        doc = Document(
            _("Payment schedule — case %(reference)s", reference=case.display_reference),
            footer=footer,
        )
        doc.paragraph(_("Creditor: %(name)s", name=case.creditor.legal_name))
        doc.paragraph(_("Debtor: %(name)s", name=case.debtor.display_name))
        doc.lines(case.debtor.address_lines, small=True)
        doc.space()
        doc.paragraph(_("Status of the plan: %(status)s", status=PLAN_STATUS_LABELS[plan.status]))
        agreed = plan.proposal.consent_at or plan.created_at
        doc.paragraph(_("Agreed on %(date)s.", date=date(agreed)))
        doc.heading(_("Instalments"))
        rows = [
            [
                str(i.sequence),
                date(i.due_on),
                money(i.amount, cur),
                money(i.paid_amount, cur),
                str(INSTALMENT_STATUS_LABELS[i.status]),
            ]
            for i in plan.instalments
        ]
        rows.append(["", _("Total"), money(plan.total, cur), "", ""])
        doc.table(
            ["#", _("Due on"), _("Amount"), _("Paid"), _("Status")],
            rows,
            numeric_columns=[2, 3],
            total_row=True,
        )
        doc.space()
        doc.paragraph(
            _(
                "Pay each instalment by its due date, quoting the reference %(reference)s. "
                "If an instalment is missed, the plan may end and the whole balance become due.",
                reference=case.display_reference,
            ),
            small=True,
        )
        return doc.render()
