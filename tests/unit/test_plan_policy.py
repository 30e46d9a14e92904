"""The plan policy, on a table of cases, and the nearest plan that fits."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain import schedule
from portal.domain.plan_states import (
    INSTALMENT_TRANSITIONS,
    PLAN_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    Frequency,
    InstalmentStatus,
    PlanStatus,
    ProposalStatus,
    move_instalment,
    move_plan,
    move_proposal,
)
from portal.domain.policy import (
    Band,
    Limits,
    Outcome,
    Policy,
    Rule,
    default_policy,
    evaluate,
    nearest_fit,
)
from portal.domain.states import IllegalTransition

TODAY = dt.date(2026, 12, 1)
M, B, W = Frequency.MONTHLY, Frequency.BIWEEKLY, Frequency.WEEKLY
POLICY = default_policy()


def plan(total, count, first_in_days=10, frequency=M, first_amount=None):
    first = TODAY + dt.timedelta(days=first_in_days)
    return schedule.build(total, first, frequency, count=count, first_amount=first_amount)


# balance (cents), count, first due in days, frequency -> outcome, rules broken
TABLE = [
    (15_000, 3, 10, M, Outcome.AUTO, set()),
    (15_000, 4, 10, M, Outcome.REVIEW, {Rule.MAX_COUNT}),
    (15_000, 5, 10, M, Outcome.REFUSED, {Rule.MAX_COUNT, Rule.MAX_DURATION}),
    (19_999, 3, 30, W, Outcome.AUTO, set()),
    (20_000, 4, 10, M, Outcome.AUTO, set()),  # 200 € starts the second band: 4 of 50 €
    (20_000, 5, 10, M, Outcome.REVIEW, {Rule.MIN_INSTALMENT}),  # 40 €: under 50, over 30
    (20_000, 7, 10, M, Outcome.REFUSED, {Rule.MAX_COUNT, Rule.MIN_INSTALMENT}),  # 28.57 €
    (60_000, 6, 10, M, Outcome.AUTO, set()),
    (60_000, 8, 10, M, Outcome.REVIEW, {Rule.MAX_COUNT, Rule.MAX_DURATION}),
    (100_000, 10, 10, B, Outcome.REVIEW, {Rule.MAX_COUNT}),
    (100_000, 11, 10, B, Outcome.REFUSED, {Rule.MAX_COUNT}),
    (100_001, 12, 10, M, Outcome.AUTO, set()),  # over 1,000 €: third band, 12 of 83.33 €
    (100_001, 13, 10, M, Outcome.REVIEW, {Rule.MAX_COUNT, Rule.MIN_INSTALMENT}),
    (300_000, 24, 10, M, Outcome.REVIEW, {Rule.MAX_COUNT, Rule.MAX_DURATION}),
    (300_000, 25, 10, M, Outcome.REFUSED, {Rule.MAX_COUNT, Rule.MAX_DURATION}),
    (60_000, 3, 31, M, Outcome.REVIEW, {Rule.FIRST_DUE}),
    (60_000, 3, 46, M, Outcome.REFUSED, {Rule.FIRST_DUE}),
    (60_000, 3, -1, M, Outcome.REFUSED, {Rule.FIRST_DUE}),
    (3_000, 3, 0, W, Outcome.AUTO, set()),  # due today is allowed
]


@pytest.mark.parametrize(("balance", "count", "days", "frequency", "outcome", "rules"), TABLE)
def test_policy_table(balance, count, days, frequency, outcome, rules):
    verdict = evaluate(POLICY, balance, plan(balance, count, days, frequency), frequency, TODAY)
    assert verdict.outcome is outcome
    assert {b.rule for b in verdict.breaches} == rules


def test_breaches_name_the_limit_passed():
    verdict = evaluate(POLICY, 15_000, plan(15_000, 5, frequency=W), W, TODAY)
    (breach,) = verdict.breaches
    assert (breach.rule, breach.level, breach.limit, breach.actual) == (
        Rule.MAX_COUNT,
        Outcome.REFUSED,
        4,
        5,
    )
    assert breach.as_dict() == {"rule": "max_count", "level": "refused", "limit": 4, "actual": 5}


STRICT = Policy(
    bands=(
        Band(
            0,
            Limits(6, 6),
            Limits(0, 0),
            Limits(400, 400),
            Limits(30, 20),
            Limits(30, 30),
            Limits(frozenset({M}), frozenset({M, B})),
        ),
    )
)


def test_down_payment_and_frequency_rules():
    assert evaluate(STRICT, 60_000, plan(60_000, 3), M, TODAY).outcome is Outcome.AUTO
    four = evaluate(STRICT, 60_000, plan(60_000, 4, frequency=B), B, TODAY)
    assert four.outcome is Outcome.REVIEW  # 25 % first payment, and every two weeks
    assert {b.rule for b in four.breaches} == {Rule.MIN_FIRST_PAYMENT, Rule.FREQUENCY}
    weekly = evaluate(STRICT, 60_000, plan(60_000, 6, frequency=W), W, TODAY)
    assert weekly.outcome is Outcome.REFUSED
    assert {b.rule for b in weekly.refused()} == {Rule.MIN_FIRST_PAYMENT, Rule.FREQUENCY}
    offer = nearest_fit(STRICT, 60_000, 6, W, TODAY + dt.timedelta(days=5), TODAY)
    assert offer.frequency is B  # weekly is not allowed; every two weeks is the closest
    assert offer.lines[0].amount * 100 >= 60_000 * 20
    assert offer.verdict.outcome is not Outcome.REFUSED


def test_nearest_fit_keeps_the_frequency_and_the_closest_count():
    offer = nearest_fit(POLICY, 100_000, 15, B, TODAY + dt.timedelta(days=60), TODAY)
    assert offer.frequency is B
    assert len(offer.lines) == 10
    assert offer.lines[0].due_on == TODAY + dt.timedelta(days=45)
    assert offer.verdict.outcome is Outcome.REVIEW


@settings(max_examples=60, deadline=None)
@given(
    balance=st.integers(min_value=100, max_value=5_000_000),
    count=st.integers(min_value=1, max_value=schedule.MAX_INSTALMENTS),
    days=st.integers(min_value=-10, max_value=200),
    frequency=st.sampled_from(Frequency),
)
def test_the_nearest_fit_itself_passes_the_policy(balance, count, days, frequency):
    first = TODAY + dt.timedelta(days=days)
    offer = nearest_fit(POLICY, balance, count, frequency, first, TODAY)
    assert offer is not None
    assert sum(line.amount for line in offer.lines) == balance
    again = evaluate(POLICY, balance, offer.lines, offer.frequency, TODAY)
    assert again.outcome is not Outcome.REFUSED
    assert again == offer.verdict


@pytest.mark.parametrize(
    ("table", "move", "states"),
    [
        (PROPOSAL_TRANSITIONS, move_proposal, ProposalStatus),
        (PLAN_TRANSITIONS, move_plan, PlanStatus),
        (INSTALMENT_TRANSITIONS, move_instalment, InstalmentStatus),
    ],
)
def test_state_machines_follow_their_tables(table, move, states):
    assert set(table) == set(states)
    for current in states:
        for target in states:
            if target in table[current]:
                assert move(current, target) is target
            else:
                with pytest.raises(IllegalTransition):
                    move(current, target)
