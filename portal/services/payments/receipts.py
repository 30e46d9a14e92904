"""Receipts (quittances, CPCE R124-6): numbered, as a PDF on the portal and in an e-mail.

Numbers run 1, 2, 3… in each year with no gap, whatever becomes of checkouts abandoned on the
way: a receipt is issued only when money is received (online or recorded by a collector) and
numbered in the same transaction from its year's counter row (`receipt_counters`), taken by
one UPDATE … RETURNING that locks the row until commit. A rolled back payment never used its
number; two payments at once wait for each other only for the end of the transaction, since
the counter is taken last (after every case lock) by `number_and_queue`.
"""

import datetime as dt

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.i18n import date as format_date
from portal.i18n import money
from portal.models import ActorKind, Agency, Case, Message, Payment, Receipt, ReceiptCounter
from portal.pdf import Document
from portal.security import case_link
from portal.services import audit
from portal.services.clock import today
from portal.services.mail import outbox as mail
from portal.services.mail.attachments import Attachment

_LOOK_UP = object()  # queue_email without an agency: the mail service looks it up


def issue(payment: Payment, amount: int, balance_after: int, paid_on: dt.date) -> Receipt:
    """Add the receipt of a succeeded payment, not numbered yet: `number_and_queue` numbers it
    and queues its e-mail in the same transaction (the caller commits)."""
    receipt = Receipt(
        number=None,
        payment_id=payment.id,
        case_id=payment.case_id,
        amount=amount,
        currency=payment.currency,
        balance_after=balance_after,
        paid_on=paid_on,
    )
    db.session.add(receipt)
    return receipt


def number(new: list[Receipt]) -> None:
    """Give these receipts the next numbers of this year's series (the year they are issued,
    whatever the date the money came), in the order given; the year's counter row stays locked
    until the caller commits (or rolls back, and the numbers are given again)."""
    year = today().year
    with db.session.no_autoflush:  # the receipts are written with the caller's other rows
        last = _take(year, len(new))
        for position, receipt in enumerate(new, start=last - len(new) + 1):
            receipt.number = f"Q{year}-{position:06d}"


def _take(year: int, count: int) -> int:
    """Add `count` to the year's counter (created at 0 the first time); the new last number."""
    table = ReceiptCounter.__table__
    bump = (
        update(table)
        .where(table.c.year == year)
        .values(last_number=table.c.last_number + count)
        .returning(table.c.last_number)
    )
    connection = db.session.connection()
    last = connection.execute(bump).scalar_one_or_none()
    if last is None:  # the year's first receipt: two at once both insert, one row is kept
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(
            dialect.insert(table).values(year=year, last_number=0).on_conflict_do_nothing()
        )
        last = connection.execute(bump).scalar_one()
    return int(last)


def number_and_queue(
    pending: list[tuple[Receipt, Case]], outbox: list[Message], agency: Agency | None = _LOOK_UP
) -> None:
    """Number these new receipts and queue their e-mails into `outbox` (the caller commits)."""
    if not pending:
        return
    number([receipt for receipt, _case in pending])
    for receipt, case in pending:
        message = queue_email(receipt, case, agency)
        if message is not None:
            outbox.append(message)


def queue_email(receipt: Receipt, case: Case, agency: Agency | None = _LOOK_UP) -> Message | None:
    """Record the receipt e-mail (key `receipt:<number>`); the caller commits and delivers.

    `agency` is the sender, looked up by the caller once per batch (None: there is none); left
    out, it is looked up here.

    The key comes from the receipt's number, known before any write (its id is not). A receipt
    is issued once per payment, so the key is new: the message is built and added without a
    look-up, and the unique key still refuses a second one at commit.
    """
    with db.session.no_autoflush:  # no agency yet: its look-up need not write the batch
        message = mail.build_email(
            key=f"receipt:{receipt.number}",
            case=case,
            template="receipt",
            subject=_l("Receipt %(number)s: payment received", number=receipt.number),
            receipt=receipt,
            link=case_link(case.id, case.link_version),
            attachment=f"receipt:{receipt.number}",
            **({} if agency is _LOOK_UP else {"agency": agency}),
        )
    if message is None:
        return None
    db.session.add(message)
    audit.record("message.recorded", actor=ActorKind.SYSTEM, case_id=case.id,
                 template="receipt", key=message.key)  # fmt: skip
    return message


def attachment(number: str, language: str) -> Attachment | None:
    """The receipt numbered `number` as a PDF to attach to its e-mail (None if there is none)."""
    receipt = db.session.execute(
        select(Receipt).where(Receipt.number == number)
    ).scalar_one_or_none()
    if receipt is None:
        return None
    case = db.session.get(Case, receipt.case_id)
    with force_locale(language):
        filename = _("receipt-%(number)s.pdf", number=number)
    return Attachment(filename, "application/pdf", pdf(receipt, case, language))


def receipt_for(payment_id: int) -> Receipt | None:
    """The receipt of a payment, if it has one."""
    return db.session.execute(
        select(Receipt).where(Receipt.payment_id == payment_id)
    ).scalar_one_or_none()


def case_receipts(case_id: int) -> list[Receipt]:
    """The receipts of a case, newest first."""
    return list(
        db.session.execute(
            select(Receipt).where(Receipt.case_id == case_id).order_by(Receipt.id.desc())
        ).scalars()
    )


def pdf(receipt: Receipt, case: Case, language: str) -> bytes:
    """The receipt as a PDF in `language`."""
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    cur = receipt.currency
    with force_locale(language):
        doc = Document(
            title=_("Receipt %(number)s", number=receipt.number),
            footer=_("Case %(reference)s", reference=case.display_reference),
        )
        if agency:
            doc.lines([agency.legal_name, *agency.address_lines])
            doc.paragraph(_("Carries out amicable debt recovery."), small=True)
        doc.space()
        doc.paragraph(
            _(
                "We have received %(amount)s from %(debtor)s on %(date)s for case %(reference)s "
                "on behalf of %(creditor)s.",
                amount=money(receipt.amount, cur),
                debtor=case.debtor.display_name,
                date=format_date(receipt.paid_on, "long"),
                reference=case.display_reference,
                creditor=case.creditor.legal_name,
            )
        )
        doc.space()
        doc.table(
            [_("Receipt"), _("Amount received"), _("Remaining balance")],
            [[receipt.number, money(receipt.amount, cur), money(receipt.balance_after, cur)]],
            numeric_columns=(1, 2),
        )
        doc.space()
        doc.paragraph(_how_paid(receipt.payment), small=True)
        if receipt.balance_after <= 0:
            doc.paragraph(_("Nothing remains to be paid on this case."), bold=True)
        doc.paragraph(
            _("This receipt is issued under article R124-6 of the French CPCE."), small=True
        )
        return doc.render()


def _how_paid(payment: Payment) -> str:
    """How the money came, in the current language."""
    if payment.provider != "manual":
        return _("Paid online (card or SEPA Direct Debit). No fee was charged.")
    return {
        "transfer": _("Received by bank transfer."),
        "cheque": _("Received by cheque."),
        "cash": _("Received in cash."),
    }.get(payment.method or "", _("Received by bank transfer."))
