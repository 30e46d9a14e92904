"""A creditor's cases, filtered and searched, a page at a time by keyset (newest first)."""

import contextlib
import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload

from portal.domain import references
from portal.domain.money import InvalidAmount, parse_amount
from portal.domain.plan_states import LIVE_PLAN
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import Case, Debtor, Plan

PAGE_SIZE = 50
MAX_ID = 2**31 - 1


@dataclass
class Filters:
    """What the creditor narrowed the list to; None means no filter."""

    q: str = ""
    status: CaseStatus | None = None
    placed_from: dt.date | None = None
    placed_to: dt.date | None = None
    balance_min: int | None = None  # minor units
    balance_max: int | None = None
    has_plan: bool | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links and exports)."""
        args = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ""):
                continue
            if f.name.startswith("balance"):
                value = f"{value / 100:.2f}"
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            args[f.name] = str(value)
        return args


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _amount(text: str | None, currency: str) -> int | None:
    try:
        return parse_amount(text, currency) if text else None
    except InvalidAmount:
        return None


def parse_filters(args, currency: str = "EUR") -> Filters:
    """Read filters from a query string; a value that cannot be read is ignored."""
    status = args.get("status") or None
    return Filters(
        q=(args.get("q") or "").strip()[:100],
        status=CaseStatus(status) if status in set(CaseStatus) else None,
        placed_from=_date(args.get("placed_from")),
        placed_to=_date(args.get("placed_to")),
        balance_min=_amount(args.get("balance_min"), currency),
        balance_max=_amount(args.get("balance_max"), currency),
        has_plan={"yes": True, "no": False}.get(args.get("has_plan") or ""),
    )


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with `%`, `_` and `\\` taken literally (escape character `\\`)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def balance_column():
    """The case's balance (its ledger's sum, kept on the case: portal.models.case_totals)."""
    return Case.balance


def paid_column():
    """What the case's debtor paid, net of refunds (positive), kept on the case."""
    return Case.collected


def live_plan_column():
    """True when the case has a plan running."""
    return exists().where(Plan.case_id == Case.id, Plan.status.in_(LIVE_PLAN))


def filtered(creditor_id: int, filters: Filters):
    """SELECT case, balance, paid, live plan for the creditor's cases matching `filters`."""
    balance, paid, live = balance_column(), paid_column(), live_plan_column()
    stmt = select(
        Case, balance.label("balance"), paid.label("paid"), live.label("live_plan")
    ).where(Case.creditor_id == creditor_id)
    if filters.status:
        stmt = stmt.where(Case.status == filters.status)
    if filters.placed_from:
        stmt = stmt.where(Case.created_at >= _utc(filters.placed_from))
    if filters.placed_to:
        stmt = stmt.where(Case.created_at < _utc(filters.placed_to + dt.timedelta(days=1)))
    if filters.balance_min is not None:
        stmt = stmt.where(balance >= filters.balance_min)
    if filters.balance_max is not None:
        stmt = stmt.where(balance <= filters.balance_max)
    if filters.has_plan is not None:
        stmt = stmt.where(live if filters.has_plan else ~live)
    if filters.q:  # the debtors joined only to search them: counting needs the cases alone
        stmt = stmt.join(Debtor, Debtor.id == Case.debtor_id)
        like = like_pattern(filters.q)
        conditions = [
            func.lower(column).like(like, escape="\\")
            for column in (
                Case.external_reference,
                Debtor.last_name,
                Debtor.first_name,
                Debtor.company_name,
            )
        ]
        with contextlib.suppress(references.InvalidReference):
            conditions.append(Case.reference == references.normalize(filters.q))
        stmt = stmt.where(or_(*conditions))
    return stmt


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


@dataclass
class CaseLine:
    """A case of the list with its money."""

    case: Case
    balance: int
    paid: int
    live_plan: bool

    @property
    def payment_status(self) -> str:
        """`paid`, `in_plan`, `partly_paid` or `unpaid`."""
        if self.balance <= 0:
            return "paid"
        if self.live_plan:
            return "in_plan"
        return "partly_paid" if self.paid > 0 else "unpaid"


@dataclass
class CasePage:
    """One page of cases and where the next one starts (None: this is the last)."""

    lines: list[CaseLine]
    next_after: int | None


def list_cases(
    creditor_id: int, filters: Filters, after: int | None = None, size: int = PAGE_SIZE
) -> CasePage:
    """The page of cases after case id `after` (newest first), in one query."""
    stmt = filtered(creditor_id, filters).options(joinedload(Case.debtor, innerjoin=True))
    if after is not None:
        stmt = stmt.where(Case.id < min(after, MAX_ID))
    if filters == Filters():
        # The page's ids first, from (creditor_id, id) alone: otherwise the planner may walk
        # the primary key backwards through other creditors' newer cases (66,000 of them on
        # the benchmark's first page: 90 ms instead of 1).
        ids = select(Case.id).where(Case.creditor_id == creditor_id)
        if after is not None:
            ids = ids.where(Case.id < min(after, MAX_ID))
        stmt = stmt.where(Case.id.in_(ids.order_by(Case.id.desc()).limit(size + 1)))
    rows = db.session.execute(stmt.order_by(Case.id.desc()).limit(size + 1)).all()
    lines = [CaseLine(c, int(b), int(p), bool(live)) for c, b, p, live in rows[:size]]
    return CasePage(lines, lines[-1].case.id if len(rows) > size else None)


def count_cases(creditor_id: int, filters: Filters) -> int:
    """How many cases match (for the heading)."""
    inner = filtered(creditor_id, filters).with_only_columns(Case.id).subquery()
    return db.session.scalar(select(func.count()).select_from(inner))
