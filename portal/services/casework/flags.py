"""Case-level conditions of the collector's queue, as SQL expressions on `Case`: the balance,
and the three flags of the "flagged" tab (possibly time-barred and not reviewed, an excess
payment, a bounced e-mail)."""

import datetime as dt

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from portal.domain.ledger import DebtorKind
from portal.domain.reminders import add_years
from portal.domain.states import CaseStatus
from portal.models import Case, CaseReminder, DebtLine, Debtor, LedgerEntry, Message
from portal.models.messages import Channel, MessageStatus
from portal.models.reminders import TimeBarReview

ENDED = (CaseStatus.PAID, CaseStatus.SETTLED, CaseStatus.CLOSED)
FLAGS = ("time_barred", "excess", "bounced")


def balance() -> ColumnElement:
    """What the case owes now: the sum of its ledger (negative: more was paid than owed)."""
    return (
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )


def time_barred(today: dt.date) -> ColumnElement:
    """A live consumer case with a line due two years ago or more (C. conso. L218-2) that no
    collector has reviewed yet."""
    cutoff = add_years(today, -2)
    return and_(
        Case.status.not_in(ENDED),
        exists().where(Debtor.id == Case.debtor_id, Debtor.kind == DebtorKind.CONSUMER),
        exists().where(DebtLine.case_id == Case.id, DebtLine.due_on <= cutoff),
        ~exists().where(
            CaseReminder.case_id == Case.id, CaseReminder.time_bar == TimeBarReview.CLEARED
        ),
    )


def excess() -> ColumnElement:
    """More was received than owed: the excess is to be paid back."""
    return balance() < 0


def bounced() -> ColumnElement:
    """An e-mail to the debtor failed and none went through after it."""
    later = aliased(Message)
    return exists().where(
        Message.case_id == Case.id,
        Message.channel == Channel.EMAIL,
        Message.status == MessageStatus.FAILED,
        ~exists().where(
            later.case_id == Message.case_id,
            later.channel == Channel.EMAIL,
            later.status == MessageStatus.SENT,
            later.id > Message.id,
        ),
    )


def expressions(today: dt.date) -> dict[str, ColumnElement]:
    """Each flag's condition, by name."""
    return {"time_barred": time_barred(today), "excess": excess(), "bounced": bounced()}


def any_flag(today: dt.date) -> ColumnElement:
    """At least one flag is raised."""
    return or_(*expressions(today).values())
