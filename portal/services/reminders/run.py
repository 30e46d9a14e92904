"""The reminder job: select due steps in SQL, apply the fair-contact rules, record, deliver.

Safe to run twice or on several machines at once: due cases are taken with FOR UPDATE SKIP LOCKED
on PostgreSQL, each step is claimed once by a unique (case, step) contact row, each message has a
unique key, and each batch of e-mails is claimed by one run before it is sent (see
mail_delivery). A batch's e-mails go out in a thread while the next batch is prepared.
"""

import datetime as dt
import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.domain import reminders as rules
from portal.domain.ledger import DebtorKind
from portal.extensions import db
from portal.legal import L111_8_AL2_AL3
from portal.models import (
    ActorKind,
    Agency,
    AuditEvent,
    CallbackRequest,
    Case,
    CaseReminder,
    Message,
    ReminderContact,
    TimeBarReview,
)
from portal.models.base import utcnow
from portal.security import case_link_maker
from portal.services import audit
from portal.services.mail import delivery as mail_delivery
from portal.services.mail import fragments as mail_fragments
from portal.services.mail import outbox as mail
from portal.services.mail import senders as mail_senders
from portal.services.reminders import letters
from portal.services.reminders.controls import sequence_of, unsubscribe_url_maker
from portal.services.reminders.due import (  # noqa: F401 (the job's public names)
    Batch,
    count_due,
    due_cases_query,
    load_batch,
    not_due_counts,
    take_due_cases,
)
from portal.services.reminders.instalments import send_instalment_reminders
from portal.services.reminders.rows import NewState, RunReport
from portal.services.sql_bulk import compress_with_lz4, insert_rows

SUBJECTS = {
    "first_notice": lambda ref: lazy_gettext("Amount due — case %(reference)s", reference=ref),
    "reminder": lambda ref: lazy_gettext("Reminder — case %(reference)s", reference=ref),
    "formal_notice": lambda ref: lazy_gettext(
        "Formal notice to pay — case %(reference)s", reference=ref
    ),
}


