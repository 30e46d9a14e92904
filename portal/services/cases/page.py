"""Everything the debtor's case page shows, read before rendering in as few statements as it can.

One statement reads the case with its creditor, debtor and the agency, and whether the case has
plan proposals or received payments; two more read its debt lines and ledger. Only a case with
proposals or payments costs the queries that show them. Nothing is read while the page renders
(see portal/fragments.py), so the body can be reused while its data stays the same.
"""

from dataclasses import dataclass

from sqlalchemy import Row, bindparam, exists, or_, select, true
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.payments import RECEIVED
from portal.extensions import db
from portal.fragments import mapped_columns
from portal.models import Agency, Case, Creditor, Debtor, Dispute, Payment, PlanProposal
from portal.services.cases.overview import Overview, lines_and_entries, overview
from portal.services.disputes import debtor as disputes
from portal.services.plans import current as plans


def _received():
    # Not `in_(RECEIVED)`: an IN list is an expanding parameter, rewritten into the SQL string
    # at every execution; these are fixed values, so the statement is compiled once and for all.
    return or_(*(Payment.status == status for status in sorted(RECEIVED)))


# Plain entities rather than joined eager loading (a third cheaper); the loader then sets
# `case.creditor` and `case.debtor` itself.
_PAGE = (
    select(
        Case,
        Creditor,
        Debtor,
        Agency,
        exists().where(PlanProposal.case_id == Case.id).label("has_proposals"),
        exists().where(Payment.case_id == Case.id, _received()).label("has_payments"),
        exists().where(Dispute.case_id == Case.id).label("has_disputes"),
    )
    .join(Creditor, Creditor.id == Case.creditor_id)
    .join(Debtor, Debtor.id == Case.debtor_id)
    .outerjoin(Agency, true())  # one agency per installation
    .where(Case.id == bindparam("case_id"))
)
_PAYMENTS = (
    select(Payment)
    .options(selectinload(Payment.receipt))
    .where(Payment.case_id == bindparam("case_id"), _received())
    .order_by(Payment.id.desc())
)


@dataclass
class CasePage:
    """The overview, the plan section and the online payments of one case."""

    overview: Overview
    plans: plans.PlanSummary
    payments: list[Payment]
    values: tuple = ()  # the columns of `_PAGE`, as the objects hold them
    dispute: Dispute | None = None  # the latest, open or decided

    def same_as(self, plain: "PlainPage") -> bool:
        """True when nothing the page shows changed since `plain` was read (its lines are
        the ones this page was built from)."""
        return self.values == tuple(plain.row)

    @property
    def case(self) -> Case:
        return self.overview.case

    @property
    def rows(self) -> tuple:
        """The plain rows shown (debt lines and their sums, movements), for the cache key."""
        o = self.overview
        lines = tuple(
            (tuple(x.line) if x.line else None, x.principal, x.interest, x.charges) for x in o.lines
        )
        return lines + tuple(tuple(m) for m in o.movements)


def _reads_without_transaction() -> None:
    """Send the page's reads without BEGIN and ROLLBACK: two round trips fewer on PostgreSQL.

    Under READ COMMITTED each statement sees its own snapshot anyway, so a transaction around
    these reads would make them no more consistent. Only for a request that writes nothing.
    """
    if db.session.get_bind().dialect.name != "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@dataclass
class PlainPage:
    """The page's rows read without the ORM: the case, its parties and the agency in one row
    (the columns of `_PAGE`), then its lines and ledger entries."""

    row: Row
    lines: list

    @property
    def simple(self) -> bool:
        """No plan proposal, no payment received online, no dispute: these rows are all the
        page shows."""
        return not (self.row.has_proposals or self.row.has_payments or self.row.has_disputes)

    @property
    def language(self) -> str:
        """The debtor's language."""
        return self.row._mapping[Debtor.__table__.c.language]

    @property
    def snapshot(self) -> tuple:
        """Every value read, for a fragment key."""
        return tuple(self.row), tuple(map(tuple, self.lines))


def read_plain_page(case_id: int) -> PlainPage | None:
    """The page's rows in two statements and no ORM objects, or None when there is no case.

    Enough to find an earlier rendering of the page: see portal/fragments.py reuse_fragment.
    """
    _reads_without_transaction()
    row = db.session.connection().execute(_PAGE, {"case_id": case_id}).one_or_none()
    return None if row is None else PlainPage(row, lines_and_entries(case_id))


def load_case_page(case_id: int, plain: PlainPage | None = None) -> CasePage | None:
    """The case page's data, or None when the case does not exist.

    With `plain` (read_plain_page's rows, read just before), its lines are not read again and
    the page tells whether its objects hold exactly the values of `plain.row` (`same_as`).
    """
    _reads_without_transaction()
    row = db.session.execute(_PAGE, {"case_id": case_id}).one_or_none()
    if row is None:
        return None
    case, creditor, debtor, agency, has_proposals, has_payments, has_disputes = row
    set_committed_value(case, "creditor", creditor)
    set_committed_value(case, "debtor", debtor)
    summary = plans.summary(case_id) if has_proposals else plans.PlanSummary([], None)
    payments = (
        list(db.session.execute(_PAYMENTS, {"case_id": case_id}).scalars()) if has_payments else []
    )
    values = tuple(
        value
        for cls, obj in ((Case, case), (Creditor, creditor), (Debtor, debtor), (Agency, agency))
        for value in (
            (obj.__dict__[key] for key in mapped_columns(cls))
            if obj is not None
            else (None,) * len(mapped_columns(cls))
        )
    ) + (has_proposals, has_payments, has_disputes)
    lines = plain.lines if plain is not None else None
    dispute = disputes.latest(case_id) if has_disputes else None
    return CasePage(
        overview(case, agency=agency, rows=lines), summary, payments, values, dispute=dispute
    )
