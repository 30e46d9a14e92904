"""Every page of the portal and every e-mail it writes, in French, follows French typography
and has no English left: the GET routes of the url_map, each seen by the role it is for
(tests/every_page.py), and every template of templates/email/ sent by the service that sends it.
"""

import datetime as dt
from pathlib import Path

import time_machine
from sqlalchemy import select, update

from portal.config import ROOT
from portal.extensions import db
from portal.models import (
    Channel,
    Debtor,
    Dispute,
    DisputeMessage,
    Message,
    PlanProposal,
    Role,
    StaffUser,
)
from portal.services import digests
from portal.services.access import passwords
from portal.services.admin import staff_users
from portal.services.digests import job as digest_job
from portal.services.disputes import debtor as disputes
from portal.services.disputes import decide as dispute_decide
from portal.services.payments import handlers, receipts
from portal.services.plans import decide as plan_decide
from portal.services.plans import life
from portal.services.reminders import run as reminders
from tests import every_page as every_page_module
from tests.every_page import answers_to_empty_forms, every_page, skipped_routes
from tests.french_support import email_problems, problems, visible_text
from tests.web import test_access

world = test_access.world  # the access test's fixture: a case of every kind, staff of every role
demo_app = every_page_module.demo_app  # the app with the demo outbox


def french_data() -> None:
    """What people typed in the access test's world, in French (their words are not scanned
    for typography, but an English word there would hide a forgotten translation)."""
    db.session.execute(update(StaffUser).values(name="Agent " + StaffUser.email))
    db.session.execute(update(DisputeMessage).values(body="Je conteste ce montant."))
    db.session.execute(update(Dispute).values(explanation="Le montant reste dû."))
    db.session.execute(update(Debtor).values(address_line1="3 rue de la Paix"))
    db.session.commit()


def test_every_page_in_french_follows_french_typography(demo_app, world):
    french_data()
    pages = every_page(demo_app, world, "fr")
    assert len(pages) >= 40
    found = []
    for page in pages:
        assert page.status == 200 and page.mimetype == "text/html", (page.name, page.status)
        assert 'lang="fr"' in page.html[:300], page.name
        found += [f"{page.name}: {p}" for p in problems(visible_text(page.html))]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_every_form_sent_empty_answers_in_french_typography(demo_app, world):
    french_data()
    pages = answers_to_empty_forms(demo_app, world, "fr")
    assert len(pages) >= 10
    found = []
    for page in pages:
        assert page.status < 500 and page.mimetype == "text/html", (page.name, page.status)
        found += [f"{page.name}: {p}" for p in problems(visible_text(page.html))]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_what_is_not_scanned_is_not_a_page(web_app):
    skipped = skipped_routes(web_app)
    assert "/case" not in skipped and "/staff/cases/<reference>" not in skipped
    assert all(reason for reason in skipped.values())


PARIS = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)  # a Tuesday, within contact hours


def email_templates() -> set[str]:
    """The e-mails the portal can write: templates/email/<name>.html, but the shared parts."""
    folder = Path(ROOT) / "templates" / "email"
    return {p.stem for p in folder.glob("*.html") if not p.stem.startswith("_")}


def send_every_email(factories) -> None:
    """Have each service write its e-mail(s) to French readers."""
    factories.agency()
    creditor = factories.creditor()
    french = lambda: factories.debtor(language="fr")  # noqa: E731
    owing = factories.case(creditor, french(), lines=(61_234,))
    planned = factories.case(creditor, french(), lines=(30_000,))
    late = factories.case(creditor, french(), lines=(30_000,))
    admin = factories.staff(Role.ADMIN, language="fr")
    creditor_user = factories.staff(Role.CREDITOR, creditor, language="fr")
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
                           language="fr")  # fmt: skip
        passwords.request_reset(admin.email)
        clock.shift(dt.timedelta(minutes=5))
        digest_job.run(dt.datetime.now(dt.UTC))
    assert broken.id


def test_every_email_in_french_follows_french_typography(factories):
    send_every_email(factories)
    rows = db.session.execute(select(Message).where(Message.channel == Channel.EMAIL)).scalars()
    emails = [m for m in rows if m.language == "fr"]
    assert {m.template for m in emails} == email_templates()
    found = []
    for m in emails:
        found += [f"{m.template} {p}" for p in email_problems(m.subject, m.body_text, m.body_html)]
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)
