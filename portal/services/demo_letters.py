"""Demo data: one case whose reminder sequence reached its formal notice, so that its letters
(first notice and formal notice, as PDF) are on the debtor's Documents page from the start."""

import datetime as dt

from sqlalchemy import select

from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Agency, Case, CaseReminder
from portal.models.base import utcnow
from portal.services.mail.outbox import language_of
from portal.services.reminders import letters
from portal.services.reminders.controls import sequence_of


def give_letters(case: Case) -> None:
    """Record the case's first notice and formal notice letters once, and end its sequence
    there (the caller commits). Dated now: a letter shows the ledger as it stood then."""
    if db.session.get(CaseReminder, case.id) is not None:
        return  # a reminder run or an earlier load has already taken the case's steps
    agency = db.session.execute(select(Agency)).scalar_one_or_none()
    steps = sequence_of(case.creditor_id)
    first_at = utcnow() - dt.timedelta(seconds=1)
    first_ref = f"{case.display_reference}-1"
    language = language_of(case)
    letters.record_letter(
        key=f"demo-letter:{case.id}:first_notice",
        case=case,
        agency=agency,
        facts=letters.LetterFacts("first_notice", first_ref, first_at),
        language=language,
    )
    letters.record_letter(
        key=f"demo-letter:{case.id}:formal_notice",
        case=case,
        agency=agency,
        facts=letters.LetterFacts(
            "formal_notice", f"{case.display_reference}-{len(steps)}", utcnow(), first_ref,
            first_at,
        ),
        language=language,
    )  # fmt: skip
    db.session.add(
        CaseReminder(
            case_id=case.id,
            position=len(steps),
            next_due_at=None,
            first_notice_reference=first_ref,
            first_notice_at=first_at,
            last_step_at=utcnow(),
        )
    )


def first_open_case(cases: list[Case]) -> Case | None:
    """The first demo case still open (the one given letters)."""
    return next((c for c in cases if c.status == CaseStatus.OPEN), None)