GC_THRESHOLD = 20_000  # allocations between two collections of the youngest objects (run)


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
    batch_emails: list = field(default_factory=list)  # rendered rows, written at the commit
    batch_letters: list = field(default_factory=list)  # recorded at the commit, after e-mails
    batch_calls: list = field(default_factory=list)  # call-back tasks of debtors who prefer them
    batch_steps: Counter = field(default_factory=Counter)  # steps, and channels used, in the batch
    batch_states: list = field(default_factory=list)  # NewState rows, written at the commit
    batch_contacts: list = field(default_factory=list)  # reminder_contacts rows, likewise
    sender: mail_senders.BackgroundSender | None = None
    background: bool = True  # send in a thread while the next batch is prepared
    shard: tuple[int, int] | None = None  # (k, n): only cases whose id is k modulo n
    case_link: Callable[[int, int], str] | None = None  # signers made once a run (see run)
    unsubscribe_url: Callable[[int], str] | None = None

    def run(self, limit: int | None = None, progress: Callable[[int], None] = lambda n: None):
        """Take every due case in batches (at most `limit` cases); deliver what was recorded."""
        self.zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        self.agency = db.session.execute(select(Agency)).scalar_one_or_none()
        self.case_link, self.unsubscribe_url = case_link_maker(), unsubscribe_url_maker()
        if not self.dry_run and mail.smtp_configured():
            settings = mail_delivery.MailSettings.from_config(current_app.config)
            sender = mail_delivery.Sender(db.engine, settings)
            kind = mail_senders.BackgroundSender if self.background else mail_senders.InlineSender
            self.sender = kind(sender)
        # What is in memory already (the app, its modules, compiled templates) is kept out of the
        # collector's passes, which the run's many short-lived objects trigger: about 8 % less
        # CPU a message. Unfrozen at the end, so nothing is kept longer than it would be. And the
        # youngest generation is collected every 20,000 allocations instead of 700: the run's
        # objects are mostly freed by their reference counts, and the collector's passes cost
        # 0.11 ms a message at 700, 0.04 at 20,000 (a few MB more held between passes).
        thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
        try:
            self._send_left_over()
            with mail_fragments.kept():  # legal mentions, footer: rendered once a run
                self._take_due(limit, progress)
        finally:
            if self.sender is not None:
                self._deliver(self.sender.close())
                self.sender = None
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        if self.instalments:
            send_instalment_reminders(self)
        return self.report

    def _send_left_over(self) -> None:
        """Send what earlier runs recorded but could not send (oldest first)."""
        if self.sender is None:
            return
        after = 0
        for _ in range(50):  # 10,000 at most: the rest waits for the next run
            ids = mail.pending_email_ids(after, self.batch_size)
            if not ids:
                break
            self.sender.submit(ids)
            after = ids[-1]
        self.sender.wait()

    def _take_due(self, limit: int | None, progress: Callable[[int], None]) -> None:
        after, seen = 0, 0
        while limit is None or seen < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - seen)
            rows, last = take_due_cases(
                self.at, after, size, lock=not self.dry_run, shard=self.shard
            )
            if last == after:
                break
            self.batch_emails, self.batch_letters, self.batch_steps = [], [], Counter()
            self.batch_states, self.batch_contacts, self.batch_calls = [], [], []
            if rows:
                batch = load_batch([case for case, _ in rows], self.at)
                with db.session.no_autoflush:  # everything is written by _commit_batch
                    for case, state in rows:
                        self.take(case, state, batch)
            after, seen = last, seen + len(rows)
            if self.dry_run:
                db.session.rollback()
            else:
                self._commit_batch()
            progress(len(rows))

    def _commit_batch(self) -> None:
        """Write the batch in one transaction, then hand its e-mails to the sender."""
        try:
            db.session.flush()  # the states read from the database, as changed
            insert_rows(CaseReminder.__table__, [vars(s) for s in self.batch_states])
            # unique (case, step): a step is taken once, whatever runs
            insert_rows(ReminderContact.__table__, self.batch_contacts)
            claimed, claimed_at = self._insert_emails()
            for letter in self.batch_letters:
                letters.record_letter(**letter)
            insert_rows(CallbackRequest.__table__, self.batch_calls)
            db.session.commit()
        except IntegrityError:
            # Another run took some of these steps (SQLite; PostgreSQL skips locked cases):
            # nothing of this batch was written, nothing sent; the next run looks again.
            db.session.rollback()
            self.report.skipped["already_done"] += self.batch_steps["steps"]
            return
        self.report.steps += self.batch_steps["steps"]
        self.report.emails += self.batch_steps["email"]
        self.report.letters += self.batch_steps["letter"]
        if self.sender is not None:
            self.sender.submit_claimed(claimed, claimed_at)

    def _insert_emails(self) -> tuple[list[mail_delivery.Claimed], dt.datetime]:
        """The batch's e-mails and their audit rows (COPY on PostgreSQL, see insert_rows).

        With a sender, the e-mails are recorded claimed by this run (no other run sends them
        unless the claim expires); returns them as the sender needs them, and the claim's time.
        """
        rows, claimed_at = self.batch_emails, utcnow()
        if self.sender is not None:
            for row in rows:
                row["claimed_at"] = claimed_at
        compress_with_lz4()  # the bodies: cheaper for the database server (see sql_bulk)
        ids = insert_rows(Message.__table__, rows, ids=True)
        events = [
            dict(
                action="message.recorded",
                actor_kind=ActorKind.SYSTEM,
                case_id=row["case_id"],
                staff_user_id=None,
                ip=None,
                details={"template": row["template"], "key": row["key"]},
            )
            for row in rows
        ]
        insert_rows(AuditEvent.__table__, events)
        if self.sender is None:
            return [], claimed_at
        fields = mail_delivery.Claimed._fields
        claimed = [
            mail_delivery.Claimed(new_id, *(row.get(name) for name in fields[1:]))
            for new_id, row in zip(ids, rows, strict=True)
        ]
        return claimed, claimed_at

    def _deliver(self, delivery: mail.DeliveryReport) -> None:
        self.report.delivered += len(delivery.sent)
        self.report.failed += len(delivery.failed)

    def skip(self, reason: str) -> list[int]:
        self.report.skipped[reason] += 1
        return []

    def take(self, case: Case, state: CaseReminder | NewState | None, batch: Batch) -> list[int]:
        """Decide on one case and, unless dry, record its step. Returns new e-mail ids."""
        if case.creditor_id not in self.sequences:
            self.sequences[case.creditor_id] = sequence_of(case.creditor_id)
        steps = self.sequences[case.creditor_id]
        if state is None:
            state = NewState(case_id=case.id, next_due_at=self.at)
            if not self.dry_run:
                self.batch_states.append(state)
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
        if debtor.id in batch.by_phone and debtor.phone:  # a collector calls instead
            channels = ("phone",)
        batch.recent[debtor.id] += 1
        if self.dry_run:
            self.report.planned.append(
                f"{case.display_reference} step {state.position + 1} {step.template}"
                f" by {'+'.join(channels)}"
            )
            self.report.steps += 1
            self.report.emails += "email" in channels
            self.report.letters += "letter" in channels
            return []
        return self.record(case, state, steps, step, channels, amounts)

    def record(self, case, state, steps, step, channels, amounts) -> list[int]:
        """Claim the step (unique contact row), record its messages, move the case on."""
        position = state.position
        self.batch_steps["steps"] += 1  # one step, whatever number of messages it sends
        self.batch_contacts.append(
            dict(
                case_id=case.id,
                debtor_id=case.debtor_id,
                step_key=f"step:{position}",
                template=str(step.template),
                channels="+".join(channels),
                created_at=self.at,
            )
        )
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
            self.batch_letters.append(
                dict(
                    key=f"reminder:{case.id}:{position}:letter",
                    case=case,
                    agency=self.agency,
                    facts=facts,
                    language=mail.language_of(case),
                )
            )
            self.batch_steps["letter"] += 1
        if "phone" in channels:
            call = dict(case_id=case.id, phone=case.debtor.phone, slot_at=self.at, status="open")
            self.batch_calls.append(call | {"created_at": self.at})
        state.position = position + 1
        state.last_step_at = self.at
        state.next_due_at = rules.step_due_at(steps, state.position, state.first_notice_at, self.at)
        return []

    def email(self, case, step, amounts, context, position):
        """Render the step's e-mail (written with the batch, sent after it commits)."""
        unsubscribe = self.unsubscribe_url(case.debtor_id)
        return mail.email_row(
            key=f"reminder:{case.id}:{position}:email",
            case=case,
            template=f"reminder_{step.template}",
            subject=SUBJECTS[str(step.template)](case.display_reference),
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            agency=self.agency,
            amounts=amounts,
            link=self.case_link(case.id, case.link_version),
            base_url=current_app.config["PORTAL_BASE_URL"].split("://", 1)[-1],
            unsubscribe_url=unsubscribe,
            l111_8=L111_8_AL2_AL3,
            **context,
        )


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
