"""The three flags of the collector's "flagged" tab, as SQL expressions on `Case`: possibly
time-barred and not reviewed, an excess payment, a bounced e-mail. The balance and the oldest
due date are the case's own totals (portal/models/case_totals.py)."""

import datetime as dt

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased

from portal.domain.ledger import DebtorKind
from portal.domain.reminders import add_years
from portal.domain.states import CaseStatus
from portal.models import Case, CaseReminder, Debtor, Message
from portal.models.messages import Channel, MessageStatus
from portal.models.reminders import TimeBarReview

ENDED = (CaseStatus.PAID, CaseStatus.SETTLED, CaseStatus.CLOSED)
FLAGS = ("time_barred", "excess", "bounced")


def time_barred(today: dt.date) -> ColumnElement:
    """A live consumer case with a line due two years ago or more (C. conso. L218-2) that no
    collector has reviewed yet."""
    cutoff = add_years(today, -2)
    return and_(
        Case.status.not_in(ENDED),
        exists().where(Debtor.id == Case.debtor_id, Debtor.kind == DebtorKind.CONSUMER),
        Case.oldest_due_on <= cutoff,
        ~exists().where(
            CaseReminder.case_id == Case.id, CaseReminder.time_bar == TimeBarReview.CLEARED
        ),
    )


def excess() -> ColumnElement:
    """More was received than owed: the excess is to be paid back."""
    return Case.balance < 0


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
