"""The budget helper suggests only plans within the budget that the policy approves at once."""

import datetime as dt

from portal.domain.budget import suggest_plan
from portal.domain.plan_states import Frequency
from portal.domain.policy import Outcome, default_policy, evaluate

TODAY = dt.date(2026, 12, 1)
FIRST = TODAY + dt.timedelta(days=7)


def test_the_quickest_plan_within_the_budget_that_is_approved_at_once():
    policy = default_policy()
    plan = suggest_plan(policy, 60_000, 25_000, FIRST, TODAY)
    assert [line.amount for line in plan.lines] == [20_000, 20_000, 20_000]
    assert evaluate(policy, 60_000, plan.lines, Frequency.MONTHLY, TODAY).outcome is Outcome.AUTO


def test_every_suggestion_is_affordable_and_approved_at_once():
    policy = default_policy()
    for balance in (5_000, 19_999, 60_000, 150_000, 900_000):
        for affordable in (1_000, 5_000, 8_000, 20_000, 100_000):
            plan = suggest_plan(policy, balance, affordable, FIRST, TODAY)
            if plan is None:
                continue
            assert max(line.amount for line in plan.lines) <= affordable
            verdict = evaluate(policy, balance, plan.lines, Frequency.MONTHLY, TODAY)
            assert verdict.outcome is Outcome.AUTO, (balance, affordable)


def test_none_when_the_budget_is_too_small_for_an_accepted_plan():
    policy = default_policy()
    assert suggest_plan(policy, 60_000, 2_000, FIRST, TODAY) is None  # 30 instalments
    assert suggest_plan(policy, 60_000, 4_000, FIRST, TODAY) is None  # below 50 each
    assert suggest_plan(policy, 60_000, 0, FIRST, TODAY) is None
