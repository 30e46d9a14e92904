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
    CaseStatus.IN_PLAN: frozenset(
        {CaseStatus.OPEN, CaseStatus.PAID, CaseStatus.SETTLED, CaseStatus.CLOSED}
    ),
    CaseStatus.DISPUTED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.ESCALATED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.PAID: frozenset({CaseStatus.CLOSED}),
    CaseStatus.SETTLED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

ACTIVE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.DISPUTED})


class IllegalTransition(ValueError):
    """A state machine was asked to make a move its table does not allow."""

    def __init__(self, machine: str, current: str, target: str):
        super().__init__(f"{machine}: {current} -> {target} is not allowed")
        self.machine, self.current, self.target = machine, current, target


def move_case(current: CaseStatus, target: CaseStatus) -> CaseStatus:
    """Return `target` if a case may go there from `current`, else raise IllegalTransition."""
    if target not in CASE_TRANSITIONS[current]:
        raise IllegalTransition("case", current, target)
    return target
