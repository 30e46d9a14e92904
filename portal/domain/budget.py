"""The budget helper: a monthly plan the debtor can afford AND the creditor accepts at once.

Suggesting an amount the policy then refuses (or sends to a collector) would contradict the
page a moment later, so the helper only ever proposes a schedule `policy.evaluate` approves
automatically; when none fits the budget it says so and the page offers what remains.
"""

import datetime as dt
from dataclasses import dataclass

from portal.domain import schedule
from portal.domain.plan_states import Frequency
from portal.domain.policy import Outcome, Policy, evaluate


@dataclass(frozen=True)
class Suggestion:
    """A monthly schedule within the budget that the policy approves at once."""

    lines: list[schedule.Line]
    first_amount: int | None  # a down payment the policy asks for, else None

    @property
    def count(self) -> int:
        """Its number of instalments."""
        return len(self.lines)


def suggest_plan(
    policy: Policy, balance: int, affordable: int, first_due_on: dt.date, today: dt.date
) -> Suggestion | None:
    """The quickest monthly plan whose every instalment is at most `affordable` and that the
    policy approves automatically; None when there is none (or nothing is affordable)."""
    if affordable <= 0 or balance <= 0:
        return None
    band = policy.band_for(balance)
    shortest = schedule.count_for_amount(balance, affordable)
    longest = min(band.max_count.auto, schedule.MAX_INSTALMENTS)
    downs: list[int | None] = [None]
    if band.min_first_percent.auto:
        downs.append(-(-balance * band.min_first_percent.auto // 100))
    for count in range(max(shortest, 1), longest + 1):
        for down in downs:
            try:
                lines = schedule.build(
                    balance, first_due_on, Frequency.MONTHLY, count=count, first_amount=down
                )
            except schedule.ScheduleError:
                continue
            if max(line.amount for line in lines) > affordable:
                continue
            verdict = evaluate(policy, balance, lines, Frequency.MONTHLY, today)
            if verdict.outcome is Outcome.AUTO:
                return Suggestion(lines, down)
    return None
