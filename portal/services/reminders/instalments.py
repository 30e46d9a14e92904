"""The one reminder a case in a plan still gets: an e-mail a few days before each instalment."""

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import String, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain import reminders as rules
from portal.domain.plan_states import LIVE_PLAN, InstalmentStatus
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Case, CaseReminder, DebtorPreference, Instalment, Plan, ReminderContact
from portal.security import case_link
from portal.services.mail import outbox as mail
from portal.services.reminders.controls import unsubscribe_url

DAYS_BEFORE = 3


def due_instalments(at: dt.datetime, zone: ZoneInfo, days_before: int = DAYS_BEFORE):
    """Unpaid instalments of live plans falling due within `days_before` days, not yet recalled."""
    today = at.astimezone(zone).date()
    recalled = exists().where(
        ReminderContact.case_id == Case.id,
        ReminderContact.step_key == "instalment:" + Instalment.id.cast(String),
    )
    return (
        select(Instalment, Case)
        .join(Plan, Plan.id == Instalment.plan_id)
        .join(Case, Case.id == Plan.case_id)
        .where(
            Plan.status.in_(LIVE_PLAN),
            Case.status != CaseStatus.DISPUTED,  # an open dispute stops every reminder
            Instalment.status == InstalmentStatus.DUE,
            Instalment.due_on.between(today, today + dt.timedelta(days=days_before)),
            ~recalled,
        )
        .options(joinedload(Case.debtor), joinedload(Case.creditor))
        .order_by(Instalment.due_on, Instalment.id)
    )


def send_instalment_reminders(runner) -> None:
    """Record the instalment reminders due at `runner.at` (the reminder Runner's rules apply)."""
    zone = ZoneInfo(runner.zone)
    rows = db.session.execute(due_instalments(runner.at, zone)).unique().all()
    email_ids = []
    for instalment, case in rows:
        debtor = case.debtor
        opted = db.session.get(DebtorPreference, debtor.id)
        if not debtor.email or (opted and opted.email_opt_out_at):
            runner.skip("instalment_no_email")
            continue
        debtor_zone = rules.debtor_zone(debtor.country, debtor.postcode, runner.zone)
        closed = rules.contact_closed(runner.at, debtor_zone, debtor.postcode)
        if closed is not None:
            runner.skip(str(closed))
            continue
        if runner.dry_run:
            runner.report.planned.append(f"{case.display_reference} instalment {instalment.id}")
            runner.report.steps += 1
            runner.report.emails += 1
            continue
        message = _record(runner, case, instalment)
        if message is not None:
            email_ids.append(message.id)
            runner.report.steps += 1
            runner.report.emails += 1
    if runner.dry_run:
        db.session.rollback()
        return
    db.session.commit()
    runner._deliver(mail.deliver_locked(email_ids))


def _record(runner, case: Case, instalment: Instalment):
    contact = ReminderContact(
        case_id=case.id,
        debtor_id=case.debtor_id,
        step_key=f"instalment:{instalment.id}",
        template="instalment",
        channels="email",
        created_at=runner.at,
    )
    try:
        with db.session.begin_nested():
            db.session.add(contact)
    except IntegrityError:
        runner.skip("already_done")
        return None
    state = db.session.get(CaseReminder, case.id)
    unsubscribe = unsubscribe_url(case.debtor_id)
    message = mail.queue_email(
        key=f"instalment:{instalment.id}:email",
        case=case,
        template="reminder_instalment",
        subject=lazy_gettext(
            "Your next instalment — case %(reference)s", reference=case.display_reference
        ),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        agency=runner.agency,
        link=case_link(case.id, case.link_version),
        base_url=current_app.config["PORTAL_BASE_URL"].split("://", 1)[-1],
        unsubscribe_url=unsubscribe,
        instalment_amount=instalment.amount - instalment.paid_amount,
        instalment_due_on=instalment.due_on,
        first_notice_reference=state.first_notice_reference if state else None,
        first_notice_date=state.first_notice_at if state else None,
    )
    db.session.flush()
    return message
