"""Everything the debtor's case page shows, read before rendering in as few statements as it can.

One statement reads the case with its creditor, debtor and the agency, and whether the case has
plan proposals or received payments; one more reads its debt lines and ledger. Only a case with
proposals or payments costs the queries that show them. The statements are built once, at
import; nothing is read while the page renders.
"""

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, or_, select, true
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.payments import RECEIVED
from portal.extensions import db
from portal.models import (
    Agency,
    Case,
    Creditor,
    Debtor,
    Dispute,
    Payment,
    PlanProposal,
    SavedPaymentMethod,
    SettlementBand,
    SettlementOffer,
)
from portal.services.cases.overview import Overview, overview
from portal.services.disputes import debtor as disputes
from portal.services.payments.methods import saved_method
from portal.services.plans import current as plans
from portal.services.settlements import offers as settlement_offers


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
        or_(
            exists().where(SettlementOffer.case_id == Case.id, SettlementOffer.status == "open"),
            exists().where(SettlementBand.creditor_id == Case.creditor_id),
        ).label("may_settle"),
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
    method: SavedPaymentMethod | None = None  # for a live plan: where instalments are charged
    dispute: Dispute | None = None  # the latest, open or decided
    settlement: SettlementOffer | None = None  # the live offer (a policy's one unsaved)

    @property
    def case(self) -> Case:
        return self.overview.case


def _reads_without_transaction() -> None:
    """Send the page's reads without BEGIN and ROLLBACK: two round trips fewer on PostgreSQL.

    Under READ COMMITTED each statement sees its own snapshot anyway, so a transaction around
    these reads would make them no more consistent. Only for a request that writes nothing.
    """
    if db.session.get_bind().dialect.name != "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def load_case_page(case_id: int) -> CasePage | None:
    """The case page's data, or None when the case does not exist."""
    _reads_without_transaction()
    row = db.session.execute(_PAGE, {"case_id": case_id}).one_or_none()
    if row is None:
        return None
    case, creditor, debtor, agency, has_proposals, has_payments, has_disputes, may_settle = row
    set_committed_value(case, "creditor", creditor)
    set_committed_value(case, "debtor", debtor)
    summary = plans.summary(case_id) if has_proposals else plans.PlanSummary([], None)
    payments = (
        list(db.session.execute(_PAYMENTS, {"case_id": case_id}).scalars()) if has_payments else []
    )
    method = saved_method(case_id) if summary.live else None
    dispute = disputes.latest(case_id) if has_disputes else None
    view = overview(case, agency=agency)
    settlement = settlement_offers.offer_for_debtor(case, view.balance) if may_settle else None
    return CasePage(view, summary, payments, method, dispute, settlement)
