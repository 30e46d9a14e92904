"""Which cases a reminder run takes, and what a batch of them needs, in a fixed few queries."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import reminders as rules
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import (
    Case,
    CaseReminder,
    DebtLine,
    DebtorPreference,
    ReminderContact,
    TimeBarReview,
)
from portal.services.cases.amounts import CaseAmounts, amounts_for
from portal.services.plans import current as plans
from portal.services.sql_bulk import among


def due_cases_query(
    at: dt.datetime,
    after_id: int = 0,
    limit: int | None = None,
    lock=False,
    shard: tuple[int, int] | None = None,
):
    """Open cases whose next step is due at `at`, not paused, not waiting for a review, no plan.

    With `shard` (k, n), only the cases whose id is k modulo n: the share of one of n workers.
    """
    stmt = (
        select(Case, CaseReminder)
        .outerjoin(CaseReminder, CaseReminder.case_id == Case.id)
        .where(
            Case.id > after_id,
            Case.status == CaseStatus.OPEN,
            or_(CaseReminder.case_id.is_(None), CaseReminder.next_due_at <= at),
            or_(CaseReminder.paused_until.is_(None), CaseReminder.paused_until <= at.date()),
            or_(
                CaseReminder.time_bar.is_(None),
                CaseReminder.time_bar != TimeBarReview.REQUIRED,
            ),
            ~plans.reminders_paused(),  # EXISTS: a NOT IN made PostgreSQL scan every case
        )
        .options(joinedload(Case.debtor), joinedload(Case.creditor))
        .order_by(Case.id)
        .limit(limit)
    )
    if shard is not None:
        stmt = stmt.where(Case.id % shard[1] == shard[0])
    if lock and db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Case, skip_locked=True)
    return stmt


def take_due_cases(
    at: dt.datetime, after_id: int, limit: int, lock: bool, shard: tuple[int, int] | None = None
) -> tuple[list, int]:
    """Lock the next due cases (PostgreSQL: FOR UPDATE SKIP LOCKED), then read them again.

    Returns the (case, state) rows still due and the last id locked. The second read is a new
    statement, so it sees what another run committed on these cases between this run's snapshot
    and its lock (a step just taken is no longer due): locked, then checked, never taken twice.
    """
    if not lock or db.session.get_bind().dialect.name != "postgresql":
        rows = db.session.execute(due_cases_query(at, after_id, limit, shard=shard)).unique().all()
        return rows, rows[-1][0].id if rows else after_id
    locked = db.session.scalars(
        due_cases_query(at, after_id, limit, lock=True, shard=shard).with_only_columns(Case.id)
    ).all()
    if not locked:
        return [], after_id
    dialect = db.session.get_bind().dialect.name
    rows = db.session.execute(due_cases_query(at).where(among(Case.id, locked, dialect)))
    rows = rows.unique().all()
    return rows, locked[-1]


def count_due(at: dt.datetime) -> int:
    """How many cases a run at `at` will look at."""
    inner = due_cases_query(at).with_only_columns(Case.id).order_by(None)
    return db.session.execute(select(func.count()).select_from(inner.subquery())).scalar_one()


@dataclass
class Batch:
    """What a batch of cases needs, loaded in a fixed number of queries."""

    amounts: dict[int, CaseAmounts]
    oldest_due: dict[int, dt.date]
    opted_out: set[int]
    recent: Counter  # contacts per debtor in the last 7 days
    by_phone: set[int] = field(default_factory=set)  # prefer a call: a call-back task instead


def load_batch(cases: list[Case], at: dt.datetime) -> Batch:
    """Amounts, oldest due dates, opt-outs and recent contacts of the batch."""
    case_ids = [c.id for c in cases]
    debtor_ids = sorted({c.debtor_id for c in cases})
    dialect = db.session.get_bind().dialect.name
    oldest = dict(
        db.session.execute(
            select(DebtLine.case_id, func.min(DebtLine.due_on))
            .where(among(DebtLine.case_id, case_ids, dialect))
            .group_by(DebtLine.case_id)
        ).all()
    )
    prefs = db.session.execute(
        select(DebtorPreference.debtor_id, DebtorPreference.email_opt_out_at,
               DebtorPreference.channel)
        .where(
            among(DebtorPreference.debtor_id, debtor_ids, dialect),
            or_(DebtorPreference.email_opt_out_at.is_not(None),
                DebtorPreference.channel.in_(("letter", "phone"))),
        )
    ).all()  # fmt: skip
    # A debtor who prefers letters gets letters, as one who stopped e-mails does.
    opted = {debtor for debtor, out, channel in prefs if out is not None or channel == "letter"}
    by_phone = {debtor for debtor, _out, channel in prefs if channel == "phone"}
    recent = Counter(
        dict(
            db.session.execute(
                select(ReminderContact.debtor_id, func.count())
                .where(
                    among(ReminderContact.debtor_id, debtor_ids, dialect),
                    ReminderContact.created_at > at - rules.CAP_WINDOW,
                    ReminderContact.created_at <= at,
                )
                .group_by(ReminderContact.debtor_id)
            ).all()
        )
    )
    return Batch(amounts_for(case_ids), oldest, opted, recent, by_phone)


def not_due_counts(at: dt.datetime) -> dict[str, int]:
    """Open cases held back: paused by a collector, waiting for a review, disputed, in a plan."""
    paused = db.session.execute(
        select(func.count()).where(
            CaseReminder.paused_until > at.date(),
        )
    ).scalar_one()
    review = db.session.execute(
        select(func.count()).where(CaseReminder.time_bar == TimeBarReview.REQUIRED)
    ).scalar_one()
    disputed = db.session.execute(
        select(func.count()).select_from(Case).where(Case.status == CaseStatus.DISPUTED)
    ).scalar_one()
    in_plan = db.session.execute(
        select(func.count()).select_from(plans.reminders_paused_case_ids().subquery())
    ).scalar_one()
    return {"paused": paused, "time_bar_review": review, "disputed": disputed, "plan": in_plan}
