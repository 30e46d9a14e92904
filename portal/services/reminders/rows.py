"""What a reminder run keeps in memory: its report, and the new case states of a batch."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from portal.models import TimeBarReview


@dataclass
class NewState:
    """A case's first reminder state: a plain row written with its batch (no ORM object)."""

    case_id: int
    next_due_at: dt.datetime | None
    position: int = 0
    time_bar: TimeBarReview = TimeBarReview.NONE
    first_notice_reference: str | None = None
    first_notice_at: dt.datetime | None = None
    last_step_at: dt.datetime | None = None


@dataclass
class RunReport:
    """What a run did (or, in a dry run, would do)."""

    steps: int = 0  # steps of the sequence taken (one may send an e-mail and a letter)
    emails: int = 0
    letters: int = 0
    delivered: int = 0
    failed: int = 0
    skipped: Counter = field(default_factory=Counter)
    planned: list[str] = field(default_factory=list)

    @property
    def contacts(self) -> int:
        """Messages recorded (e-mails and letters)."""
        return self.emails + self.letters

    def add(self, other: "RunReport") -> None:
        """Count another run's figures in (a worker's, the left-overs')."""
        self.steps += other.steps
        self.emails += other.emails
        self.letters += other.letters
        self.delivered += other.delivered
        self.failed += other.failed
        self.skipped.update(other.skipped)
