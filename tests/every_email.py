"""Every e-mail the portal writes: each template of templates/email/, sent by the service that
sends it (reminders, plan decisions and their life, charges, receipts, disputes, staff
invitations and resets, the creditor's digest)."""

import datetime as dt
from pathlib import Path

import time_machine

from portal.config import ROOT
from portal.extensions import db
from portal.models import PlanProposal, Role
from portal.services import digests
from portal.services.access import passwords
from portal.services.admin import staff_users
from portal.services.casework import sending
from portal.services.digests import job as digest_job
from portal.services.disputes import debtor as disputes
from portal.services.disputes import decide as dispute_decide
from portal.services.payments import handlers, receipts
from portal.services.plans import decide as plan_decide
from portal.services.plans import life
from portal.services.reminders import run as reminders

PARIS = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)  # a Tuesday, within contact hours


def email_templates() -> set[str]:
    """The e-mails the portal can write: templates/email/<name>.html, but the shared parts."""
    folder = Path(ROOT) / "templates" / "email"
    return {p.stem for p in folder.glob("*.html") if not p.stem.startswith("_")}


def send_every_email(factories, language: str) -> None:
    """Have each service write its e-mail(s) to readers of `language`."""
    factories.agency()
    creditor = factories.creditor()
    reader = lambda: factories.debtor(language=language)  # noqa: E731
    owing = factories.case(creditor, reader(), lines=(61_234,))
    planned = factories.case(creditor, reader(), lines=(30_000,))
    late = factories.case(creditor, reader(), lines=(30_000,))
    admin = factories.staff(Role.ADMIN, language=language)
    creditor_user = factories.staff(Role.CREDITOR, creditor, language=language)
    with time_machine.travel(START, tick=False) as clock:
        digests.subscribe(creditor_user)
        for day in (0, 8, 15, 30):  # first notice, reminder, formal notice
            moment = START + dt.timedelta(days=day)
            clock.move_to(moment)
            if day == 30:  # and an instalment due in three days
                plan = factories.plan(planned, first_due=moment.date() + dt.timedelta(days=3))
            reminders.run(moment.astimezone(dt.UTC))
        plan_decide.decision_email(planned, db.session.get(PlanProposal, plan.proposal_id))
        broken = factories.plan(late, first_due=moment.date() - dt.timedelta(days=40))
        life.tick(moment.date())  # at risk
        life.tick(moment.date() + dt.timedelta(days=60))  # broken
        db.session.commit()
        handlers.charge_failed(
            factories.online_payment(owing, status="failed", off_session=True), []
        )
        paid = factories.online_payment(owing)
        receipts.queue_email(receipts.receipt_for(paid.id), owing)
        db.session.commit()
        clock.shift(dt.timedelta(minutes=5))
        dispute = disputes.open_dispute(owing.id, "other", "Je conteste.", [])
        dispute_decide.reject(dispute.id, admin.id, "Le montant reste dû.")
        staff_users.invite(admin, "nouvel@test.example", "Nouvel agent", Role.COLLECTOR, None,
                           language=language)  # fmt: skip
        passwords.request_reset(admin.email)
        sending.resend_link(late.id, admin.id)
        clock.shift(dt.timedelta(minutes=5))
        digest_job.run(dt.datetime.now(dt.UTC))
    assert broken.id
