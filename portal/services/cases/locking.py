"""Taking a case for a collector's action: its row locked, its version checked and bumped."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Case


class CaseNotFound(LookupError):
    """No case has this id."""


class CaseChanged(RuntimeError):
    """The case changed since the page the action was sent from (another collector acted)."""


def lock_case(case_id: int, version: int | None = None) -> Case:
    """The case, its row locked until the caller commits, its version bumped.

    With `version` (the one the collector's page showed), an action sent from an older page
    raises CaseChanged: of two collectors acting at once, the second waits for the first's
    lock, then finds a new version and changes nothing.
    """
    case = db.session.execute(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)  # the row as the lock found it
    ).scalar_one_or_none()
    if case is None:
        raise CaseNotFound(case_id)
    if version is not None and case.version != version:
        db.session.rollback()
        raise CaseChanged(case_id)
    case.version += 1
    return case
