"""Letters (first notice, formal notice): recorded once, rendered as PDF from the ledger as it was.

A letter is a `Message` on the `letter` channel. Its text is kept for staff; the PDF is rebuilt on
demand from the append-only ledger as it stood when the letter was produced, so it never changes.
"""

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.i18n import (
    babel_locale,
    basis_sentence,
    charges_label,
    costs_rule,
    interest_text,
    line_label,
    money,
)
from portal.i18n import date as format_date
from portal.legal import L111_8_AL2_AL3
from portal.models import (
    ActorKind,
    Agency,
    Case,
    Channel,
    Message,
    MessageStatus,
)
from portal.pdf import Document
from portal.services import audit
from portal.services.cases.amounts import CaseAmounts, amounts_for

TITLES = {
    "first_notice": lambda ref: _("Notice of amount due — case %(reference)s", reference=ref),
    "reminder": lambda ref: _("Reminder — case %(reference)s", reference=ref),
    "formal_notice": lambda ref: _("Formal notice to pay — case %(reference)s", reference=ref),
}


@dataclass
class LetterFacts:
    """What a letter says beyond the case: its reference, date, and the first notice's."""

    template: str
    reference: str
    produced_at: dt.datetime
    first_notice_reference: str | None = None
    first_notice_at: dt.datetime | None = None
    days_to_pay: int = 8


def build(
    case: Case, agency: Agency | None, facts: LetterFacts, amounts: CaseAmounts
) -> "LetterDocument":
    """The letter as a Document, in the current locale."""
    cur = case.currency
    doc = LetterDocument(TITLES[facts.template](case.display_reference))
    if agency:
        doc.footer = f"{agency.legal_name} — {_('carries out amicable debt recovery')}"
        doc.lines([agency.legal_name, *agency.address_lines, agency.email, agency.phone])
    doc.space(6).lines([case.debtor.display_name, *case.debtor.address_lines]).space(6)
    doc.lines(
        [
            _("Date: %(date)s", date=format_date(facts.produced_at, "long")),
            _("Our reference: %(reference)s", reference=facts.reference),
            _("Case reference: %(reference)s", reference=case.display_reference),
        ]
    )
    if facts.template != "first_notice" and facts.first_notice_reference:
        doc.paragraph(
            _(
                "This letter follows our first notice %(reference)s of %(date)s.",
                reference=facts.first_notice_reference,
                date=format_date(facts.first_notice_at, "long"),
            ),
            bold=True,
        )
    doc.space().paragraph(_("Dear %(name)s,", name=case.debtor.display_name))
    doc.paragraph(
        _(
            "%(creditor)s has entrusted %(agency)s with the amicable recovery of the debt below.",
            creditor=case.creditor.legal_name,
            agency=agency.legal_name if agency else "",
        )
    )
    rows = [
        [
            f"{line_label(x)} ({format_date(x.line.due_on)})" if x.line else line_label(x),
            money(x.principal, cur),
            money(x.interest, cur),
            money(x.charges, cur),
            money(x.total, cur),
        ]
        for x in amounts.lines
    ]
    rows.append(
        [
            _("Total"),
            money(amounts.principal, cur),
            money(amounts.interest, cur),
            money(amounts.charges, cur),
            money(amounts.charged, cur),
        ]
    )
    doc.table(
        [_("Debt (due on)"), _("Principal"), _("Interest"), _("Charges"), _("Total")],
        rows,
        numeric_columns=[1, 2, 3, 4],
        total_row=True,
    )
    notes = [
        _("%(label)s: %(text)s", label=line_label(x), text=interest_text(x))
        for x in amounts.lines
        if x.interest
    ]
    if amounts.charges:
        notes.append(_("Charges:") + " " + str(charges_label(case)))
    if notes:
        doc.lines(notes, small=True)
    if amounts.paid:
        doc.paragraph(_("Already received: %(amount)s", amount=money(amounts.paid, cur)))
    doc.paragraph(_("Balance due: %(amount)s", amount=money(amounts.balance, cur)), bold=True)
    if facts.template == "formal_notice":
        demand = _(
            "We formally ask you to pay %(amount)s within %(days)s days of this letter.",
            amount=money(amounts.balance, cur),
            days=facts.days_to_pay,
        )
    else:
        demand = _("We ask you to pay %(amount)s.", amount=money(amounts.balance, cur))
    doc.space().paragraph(demand, bold=True)
    doc.heading(_("How to pay"))
    base = current_app.config["PORTAL_BASE_URL"]
    how = [
        _(
            "Online: go to %(url)s and enter the reference %(reference)s.",
            url=base.split("://", 1)[-1],
            reference=case.display_reference,
        )
    ]
    if agency and agency.iban:
        how.append(
            _(
                "By bank transfer to %(name)s, IBAN %(iban)s, quoting %(reference)s.",
                name=agency.legal_name,
                iban=agency.iban,
                reference=case.display_reference,
            )
        )
    if agency:
        how.append(
            _(
                "By cheque payable to %(name)s, sent to %(address)s.",
                name=agency.legal_name,
                address=", ".join(agency.address_lines),
            )
        )
    doc.lines(how)
    doc.paragraph(
        _(
            "If you cannot pay in full, or if you disagree with this debt, contact us or use the "
            "portal: we will look for an amicable solution together."
        )
    )
    doc.heading(_("Legal information"))
    if agency:
        siren = f" (SIREN {agency.siren})" if agency.siren else ""
        french = (
            ""
            if get_locale().language == "fr"
            else " (exerce une activité de recouvrement amiable)"
        )
        doc.paragraph(
            f"{agency.legal_name}{siren}, {', '.join(agency.address_lines)}, "
            f"{_('carries out amicable debt recovery')}{french}."
        )
    creditor = case.creditor
    siren = f" (SIREN {creditor.siren})" if creditor.siren else ""
    doc.paragraph(
        _("Creditor:") + f" {creditor.legal_name}{siren}, {', '.join(creditor.address_lines)}."
    )
    doc.paragraph(basis_sentence(amounts.lines))
    doc.paragraph(costs_rule(case))
    doc.paragraph(L111_8_AL2_AL3.citation, small=True, bold=True)
    for paragraph in L111_8_AL2_AL3.paragraphs:
        doc.paragraph(paragraph, small=True)
    return doc


