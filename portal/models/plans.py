"""Instalment plans: the creditor's policy, proposals, plans and their instalments."""

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.plan_states import (
    Frequency,
    InstalmentStatus,
    PlanStatus,
    ProposalStatus,
    ProposedBy,
)
from portal.domain.schedule import Line, from_json
from portal.models.base import Base, UTCDateTime, str_enum, utcnow

_OPEN = "status = 'pending'"
_LIVE = "status IN ('active', 'at_risk')"


class PlanPolicy(Base):
    """A creditor's plan policy: plan-wide settings; its bands hold the limits by balance.

    A creditor without a row uses the defaults of portal.domain.policy.
    """

    __tablename__ = "plan_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), unique=True)
    # Days after a due date before an unpaid instalment counts as missed (plan at risk).
    grace_days: Mapped[int] = mapped_column(Integer, default=5)
    # Days a plan may stay at risk before it is broken and the case reopens.
    break_after_days: Mapped[int] = mapped_column(Integer, default=15)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    bands: Mapped[list["PolicyBand"]] = relationship(
        back_populates="policy", order_by="PolicyBand.floor", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("grace_days >= 0", name="grace_days_positive"),
        CheckConstraint("break_after_days >= 0", name="break_after_positive"),
    )


class PolicyBand(Base):
    """Limits for balances from `floor` (minor units) up to the next band's floor.

    Each rule has two limits: inside `*_auto` a plan is approved at once; between it and
    `*_hard` a collector decides; beyond `*_hard` the plan is refused with the nearest one
    that fits.
    """

    __tablename__ = "plan_policy_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("plan_policies.id"), index=True)
    floor: Mapped[int] = mapped_column(BigInteger)
    max_count_auto: Mapped[int] = mapped_column(Integer)
    max_count_hard: Mapped[int] = mapped_column(Integer)
    min_instalment_auto: Mapped[int] = mapped_column(BigInteger)
    min_instalment_hard: Mapped[int] = mapped_column(BigInteger)
    max_duration_days_auto: Mapped[int] = mapped_column(Integer)
    max_duration_days_hard: Mapped[int] = mapped_column(Integer)
    # Minimum first payment (down payment), in percent of the balance.
    min_first_percent_auto: Mapped[int] = mapped_column(Integer, default=0)
    min_first_percent_hard: Mapped[int] = mapped_column(Integer, default=0)
    # Latest first due date, in days from the day of the proposal.
    first_due_days_auto: Mapped[int] = mapped_column(Integer)
    first_due_days_hard: Mapped[int] = mapped_column(Integer)
    # Allowed frequencies, comma-separated values of Frequency.
    frequencies_auto: Mapped[str] = mapped_column(String(64))
    frequencies_hard: Mapped[str] = mapped_column(String(64))

    policy: Mapped[PlanPolicy] = relationship(back_populates="bands")

    __table_args__ = (
        UniqueConstraint("policy_id", "floor"),
        CheckConstraint("floor >= 0", name="floor_positive"),
        CheckConstraint("max_count_auto >= 1 AND max_count_hard >= max_count_auto", name="count"),
        CheckConstraint(
            "min_instalment_hard >= 0 AND min_instalment_auto >= min_instalment_hard",
            name="min_instalment",
        ),
        CheckConstraint(
            "max_duration_days_auto >= 0 AND max_duration_days_hard >= max_duration_days_auto",
            name="duration",
        ),
        CheckConstraint(
            "min_first_percent_hard >= 0 AND min_first_percent_auto >= min_first_percent_hard"
            " AND min_first_percent_auto <= 100",
            name="first_percent",
        ),
        CheckConstraint(
            "first_due_days_auto >= 0 AND first_due_days_hard >= first_due_days_auto",
            name="first_due",
        ),
    )


