"""Case states and the moves allowed between them."""

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case stands in the amicable recovery."""

    OPEN = "open"
    IN_PLAN = "in_plan"
    DISPUTED = "disputed"
    ESCALATED = "escalated"
    PAID = "paid"
    SETTLED = "settled"
    CLOSED = "closed"


CASE_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset(
        {
            CaseStatus.IN_PLAN,
            CaseStatus.DISPUTED,
            CaseStatus.ESCALATED,
            CaseStatus.PAID,
            CaseStatus.SETTLED,
            CaseStatus.CLOSED,
        }
    ),
    # A debtor in a plan may dispute too: the plan waits (no charge, no reminder) until the
    # dispute is decided, then the case goes back to it.
    CaseStatus.IN_PLAN: frozenset(
        {
            CaseStatus.OPEN,
            CaseStatus.DISPUTED,
            CaseStatus.PAID,
            CaseStatus.SETTLED,
            CaseStatus.CLOSED,
        }
    ),
    CaseStatus.DISPUTED: frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.CLOSED}),
    CaseStatus.ESCALATED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.PAID: frozenset({CaseStatus.CLOSED}),
    # A collector closes a case for good: paid, settled, written off or cancelled.
    CaseStatus.SETTLED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

ACTIVE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.DISPUTED})


class IllegalTransition(ValueError):
    """A state machine was asked to make a move its table does not allow."""

    def __init__(self, machine: str, current: str, target: str):
        super().__init__(f"{machine}: {current} -> {target} is not allowed")
        self.machine, self.current, self.target = machine, current, target


# Why a collector closed a case (cases.close_reason).
CLOSE_REASONS = ("paid", "settled", "written_off", "cancelled")


def move_case(current: CaseStatus, target: CaseStatus) -> CaseStatus:
    """Return `target` if a case may go there from `current`, else raise IllegalTransition."""
    if target not in CASE_TRANSITIONS[current]:
        raise IllegalTransition("case", current, target)
    return target
