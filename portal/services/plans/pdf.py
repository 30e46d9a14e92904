"""The plan's schedule (échéancier) as a PDF, in the debtor's language."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import date, iban, money
from portal.labels import INSTALMENT_STATUS_LABELS, PLAN_STATUS_LABELS
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
        agreement(doc, plan)
        doc.heading(_("How to pay the instalments"))
        payment_details(doc, case, agency)
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


def payment_details(doc: Document, case: Case, agency: Agency | None) -> None:
    """The ways to pay (online, transfer, cheque) with the reference to quote, for a document."""
    base = current_app.config.get("PORTAL_BASE_URL", "").rstrip("/")
    doc.paragraph(
        _(
            "Online, by card or SEPA Direct Debit: %(url)s, with the reference %(reference)s. "
            "From the case page you can also save a card or a SEPA mandate so that each "
            "instalment is charged automatically on its due date.",
            url=base + "/",
            reference=case.display_reference,
        )
    )
    if agency is None:
        return
    if agency.iban:
        bic = f", BIC {agency.bic}" if agency.bic else ""
        doc.paragraph(
            _(
                "By bank transfer to %(name)s, IBAN %(iban)s%(bic)s, quoting %(reference)s.",
                name=agency.legal_name,
                iban=iban(agency.iban),
                bic=bic,
                reference=case.display_reference,
            )
        )
    doc.paragraph(
        _(
            "By cheque payable to %(name)s, %(address)s.",
            name=agency.legal_name,
            address=", ".join(agency.address_lines),
        )
    )


def agreement(doc: Document, plan: Plan) -> None:
    """The agreement the debtor accepted (the text of debtor/plan_agreement.html)."""
    proposal = plan.proposal
    doc.heading(_("Agreement"))
    for text in (
        _("By accepting this plan, I commit to pay each instalment by its due date, quoting my "
          "case reference."),
        _("The plan spreads the payment of what I owe; it does not change the amount owed. I "
          "can pay more, or earlier, at any time."),
        _("If an instalment is not paid a few days after its due date, I will be told. If it "
          "stays unpaid, the plan may end and the whole balance become due again."),
    ):  # fmt: skip
        doc.paragraph(text)
    if proposal.consent_at:
        doc.paragraph(
            _(
                "Accepted on %(date)s (agreement text version %(version)s).",
                date=date(proposal.consent_at, "long"),
                version=proposal.consent_text_version or "",
            ),
            small=True,
        )