class PlanProposal(Base):
    """A schedule proposed by the debtor, or counter-proposed by a collector, and its decision."""

    __tablename__ = "plan_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    proposed_by: Mapped[ProposedBy] = mapped_column(str_enum(ProposedBy, "proposed_by"))
    # A counter-offer points at the proposal it answers.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_proposals.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    count: Mapped[int] = mapped_column(Integer)
    # Set when the debtor chose an amount per instalment rather than a number of them.
    instalment_amount: Mapped[int | None] = mapped_column(BigInteger)
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency, "plan_frequency"))
    first_due_on: Mapped[dt.date] = mapped_column(Date)
    # [[ISO due date, amount in minor units], ...]: the exact schedule proposed.
    schedule: Mapped[list] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status"), default=ProposalStatus.PENDING
    )
    # The policy's verdict when proposed: "auto", "review" or "refused", and the rules broken.
    policy_outcome: Mapped[str] = mapped_column(String(16))
    policy_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # A collector's reasons (codes from a fixed list) and free text.
    reason_codes: Mapped[list] = mapped_column(JSON, default=list)
    reason_text: Mapped[str | None] = mapped_column(Text)
    # Consent of the debtor to the agreement text (for a counter-offer: when accepting it).
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    consent_ip: Mapped[str | None] = mapped_column(String(45))
    consent_user_agent: Mapped[str | None] = mapped_column(String(300))
    consent_text_version: Mapped[str | None] = mapped_column(String(20))
    # The optional budget, stored only when the debtor sends the proposal.
    budget_income: Mapped[int | None] = mapped_column(BigInteger)
    budget_expenses: Mapped[int | None] = mapped_column(BigInteger)
    # Who decided: a collector, or nobody (approved at once by the policy).
    auto_decided: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped["Case"] = relationship()  # noqa: F821
    parent: Mapped["PlanProposal | None"] = relationship(remote_side=[id])
    decided_by: Mapped["StaffUser | None"] = relationship(  # noqa: F821
        foreign_keys=[decided_by_id]
    )

    @property
    def is_counter(self) -> bool:
        """True for a collector's counter-offer."""
        return self.proposed_by == ProposedBy.COLLECTOR

    @property
    def lines(self) -> list[Line]:
        """The schedule as lines of (due_on, amount)."""
        return from_json(self.schedule)

    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("total > 0", name="total_positive"),
        CheckConstraint(
            "instalment_amount IS NULL OR instalment_amount > 0", name="amount_positive"
        ),
        CheckConstraint("policy_outcome IN ('auto', 'review', 'refused')", name="outcome"),
        CheckConstraint(
            "(budget_income IS NULL OR budget_income >= 0)"
            " AND (budget_expenses IS NULL OR budget_expenses >= 0)",
            name="budget_positive",
        ),
        # One open proposal per case.
        Index(
            "uq_plan_proposals_open_case",
            "case_id",
            unique=True,
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index("ix_plan_proposals_status_created_at", "status", "created_at"),
    )


class Plan(Base):
    """An agreed plan: the instalments the debtor pays."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # The case's creditor, copied (filled from the case when not given) for the dashboard.
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("plan_proposals.id"), unique=True)
    status: Mapped[PlanStatus] = mapped_column(
        str_enum(PlanStatus, "plan_status"), default=PlanStatus.ACTIVE
    )
    total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    at_risk_since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[PlanProposal] = relationship()
    instalments: Mapped[list["Instalment"]] = relationship(
        back_populates="plan", order_by="Instalment.sequence"
    )

    __table_args__ = (
        CheckConstraint("total > 0", name="total_positive"),
        # One active (or at-risk) plan per case.
        Index(
            "uq_plans_live_case",
            "case_id",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
        Index("ix_plans_status", "status"),
        Index("ix_plans_creditor_id_status", "creditor_id", "status"),
    )


class Instalment(Base):
    """One instalment of a plan, with how much of it has been paid so far."""

    __tablename__ = "instalments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    # Payments allocated to this instalment (oldest instalment first); paid when it equals amount.
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[InstalmentStatus] = mapped_column(
        str_enum(InstalmentStatus, "instalment_status"), default=InstalmentStatus.DUE
    )
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    plan: Mapped[Plan] = relationship(back_populates="instalments")

    __table_args__ = (
        UniqueConstraint("plan_id", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("paid_amount >= 0 AND paid_amount <= amount", name="paid_within_amount"),
        CheckConstraint("(status = 'paid') = (paid_amount = amount)", name="paid_when_covered"),
        Index("ix_instalments_status_due_on", "status", "due_on"),
    )

    @property
    def remaining(self) -> int:
        """What is still to pay on this instalment."""
        return self.amount - self.paid_amount
