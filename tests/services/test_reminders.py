"""The reminder job against a real local SMTP server, with the clock under control."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from portal.domain.ledger import DebtorKind
from portal.domain.plan_states import Frequency, ProposalStatus, ProposedBy
from portal.domain.reminders import next_open, parse_step
from portal.domain.states import CaseStatus
from portal.legal import L111_8_AL2_AL3
from portal.models import (
    CaseReminder,
    Channel,
    Message,
    MessageStatus,
    PlanProposal,
    ReminderContact,
    TimeBarReview,
)
from portal.services.reminders import controls
from portal.services.reminders import run as reminders

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def clock():
    """Cases, pauses and reviews are made at TUESDAY, where the runs start, never at the real
    date (a pause made at the real date would make the case first due then)."""
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def run_at(moment: dt.datetime, **kwargs) -> reminders.RunReport:
    """Run the job with the clock at `moment`."""
    with time_machine.travel(moment, tick=False):
        return reminders.run(moment.astimezone(dt.UTC), **kwargs)


def days(n: int, hour: int = 10) -> dt.datetime:
    """TUESDAY + n days, at `hour` in Paris (skipping nothing: pick days that are open)."""
    return dt.datetime.combine(TUESDAY.date() + dt.timedelta(days=n), dt.time(hour), PARIS)


def messages(db, case_id=None) -> list[Message]:
    stmt = select(Message).order_by(Message.id)
    if case_id:
        stmt = stmt.where(Message.case_id == case_id)
    return list(db.session.execute(stmt).scalars())


def plain(received) -> str:
    return received.get_body(("plain",)).get_content()


def html(received) -> str:
    return received.get_body(("html",)).get_content()


def test_first_notice_carries_every_mention(smtp, factories, db):
    factories.agency()
    case = factories.case(
        debtor_=factories.debtor(language="en", email="alex@example.org"), interest=1_000
    )
    report = run_at(TUESDAY)
    assert (report.emails, report.delivered) == (1, 1)
    [received] = smtp.messages
    assert received["To"] == "alex@example.org"
    assert received["Subject"] == f"Amount due — case {case.display_reference}"
    assert received["Content-Language"] == "en"
    assert received["List-Unsubscribe"].startswith("<http://portal.test/u/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = plain(received)
    # R124-4: the agency, that it collects amicably, the creditor, itemised amounts, how to pay.
    assert "Agence Test SAS" in text and "1 rue du Test" in text
    assert "carries out amicable debt recovery" in text
    assert case.creditor.legal_name in text and case.creditor.address_line1 in text
    assert "principal €123.45, interest €10.00, charges €0.00" in text
    # What each line is, what its interest is, which rule on costs applies to a consumer.
    assert f"- Invoice F-{case.external_reference[4:]}-0 (due on 2 May 2026):" in text
    assert "Late-payment interest, from 2 May 2026 to 1 Jun 2026" in text
    assert "Basis of the debt: the invoices listed above" in text
    assert "none is charged to you (article L111-8" in text
    assert "Balance due: €133.45" in text
    assert "We ask you to pay €133.45." in text
    assert "FR7630006000011234567890189" in text
    assert f"Reference of this notice: {case.display_reference}-1" in text
    for paragraph in L111_8_AL2_AL3.paragraphs:  # the statute, verbatim, in both parts
        assert paragraph in text
        assert paragraph.replace("'", "&#39;") in html(received)
    assert 'href="http://portal.test/l/' in html(received)
    state = db.session.get(CaseReminder, case.id)
    assert state.position == 1 and state.first_notice_reference.endswith("-1")
    assert state.next_due_at == days(8).astimezone(dt.UTC)


def test_french_debtor_gets_french_formats(smtp, factories):
    factories.agency()
    factories.case(debtor_=factories.debtor(language="fr"))
    run_at(TUESDAY)
    [received] = smtp.messages
    assert received["Content-Language"] == "fr"
    assert "123,45\xa0€" in plain(received)


def test_walk_through_the_sequence(smtp, factories, db):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    run_at(TUESDAY)
    assert run_at(days(7)).contacts == 0  # day 7: nothing due yet
    assert run_at(days(8)).emails == 1
    assert run_at(days(15)).emails == 1
    report = run_at(days(30))
    assert (report.emails, report.letters) == (1, 1)
    assert run_at(days(60)).contacts == 0  # the sequence is over
    sent = messages(db, case.id)
    assert [m.template for m in sent] == [
        "reminder_first_notice",
        "reminder_reminder",
        "reminder_reminder",
        "reminder_formal_notice",
        "letter_formal_notice",
    ]
    subjects = [m["Subject"] for m in smtp.messages]
    assert subjects[1].startswith("Reminder") and subjects[3].startswith("Formal notice")
    first_ref = f"{case.display_reference}-1"
    for received in smtp.messages[1:]:  # every later message recalls the first notice
        assert f"our first notice {first_ref} of 1 December 2026" in plain(received)
    assert "Unless we are mistaken" in plain(smtp.messages[1])  # courteous
    assert "Despite our previous messages" in plain(smtp.messages[2])  # firm
    assert "within 8 days" in plain(smtp.messages[3])
    letter = sent[-1]
    assert letter.channel == Channel.LETTER and first_ref in letter.body_text


@pytest.mark.parametrize(
    "moment, reason",
    [
        (dt.datetime(2026, 12, 1, 7, 30, tzinfo=PARIS), "quiet_hours"),
        (dt.datetime(2026, 12, 1, 20, 5, tzinfo=PARIS), "quiet_hours"),
        (dt.datetime(2026, 11, 29, 11, 0, tzinfo=PARIS), "sunday"),
        (dt.datetime(2026, 12, 25, 11, 0, tzinfo=PARIS), "holiday"),
        (dt.datetime(2027, 3, 29, 11, 0, tzinfo=PARIS), "holiday"),  # Easter Monday 2027
    ],
)
def test_no_contact_out_of_hours_sundays_holidays(smtp, factories, db, moment, reason):
    factories.case()
    report = run_at(moment)
    assert report.contacts == 0 and report.skipped == {reason: 1}
    assert smtp.messages == [] and messages(db) == []
    assert run_at(next_open(moment, PARIS)).emails == 1  # the next allowed moment


def test_debtors_time_zone(smtp, factories):
    factories.case(debtor_=factories.debtor(postcode="97400", city="Saint-Denis"))
    factories.case()  # in Paris
    # 05:30 UTC: 06:30 in Paris (too early), 09:30 in Réunion.
    report = run_at(dt.datetime(2026, 12, 1, 5, 30, tzinfo=dt.UTC))
    assert report.emails == 1 and report.skipped == {"quiet_hours": 1}


def test_weekly_cap_per_debtor(smtp, factories, db):
    debtor = factories.debtor()
    cases = [factories.case(debtor_=debtor) for _ in range(3)]
    report = run_at(TUESDAY)
    assert report.emails == 2 and report.skipped == {"weekly_cap": 1}
    assert run_at(days(1)).skipped == {"weekly_cap": 1}  # still two in the last 7 days
    assert run_at(days(7)).emails == 1  # the window has moved on
    assert {m.case_id for m in messages(db)} == {c.id for c in cases}


def test_dispute_pauses_reminders(smtp, factories, db):
    case = factories.case()
    case.status = CaseStatus.DISPUTED
    db.session.commit()
    assert run_at(TUESDAY).contacts == 0
    assert reminders.not_due_counts(TUESDAY)["disputed"] == 1
    case.status = CaseStatus.OPEN
    db.session.commit()
    assert run_at(days(1)).emails == 1


def test_collector_pause_until_a_date(smtp, factories, db):
    case = factories.case()
    collector = factories.staff()
    controls.pause(
        case.id, days(10).date(), "Called, pays on the 10th", collector.id, TUESDAY.date()
    )
    assert run_at(TUESDAY).contacts == 0
    assert run_at(days(9)).contacts == 0
    assert run_at(days(10)).emails == 1
    with pytest.raises(controls.PauseError):
        controls.pause(case.id, TUESDAY.date(), "", collector.id, TUESDAY.date())


def test_pending_plan_proposal_pauses_reminders(smtp, factories, db):
    case = factories.case()
    db.session.add(
        PlanProposal(
            case_id=case.id,
            proposed_by=ProposedBy.DEBTOR,
            count=3,
            frequency=Frequency.MONTHLY,
            first_due_on=dt.date(2026, 12, 15),
            schedule=[],
            total=12_345,
            currency="EUR",
            status=ProposalStatus.PENDING,
            policy_outcome="review",
        )
    )
    db.session.commit()
    assert run_at(TUESDAY).contacts == 0
    assert reminders.not_due_counts(TUESDAY)["plan"] == 1


def test_possibly_time_barred_consumer_debt_waits_for_review(smtp, factories, db):
    consumer = factories.case()
    professional = factories.case(debtor_=factories.debtor(DebtorKind.PROFESSIONAL))
    late = dt.datetime(2028, 5, 3, 10, tzinfo=PARIS)  # debt lines fell due on 2026-05-02
    report = run_at(late)
    assert report.emails == 1 and report.skipped == {"time_bar_review": 1}
    assert [m.case_id for m in messages(db)] == [professional.id]
    state = db.session.get(CaseReminder, consumer.id)
    assert state.time_bar == TimeBarReview.REQUIRED
    assert run_at(late + dt.timedelta(days=1)).contacts == 0  # not selected any more
    controls.clear_time_bar(consumer.id, factories.staff().id)
    assert run_at(late + dt.timedelta(days=2)).emails == 1


def test_opted_out_debtor_gets_letters(smtp, factories, db):
    factories.agency()
    case = factories.case()
    controls.opt_out(case.debtor_id)
    report = run_at(TUESDAY)
    assert (report.emails, report.letters) == (0, 1)
    assert smtp.messages == []
    [letter] = messages(db)
    assert letter.channel == Channel.LETTER and letter.template == "letter_first_notice"


def test_debtor_without_email_gets_letters(smtp, factories, db):
    factories.case(debtor_=factories.debtor(email=None))
    assert run_at(TUESDAY).letters == 1


def test_nothing_owed_nothing_sent(smtp, factories):
    factories.case(payments=(12_345,))
    assert run_at(TUESDAY).skipped == {"nothing_owed": 1}


def test_running_twice_sends_once(smtp, factories, db):
    factories.case()
    run_at(TUESDAY)
    run_at(TUESDAY)
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(func.count(ReminderContact.id))) == 1


def test_smtp_down_then_up(smtp, factories, db):
    factories.case()
    smtp.refuse = True
    report = run_at(TUESDAY)
    assert (report.emails, report.delivered, report.failed) == (1, 0, 1)
    [message] = messages(db)
    assert message.status == MessageStatus.PENDING and "451" in message.last_error
    smtp.refuse = False
    report = run_at(TUESDAY + dt.timedelta(minutes=15))
    assert (report.emails, report.delivered) == (0, 1)  # no new step, the old one delivered
    assert len(smtp.messages) == 1
    assert run_at(TUESDAY + dt.timedelta(minutes=30)).delivered == 0


def test_dry_run_changes_nothing(smtp, factories, db):
    factories.case()
    report = run_at(TUESDAY, dry_run=True)
    assert report.emails == 1 and len(report.planned) == 1
    assert messages(db) == [] and smtp.messages == []
    assert db.session.scalar(select(func.count()).select_from(CaseReminder)) == 0


def test_limit(smtp, factories):
    for _ in range(3):
        factories.case()
    assert run_at(TUESDAY, limit=2).emails == 2
    assert run_at(TUESDAY).emails == 1


def test_creditor_sequence(smtp, factories, db):
    creditor = factories.creditor()
    steps = [
        parse_step("0:email:first_notice:courteous"),
        parse_step("3:letter:formal_notice:formal"),
    ]
    controls.set_sequence(creditor.id, steps)
    factories.case(creditor)
    run_at(TUESDAY)
    assert run_at(days(3)).letters == 1
    assert controls.set_sequence(creditor.id, None)[-1].offset_days == 30


def test_active_plan_stops_reminders_but_recalls_each_instalment(smtp, factories, db):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    factories.plan(case, amounts=(5_000, 7_345), first_due=dt.date(2026, 12, 4))
    assert run_at(days(-4)).contacts == 0  # 27 November: the instalment is a week away
    report = run_at(TUESDAY)  # 1 December: 3 days before
    assert report.emails == 1 and report.delivered == 1
    [received] = smtp.messages
    assert received["Subject"] == f"Your next instalment — case {case.display_reference}"
    assert "your instalment of €50.00 is due on 4 December 2026" in plain(received)
    assert received["List-Unsubscribe"]
    assert run_at(days(1)).contacts == 0  # once per instalment
    assert [m.template for m in messages(db)] == ["reminder_instalment"]


def test_no_instalment_reminders_when_switched_off(smtp, factories):
    case = factories.case()
    factories.plan(case, first_due=dt.date(2026, 12, 3))
    assert run_at(TUESDAY, instalments=False).contacts == 0


def test_a_shard_takes_only_its_cases(smtp, factories):
    cases = [factories.case() for _ in range(6)]
    with time_machine.travel(TUESDAY, tick=False):
        report = reminders.Runner(at=TUESDAY, shard=(1, 3)).run()
    assert report.emails == sum(1 for c in cases if c.id % 3 == 1)
    assert {m["To"] for m in smtp.messages} == {c.debtor.email for c in cases if c.id % 3 == 1}


def test_what_a_run_sends_is_what_it_recorded(smtp, factories, db):
    factories.agency()
    cases = [factories.case(debtor_=factories.debtor(language=lang)) for lang in ("fr", "en")]
    report = run_at(TUESDAY)
    assert (report.emails, report.delivered) == (2, 2)
    stored = {m.recipient: m for m in messages(db)}
    for received in smtp.messages:
        message = stored[received["To"]]
        assert message.status == MessageStatus.SENT and message.claimed_at is not None
        assert received["Subject"] == message.subject
        for part, body in (
            (plain(received), message.body_text),
            (html(received), message.body_html),
        ):
            assert part.replace("\r\n", "\n").rstrip("\n") == body.rstrip("\n")
    assert {m.case_id for m in stored.values()} == {c.id for c in cases}
