"""The reminder job: select due steps in SQL, apply the fair-contact rules, record, deliver.

Safe to run twice or on several machines at once: due cases are taken with FOR UPDATE SKIP LOCKED
on PostgreSQL, each step is claimed once by a unique (case, step) contact row, each message has a
unique key, and every e-mail is sent under its own row lock (see mail.deliver_locked).
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain import reminders as rules
from portal.domain.ledger import DebtorKind
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.legal import L111_8_AL2_AL3
from portal.models import (
    ActorKind,
    Agency,
    Case,
    CaseReminder,
    DebtLine,
    DebtorPreference,
    ReminderContact,
    TimeBarReview,
)
from portal.security import case_link
from portal.services import audit, letters, mail, plans
from portal.services.amounts import CaseAmounts, amounts_for
from portal.services.instalment_reminders import send_instalment_reminders
from portal.services.reminder_controls import sequence_of, unsubscribe_url

SUBJECTS = {
    "first_notice": lambda ref: lazy_gettext("Amount due — case %(reference)s", reference=ref),
    "reminder": lambda ref: lazy_gettext("Reminder — case %(reference)s", reference=ref),
    "formal_notice": lambda ref: lazy_gettext(
        "Formal notice to pay — case %(reference)s", reference=ref
    ),
}


@dataclass
class RunReport:
    """What a run did (or, in a dry run, would do)."""

    emails: int = 0
    letters: int = 0
    delivered: int = 0
    failed: int = 0
    skipped: Counter = field(default_factory=Counter)
    planned: list[str] = field(default_factory=list)

    @property
    def contacts(self) -> int:
        """Steps taken."""
        return self.emails + self.letters


def due_cases_query(at: dt.datetime, after_id: int = 0, limit: int | None = None, lock=False):
    """Open cases whose next step is due at `at`, not paused, not waiting for a review, no plan."""
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
            Case.id.not_in(plans.reminders_paused_case_ids()),
        )
        .options(joinedload(Case.debtor), joinedload(Case.creditor))
        .order_by(Case.id)
        .limit(limit)
    )
    if lock and db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=Case, skip_locked=True)
    return stmt


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


def load_batch(cases: list[Case], at: dt.datetime) -> Batch:
    """Amounts, oldest due dates, opt-outs and recent contacts of the batch."""
    case_ids = [c.id for c in cases]
    debtor_ids = list({c.debtor_id for c in cases})
    oldest = dict(
        db.session.execute(
            select(DebtLine.case_id, func.min(DebtLine.due_on))
            .where(DebtLine.case_id.in_(case_ids))
            .group_by(DebtLine.case_id)
        ).all()
    )
    opted = set(
        db.session.execute(
            select(DebtorPreference.debtor_id).where(
                DebtorPreference.debtor_id.in_(debtor_ids),
                DebtorPreference.email_opt_out_at.is_not(None),
            )
        ).scalars()
    )
    recent = Counter(
        dict(
            db.session.execute(
                select(ReminderContact.debtor_id, func.count())
                .where(
                    ReminderContact.debtor_id.in_(debtor_ids),
                    ReminderContact.created_at > at - rules.CAP_WINDOW,
                    ReminderContact.created_at <= at,
                )
                .group_by(ReminderContact.debtor_id)
            ).all()
        )
    )
    return Batch(amounts_for(case_ids), oldest, opted, recent)


@dataclass
class Runner:
    """One run of the job."""

    at: dt.datetime
    dry_run: bool = False
    weekly_cap: int = rules.DEFAULT_WEEKLY_CAP
    batch_size: int = 200
    report: RunReport = field(default_factory=RunReport)
    sequences: dict = field(default_factory=dict)
    agency: Agency | None = None
    zone: str = "Europe/Paris"
    instalments: bool = True  # the reminder a few days before each instalment of a plan
    batch_emails: list = field(default_factory=list)  # rendered, written at the batch's commit
    batch_steps: Counter = field(default_factory=Counter)  # channels used in the batch

    def run(self, limit: int | None = None, progress: Callable[[int], None] = lambda n: None):
        """Take every due case in batches (at most `limit` cases); deliver what was recorded."""
        self.zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        self.agency = db.session.execute(select(Agency)).scalar_one_or_none()
        if not self.dry_run:
            self._deliver(mail.deliver_pending_locked(limit=10_000))
        after, seen = 0, 0
        while limit is None or seen < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - seen)
            query = due_cases_query(self.at, after, size, lock=not self.dry_run)
            rows = db.session.execute(query).unique().all()
            if not rows:
                break
            batch = load_batch([case for case, _ in rows], self.at)
            self.batch_emails, self.batch_steps = [], Counter()
            for case, state in rows:
                self.take(case, state, batch)
            after, seen = rows[-1][0].id, seen + len(rows)
            if self.dry_run:
                db.session.rollback()
            else:
                self._commit_batch()
            progress(len(rows))
        if self.instalments:
            send_instalment_reminders(self)
        return self.report

    def _commit_batch(self) -> None:
        """Write the batch in one transaction, then send its e-mails one by one."""
        try:
            db.session.flush()  # one multi-row INSERT per table
            email_ids = [message.id for message in self.batch_emails]
            db.session.commit()
        except IntegrityError:
            # Another run took some of these steps (SQLite; PostgreSQL skips locked cases):
            # nothing of this batch was written, nothing sent; the next run looks again.
            db.session.rollback()
            self.report.skipped["already_done"] += sum(self.batch_steps.values())
            return
        self.report.emails += self.batch_steps["email"]
        self.report.letters += self.batch_steps["letter"]
        self._deliver(mail.deliver_locked(email_ids))

    def _deliver(self, delivery: mail.DeliveryReport) -> None:
        self.report.delivered += len(delivery.sent)
        self.report.failed += len(delivery.failed)

    def skip(self, reason: str) -> list[int]:
        self.report.skipped[reason] += 1
        return []

    def take(self, case: Case, state: CaseReminder | None, batch: Batch) -> list[int]:
        """Decide on one case and, unless dry, record its step. Returns new e-mail ids."""
        if case.creditor_id not in self.sequences:
            self.sequences[case.creditor_id] = sequence_of(case.creditor_id)
        steps = self.sequences[case.creditor_id]
        if state is None:
            state = CaseReminder(
                case_id=case.id, position=0, next_due_at=self.at, time_bar=TimeBarReview.NONE
            )
            if not self.dry_run:
                db.session.add(state)
        if state.position >= len(steps):
            state.next_due_at = None
            return self.skip("sequence_over")
        amounts = batch.amounts[case.id]
        if amounts.balance <= 0:
            return self.skip("nothing_owed")
        debtor = case.debtor
        consumer = debtor.kind == DebtorKind.CONSUMER
        today = self.at.astimezone(ZoneInfo(self.zone)).date()
        oldest_due = batch.oldest_due.get(case.id)
        if state.time_bar == TimeBarReview.NONE and rules.possibly_time_barred(
            consumer, oldest_due, today
        ):
            if not self.dry_run:
                state.time_bar = TimeBarReview.REQUIRED
                audit.record("reminders.time_bar_flagged", actor=ActorKind.SYSTEM, case_id=case.id)
            return self.skip("time_bar_review")
        zone = rules.debtor_zone(debtor.country, debtor.postcode, self.zone)
        closed = rules.contact_closed(self.at, zone, debtor.postcode)
        if closed is not None:
            return self.skip(str(closed))
        if not rules.within_cap(batch.recent[debtor.id], self.weekly_cap):
            return self.skip("weekly_cap")
        step = steps[state.position]
        email_ok = bool(debtor.email) and debtor.id not in batch.opted_out
        channels = rules.effective_channels(step.channel, email_ok)
        batch.recent[debtor.id] += 1
        if self.dry_run:
            self.report.planned.append(
                f"{case.display_reference} step {state.position + 1} {step.template}"
                f" by {'+'.join(channels)}"
            )
            self.report.emails += "email" in channels
            self.report.letters += "letter" in channels
            return []
        return self.record(case, state, steps, step, channels, amounts)

    def record(self, case, state, steps, step, channels, amounts) -> list[int]:
        """Claim the step (unique contact row), record its messages, move the case on."""
        position = state.position
        contact = ReminderContact(
            case_id=case.id,
            debtor_id=case.debtor_id,
            step_key=f"step:{position}",
            template=str(step.template),
            channels="+".join(channels),
            created_at=self.at,
        )
        db.session.add(contact)  # unique (case, step): a step is taken once, whatever runs
        reference = f"{case.display_reference}-{position + 1}"
        if position == 0:
            state.first_notice_reference, state.first_notice_at = reference, self.at
        context = dict(
            reference=reference,
            first_notice_reference=state.first_notice_reference,
            first_notice_date=state.first_notice_at,
            tone=str(step.tone),
            days_to_pay=8,
        )
        if "email" in channels:
            message = self.email(case, step, amounts, context, position)
            if message is not None:
                self.batch_emails.append(message)
                self.batch_steps["email"] += 1
        if "letter" in channels:
            facts = letters.LetterFacts(
                template=str(step.template),
                reference=reference,
                produced_at=self.at,
                first_notice_reference=state.first_notice_reference,
                first_notice_at=state.first_notice_at,
            )
            letters.record_letter(
                key=f"reminder:{case.id}:{position}:letter",
                case=case,
                agency=self.agency,
                facts=facts,
                language=mail.language_of(case),
            )
            self.batch_steps["letter"] += 1
        state.position = position + 1
        state.last_step_at = self.at
        state.next_due_at = rules.step_due_at(steps, state.position, state.first_notice_at, self.at)
        return []

    def email(self, case, step, amounts, context, position):
        """Render the step's e-mail (written with the batch, sent after it commits)."""
        unsubscribe = unsubscribe_url(case.debtor_id)
        key = f"reminder:{case.id}:{position}:email"
        message = mail.build_email(
            key=key,
            case=case,
            template=f"reminder_{step.template}",
            subject=SUBJECTS[str(step.template)](case.display_reference),
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            agency=self.agency,
            amounts=amounts,
            link=case_link(case.id, case.link_version),
            base_url=current_app.config["PORTAL_BASE_URL"].split("://", 1)[-1],
            unsubscribe_url=unsubscribe,
            l111_8=L111_8_AL2_AL3,
            **context,
        )
        if message is not None:
            db.session.add(message)
            audit.record(
                "message.recorded",
                actor=ActorKind.SYSTEM,
                case_id=case.id,
                template=message.template,
                key=key,
            )
        return message


def run(
    at: dt.datetime,
    *,
    dry_run: bool = False,
    limit: int | None = None,
    weekly_cap: int = rules.DEFAULT_WEEKLY_CAP,
    instalments: bool = True,
    progress: Callable[[int], None] = lambda n: None,
) -> RunReport:
    """Run the reminder job as of `at` (aware)."""
    runner = Runner(at=at, dry_run=dry_run, weekly_cap=weekly_cap, instalments=instalments)
    return runner.run(limit=limit, progress=progress)


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
