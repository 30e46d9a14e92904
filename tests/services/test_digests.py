"""Creditor users' daily digest: by e-mail through a real SMTP server, once a day, own cases."""

import datetime as dt

import pytest
import time_machine

from portal.models import ActorKind, Role
from portal.services import audit, digests
from portal.services.digests import job

NOW = dt.datetime(2026, 6, 2, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock():
    """Everything happens the evening before the digest runs (at NOW, given to the job)."""
    with time_machine.travel(NOW - dt.timedelta(hours=10)):
        yield


def event(case, action):
    audit.record(action, actor=ActorKind.SYSTEM, case_id=case.id)


def test_a_subscribed_user_gets_the_days_news_once(smtp, factories, db):
    creditor = factories.creditor()
    user = factories.staff(Role.CREDITOR, creditor, language="en")
    quiet = factories.staff(Role.CREDITOR, creditor)  # did not ask for it
    digests.subscribe(user)
    mine, theirs = factories.case(creditor), factories.case()
    event(mine, "plan.proposed")
    event(mine, "payment.succeeded")
    event(theirs, "plan.broken")  # another creditor's: never in this digest
    db.session.commit()
    assert job.run(NOW) == 1
    assert job.run(NOW) == 0  # the same day again: nothing new, nothing sent
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    text = received.get_body(("plain",)).get_content()
    assert received["To"] == user.email and received["Subject"] == "Your daily summary"
    assert "Plan proposals received: 1" in text and "Payments received: 1" in text
    assert mine.external_reference in text and theirs.external_reference not in text
    assert "Plans broken" not in text
    assert quiet.email not in {m["To"] for m in smtp.messages}


def test_nothing_new_sends_nothing_and_unsubscribing_stops_it(smtp, factories, db):
    user = factories.staff(Role.CREDITOR)
    digests.subscribe(user)
    assert digests.is_subscribed(user.id)
    assert job.run(NOW) == 0 and smtp.messages == []
    digests.unsubscribe(user)
    event(factories.case(user.creditor), "plan.broken")
    db.session.commit()
    assert job.run(NOW + dt.timedelta(days=1)) == 0 and smtp.messages == []