@dataclass
class LetterDocument(Document):
    """A Document that also keeps a plain-text copy (what staff read on the case page)."""

    plain: list[str] = field(default_factory=list)

    def heading(self, text) -> "LetterDocument":
        """A section heading."""
        self.plain.append(str(text).upper())
        return super().heading(text)

    def paragraph(self, text, small: bool = False, bold: bool = False) -> "LetterDocument":
        """A paragraph."""
        self.plain.append(str(text))
        return super().paragraph(text, small=small, bold=bold)

    def lines(self, lines, small: bool = False) -> "LetterDocument":
        """A block of short lines."""
        lines = [str(x) for x in lines if x]
        self.plain.append("\n".join(lines))
        return super().lines(lines, small=small)

    def table(self, header, rows, numeric_columns=(), total_row=False) -> "LetterDocument":
        """A table."""
        self.plain.append("\n".join(" | ".join(str(c) for c in r) for r in [header, *rows]))
        return super().table(header, rows, numeric_columns, total_row)

    @property
    def text(self) -> str:
        """The plain-text copy."""
        return "\n\n".join([str(self.title), *self.plain])


def record_letter(
    *, key: str, case: Case, agency: Agency | None, facts: LetterFacts, language: str
) -> Message:
    """Record a letter under `key` unless it exists (the caller commits)."""
    existing = db.session.execute(select(Message).filter_by(key=key)).scalar_one_or_none()
    if existing is not None:
        return existing
    amounts = amounts_for([case.id])[case.id]
    with force_locale(babel_locale(language)):
        doc = build(case, agency, facts, amounts)
        subject = doc.title
    message = Message(
        key=key,
        case_id=case.id,
        template=f"letter_{facts.template}",
        channel=Channel.LETTER,
        language=language,
        recipient="\n".join([case.debtor.display_name, *case.debtor.address_lines]),
        subject=subject,
        body_text=doc.text,
        headers=_facts_json(facts),
        status=MessageStatus.RECORDED,
        created_at=facts.produced_at,
    )
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return db.session.execute(select(Message).filter_by(key=key)).scalar_one()
    audit.record("letter.produced", actor=ActorKind.SYSTEM, case_id=case.id, key=key)
    return message


def _facts_json(facts: LetterFacts) -> dict:
    # A letter has no e-mail headers: the column keeps what its PDF needs besides the ledger.
    return {
        "letter_template": facts.template,
        "letter_reference": facts.reference,
        "first_notice_reference": facts.first_notice_reference,
        "first_notice_at": facts.first_notice_at.isoformat() if facts.first_notice_at else None,
        "days_to_pay": facts.days_to_pay,
    }


def letter_pdf(message: Message, case: Case) -> bytes:
    """The PDF of a recorded letter, in its language, with the amounts of its day."""
    data = message.headers or {}
    first_at = data.get("first_notice_at")
    facts = LetterFacts(
        template=data["letter_template"],
        reference=data["letter_reference"],
        produced_at=message.created_at,
        first_notice_reference=data.get("first_notice_reference"),
        first_notice_at=dt.datetime.fromisoformat(first_at) if first_at else None,
        days_to_pay=data.get("days_to_pay", 8),
    )
    amounts = amounts_for([case.id], as_of=message.created_at)[case.id]
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    with force_locale(babel_locale(message.language)):
        return build(case, agency, facts, amounts).render()


def case_letters(case_id: int) -> list[Message]:
    """The letters of a case, newest first."""
    return list(
        db.session.execute(
            select(Message)
            .where(Message.case_id == case_id, Message.channel == Channel.LETTER)
            .order_by(Message.created_at.desc(), Message.id.desc())
        ).scalars()
    )
