"""Plan proposals, plans and instalments: their states and the moves allowed between them."""

from enum import StrEnum

from portal.domain.states import IllegalTransition


class Frequency(StrEnum):
    """How often an instalment falls due."""

    MONTHLY = "monthly"
    BIWEEKLY = "biweekly"
    WEEKLY = "weekly"


class ProposedBy(StrEnum):
    """Who wrote a proposal: the debtor, or a collector's counter-offer."""

    DEBTOR = "debtor"
    COLLECTOR = "collector"


class ProposalStatus(StrEnum):
    """Where a proposal stands. `pending` waits for a collector (debtor's proposal) or for the
    debtor (collector's counter-offer)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    COUNTERED = "countered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class PlanStatus(StrEnum):
    """Where a plan stands; `at_risk` is an active plan with a missed instalment."""

    ACTIVE = "active"
    AT_RISK = "at_risk"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class InstalmentStatus(StrEnum):
    """One instalment: due, paid, or overdue (past its due date and grace period)."""

    DUE = "due"
    PAID = "paid"
    OVERDUE = "overdue"


# A proposal is "open" while pending; the database allows one per case.
OPEN_PROPOSAL = frozenset({ProposalStatus.PENDING})
# A plan is "live" while active or at risk; the database allows one per case.
LIVE_PLAN = frozenset({PlanStatus.ACTIVE, PlanStatus.AT_RISK})

PROPOSAL_TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.PENDING: frozenset(
        {
            ProposalStatus.APPROVED,
            ProposalStatus.REJECTED,
            ProposalStatus.COUNTERED,
            ProposalStatus.ACCEPTED,
            ProposalStatus.DECLINED,
            ProposalStatus.WITHDRAWN,
        }
    ),
    ProposalStatus.APPROVED: frozenset(),
    ProposalStatus.REJECTED: frozenset(),
    ProposalStatus.COUNTERED: frozenset(),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}

PLAN_TRANSITIONS: dict[PlanStatus, frozenset[PlanStatus]] = {
    PlanStatus.ACTIVE: frozenset(
        {PlanStatus.AT_RISK, PlanStatus.COMPLETED, PlanStatus.BROKEN, PlanStatus.CANCELLED}
    ),
    PlanStatus.AT_RISK: frozenset(
        {PlanStatus.ACTIVE, PlanStatus.COMPLETED, PlanStatus.BROKEN, PlanStatus.CANCELLED}
    ),
    PlanStatus.COMPLETED: frozenset(),
    PlanStatus.BROKEN: frozenset(),
    PlanStatus.CANCELLED: frozenset(),
}

INSTALMENT_TRANSITIONS: dict[InstalmentStatus, frozenset[InstalmentStatus]] = {
    InstalmentStatus.DUE: frozenset({InstalmentStatus.PAID, InstalmentStatus.OVERDUE}),
    InstalmentStatus.OVERDUE: frozenset({InstalmentStatus.PAID}),
    InstalmentStatus.PAID: frozenset(),
}

# Which moves belong to whom: a debtor's proposal is decided by a collector (or the policy);
# a collector's counter-offer is answered by the debtor.
DECISIONS_ON_DEBTOR_PROPOSAL = frozenset(
    {ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.COUNTERED}
)
ANSWERS_TO_COUNTER_OFFER = frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DECLINED})


def _move(machine: str, table: dict, current, target):
    if target not in table[current]:
        raise IllegalTransition(machine, current, target)
    return target


def move_proposal(current: ProposalStatus, target: ProposalStatus) -> ProposalStatus:
    """Return `target` if a proposal may go there from `current`, else raise IllegalTransition."""
    return _move("proposal", PROPOSAL_TRANSITIONS, current, target)


def move_plan(current: PlanStatus, target: PlanStatus) -> PlanStatus:
    """Return `target` if a plan may go there from `current`, else raise IllegalTransition."""
    return _move("plan", PLAN_TRANSITIONS, current, target)


def move_instalment(current: InstalmentStatus, target: InstalmentStatus) -> InstalmentStatus:
    """Return `target` if an instalment may go there, else raise IllegalTransition."""
    return _move("instalment", INSTALMENT_TRANSITIONS, current, target)
