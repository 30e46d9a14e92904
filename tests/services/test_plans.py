"""Plan services: proposing, deciding, answering, paying, and the daily job."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.domain.ledger import EntryKind
from portal.domain.plan_states import (
    Frequency,
    InstalmentStatus,
    PlanStatus,
    ProposalStatus,
    ProposedBy,
)
from portal.domain.policy import Outcome
from portal.domain.schedule import Line
from portal.domain.states import CaseStatus
from portal.models import AuditEvent, Case, Message, Plan, PlanProposal, Role
from portal.services.cases.ledger import add_entry
from portal.services.plans import current as plans
from portal.services.plans import decide, review
from portal.services.plans import life as plans_life

TODAY = dt.date(2026, 12, 1)
CONSENT = decide.Consent(ip="203.0.113.9", user_agent="Phone browser")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(60_000,))  # 600 €: second band (up to 6 of 50 € at once)


def ask(count=None, amount=None, days=10, frequency=Frequency.MONTHLY):
    return decide.Request(frequency, TODAY + dt.timedelta(days=days), count=count, amount=amount)


def messages(db, case):
    return db.session.execute(select(Message).where(Message.case_id == case.id)).scalars().all()


def test_inside_the_auto_limits_the_plan_starts_at_once(db, case):
    proposal = decide.propose(case, ask(count=6), CONSENT, budget=(180_000, 150_000))
    assert proposal.status == ProposalStatus.APPROVED and proposal.auto_decided
    assert (proposal.consent_ip, proposal.consent_user_agent) == ("203.0.113.9", "Phone browser")
    assert proposal.consent_text_version == decide.AGREEMENT_VERSION
    assert (proposal.budget_income, proposal.budget_expenses) == (180_000, 150_000)
    plan = plans.active_plan(case.id)
    assert [i.amount for i in plan.instalments] == [10_000] * 6
    assert db.session.get(Case, case.id).status == CaseStatus.IN_PLAN
    assert plans.next_instalment(case.id).due_on == dt.date(2026, 12, 11)
    [message] = messages(db, case)
    assert message.key == f"plan-decision:{proposal.id}"
    assert "100,00" in message.body_text and "11 déc. 2026" in message.body_text


def test_between_the_limits_a_collector_decides(db, case):
    proposal = decide.propose(case, ask(count=8), CONSENT)
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.policy_outcome == Outcome.REVIEW
    assert {r["rule"] for r in proposal.policy_reasons} == {"max_count", "max_duration"}
    assert plans.has_pending_proposal(case.id)
    assert plans.active_plan(case.id) is None
    paused = db.session.execute(plans.reminders_paused_case_ids()).scalars().all()
    assert paused == [case.id]
    assert messages(db, case) == []  # no decision yet
    assert [r.proposal.id for r in review.queue()] == [proposal.id]


def test_beyond_a_hard_limit_nothing_is_stored_and_a_fitting_plan_is_offered(db, case):
    with pytest.raises(decide.PolicyRefused) as refused:
        decide.propose(case, ask(count=12), CONSENT, budget=(1, 1))
    assert {b.rule for b in refused.value.verdict.refused()} == {"max_count", "max_duration"}
    offer = refused.value.offer
    assert len(offer.lines) == 10 and offer.verdict.outcome is not Outcome.REFUSED
    assert db.session.execute(select(PlanProposal)).first() is None


def test_one_open_proposal_per_case_in_the_service_and_in_the_database(db, case):
    decide.propose(case, ask(count=8), CONSENT)
    with pytest.raises(decide.PlanAlreadyOpen):
        decide.propose(case, ask(count=8), CONSENT)
    first = db.session.execute(select(PlanProposal)).scalar_one()
    copy = PlanProposal(
        **{c.key: getattr(first, c.key) for c in PlanProposal.__table__.columns if c.key != "id"}
    )
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_live_plan_per_case_in_the_database(db, case):
    decide.propose(case, ask(count=3), CONSENT)
    plan = plans.active_plan(case.id)
    db.session.add(Plan(case_id=case.id, proposal_id=plan.proposal_id + 0, total=1, currency="EUR"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_no_plan_on_a_paid_case(db, factories):
    paid = factories.case(lines=(10_000,), payments=(10_000,))
    with pytest.raises(decide.CaseNotPayable):
        decide.propose(paid, ask(count=2), CONSENT)


def test_withdrawn_proposals_cannot_be_decided(db, case, factories):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    decide.withdraw(case, proposal.id)
    assert not plans.has_pending_proposal(case.id)
    with pytest.raises(decide.AlreadyDecided):
        review.approve(proposal.id, collector)
    with pytest.raises(decide.AlreadyDecided):
        decide.withdraw(case, proposal.id)


def test_collector_approves_and_the_plan_starts(db, case, factories):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    review.approve(proposal.id, collector)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.APPROVED and proposal.decided_by_id == collector.id
    assert len(plans.active_plan(case.id).instalments) == 8
    with pytest.raises(decide.AlreadyDecided):
        review.reject(proposal.id, collector, ["other"], None)


def test_collector_rejects_with_reasons_and_the_debtor_is_told(db, case, factories):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    review.reject(proposal.id, collector, ["plan_too_long", "not-a-code"], "Six months at most.")
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.reason_codes == ["plan_too_long"]
    [message] = messages(db, case)
    assert "Six months at most." in message.body_text
    assert db.session.get(Case, case.id).status == CaseStatus.OPEN


def test_counter_offer_then_the_debtor_accepts(db, case, factories):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    lines = [Line(TODAY + dt.timedelta(days=5), 20_000), Line(dt.date(2027, 1, 5), 40_000)]
    offer = review.counter(proposal.id, collector, lines, Frequency.MONTHLY, [], "Two payments")
    assert offer.proposed_by == ProposedBy.COLLECTOR and offer.parent_id == proposal.id
    assert plans.has_pending_proposal(case.id)  # waits for the debtor, reminders stay paused
    decide.answer_counter(case, offer.id, True, CONSENT)
    plan = plans.active_plan(case.id)
    assert [i.amount for i in plan.instalments] == [20_000, 40_000]
    db.session.refresh(offer)
    assert offer.consent_ip == CONSENT.ip and offer.status == ProposalStatus.ACCEPTED
    keys = {m.key for m in messages(db, case)}
    assert keys == {f"plan-decision:{proposal.id}", f"plan-decision:{offer.id}"}
    with pytest.raises(decide.AlreadyDecided):
        decide.answer_counter(case, offer.id, False, CONSENT)


def test_counter_offer_declined_leaves_the_case_open(db, case, factories):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    lines = [Line(TODAY + dt.timedelta(days=5), 60_000)]
    offer = review.counter(proposal.id, collector, lines, Frequency.MONTHLY, [], None)
    with pytest.raises(decide.NotFound):  # a debtor answers counter-offers, not their own
        decide.answer_counter(case, proposal.id, True, CONSENT)
    decide.answer_counter(case, offer.id, False, CONSENT)
    assert plans.active_plan(case.id) is None and not plans.has_pending_proposal(case.id)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([Line(TODAY, 10_000)], "sum"),
        ([Line(TODAY - dt.timedelta(days=1), 60_000)], "dates"),
        ([Line(dt.date(2027, 1, 1), 30_000), Line(dt.date(2027, 1, 1), 30_000)], "dates"),
        ([Line(TODAY, 70_000), Line(dt.date(2027, 1, 1), -10_000)], "sum"),
    ],
)
def test_bad_counter_offers_store_nothing(db, case, factories, lines, problem):
    collector = factories.staff(Role.COLLECTOR)
    proposal = decide.propose(case, ask(count=8), CONSENT)
    with pytest.raises(review.BadSchedule, match=problem):
        review.counter(proposal.id, collector, lines, Frequency.MONTHLY, [], None)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.PENDING


def pay(case, amount, db):
    add_entry(case, EntryKind.PAYMENT, -amount, occurred_on=TODAY)
    plans.apply_payment(case, amount, TODAY)
    db.session.commit()


def test_payments_cover_instalments_oldest_first_and_complete_the_plan(db, case):
    decide.propose(case, ask(count=3), CONSENT)
    pay(case, 25_000, db)  # the first (20,000) and a quarter of the second
    plan = plans.active_plan(case.id)
    first, second, third = plan.instalments
    assert (first.status, first.paid_amount) == (InstalmentStatus.PAID, 20_000)
    assert (second.status, second.paid_amount) == (InstalmentStatus.DUE, 5_000)
    assert plans.next_instalment(case.id).sequence == 2
    pay(case, 35_000, db)
    db.session.refresh(plan)
    assert plan.status == PlanStatus.COMPLETED
    assert db.session.get(Case, case.id).status == CaseStatus.PAID
    assert plans.next_instalment(case.id) is None
    assert plans.active_plan(case.id) is None


def test_daily_job_overdue_at_risk_then_broken_and_safe_to_run_twice(db, case, clock):
    decide.propose(case, ask(count=3, days=5), CONSENT)  # due 6 Dec, 6 Jan, 6 Feb
    plan_id = plans.active_plan(case.id).id
    assert plans_life.tick(dt.date(2026, 12, 11)).overdue == 0  # inside the 5-day grace
    report = plans_life.tick(dt.date(2026, 12, 12))
    assert (report.overdue, report.at_risk) == (1, [plan_id])
    again = plans_life.tick(dt.date(2026, 12, 12))
    assert (again.overdue, again.at_risk, again.broken) == (0, [], [])
    at_risk = [m for m in messages(db, case) if m.template == "plan_at_risk"]
    assert len(at_risk) == 1 and "27 déc. 2026" in at_risk[0].body_text
    assert plans_life.tick(dt.date(2026, 12, 26)).broken == []
    assert plans_life.tick(dt.date(2026, 12, 27)).broken == [plan_id]
    assert plans_life.tick(dt.date(2026, 12, 27)).broken == []
    assert db.session.get(Plan, plan_id).status == PlanStatus.BROKEN
    assert db.session.get(Case, case.id).status == CaseStatus.OPEN
    assert [m.template for m in messages(db, case)].count("plan_broken") == 1
    actions = db.session.execute(select(AuditEvent.action)).scalars().all()
    assert actions.count("plan.broken") == 1 and actions.count("plan.at_risk") == 1


def test_paying_the_missed_instalment_puts_the_plan_back_on_track(db, case):
    decide.propose(case, ask(count=3, days=5), CONSENT)
    plans_life.tick(dt.date(2026, 12, 12))
    pay(case, 20_000, db)
    plan = plans.active_plan(case.id)
    assert plan.status == PlanStatus.ACTIVE and plan.at_risk_since is None
