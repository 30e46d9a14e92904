"""What applying provider events needs, read once per batch: payments locked, balances, plans.

A batch of events is applied in one transaction. Its payments are locked in one statement (in
id order, so two batches never wait on each other in a circle), then their cases (id order), and
each case's balance and live plan are read once, then kept current in memory as the batch writes
ledger entries.
"""

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.domain.ledger import EntryKind
from portal.domain.plan_states import LIVE_PLAN
from portal.extensions import db
from portal.models import Agency, Case, LedgerEntry, Message, Payment, Plan, Receipt
from portal.services import sql_bulk
from portal.services.cases import ledger as ledger_service

_UNSET = object()


def _among(column, values):
    """`column IN (values)`, on PostgreSQL `column = ANY(array)` (see sql_bulk.among)."""
    return sql_bulk.among(column, sorted(values), db.session.get_bind().dialect.name)


NUMBERED = (LedgerEntry, Receipt, Message)  # rows a batch adds one of for each payment


def number_new_rows() -> None:
    """Give the batch's new ledger entries, receipts and messages their ids from the sequences
    before they are written (PostgreSQL): the ORM then inserts each table's rows as one
    prepared statement run for every row, instead of building and parsing a long
    INSERT … VALUES … RETURNING for each batch."""
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in NUMBERED:
        new = [o for o in session.new if type(o) is model and o.id is None]
        if len(new) > 1:
            ids = sql_bulk.next_ids(session.connection(), model.__table__, len(new))
            for row, new_id in zip(new, ids, strict=True):
                row.id = new_id


def references(obj: dict) -> tuple[str | None, str | None, int | None]:
    """(checkout session id, payment intent id, our payment id) an event's object names."""
    kind = obj.get("object")
    checkout = obj.get("id") if kind == "checkout.session" else None
    intent = obj.get("id") if kind == "payment_intent" else obj.get("payment_intent")
    reference = (obj.get("metadata") or {}).get("payment_id")
    payment_id = int(reference) if isinstance(reference, str) and reference.isdigit() else None
    return (
        checkout if isinstance(checkout, str) else None,
        intent if isinstance(intent, str) else None,
        payment_id,
    )


class Batch:
    """The payments, balances and plans of the events applied in one transaction."""

    def __init__(self) -> None:
        self.outbox: list[Message] = []
        self.receipts: list[tuple[Receipt, Case]] = []  # issued, numbered at the batch's end
        self._by_id: dict[int, Payment] = {}
        self._by_checkout: dict[str, Payment] = {}
        self._by_intent: dict[str, Payment] = {}
        self._looked_up: set = set()
        self._owed: dict[int, int] = {}
        self._planned: dict[int, bool] = {}
        self._agency = _UNSET

    def lock(self, objects: list[dict]) -> None:
        """Lock the payments these objects name (one statement); read their cases' figures."""
        checkouts, intents, ids = set(), set(), set()
        for obj in objects:
            checkout, intent, payment_id = references(obj)
            checkouts.add(checkout)
            intents.add(intent)
            ids.add(payment_id)
        checkouts, intents, ids = checkouts - {None}, intents - {None}, ids - {None}
        conditions = []
        if checkouts:
            conditions.append(_among(Payment.provider_checkout_id, checkouts))
        if intents:
            conditions.append(_among(Payment.provider_payment_intent_id, intents))
        if ids:
            conditions.append(_among(Payment.id, ids))
        self._looked_up |= checkouts | intents | ids
        if not conditions:
            return
        payments = db.session.execute(
            select(Payment)
            .options(
                joinedload(Payment.case, innerjoin=True).joinedload(Case.debtor, innerjoin=True),
                joinedload(Payment.case, innerjoin=True).joinedload(Case.creditor, innerjoin=True),
            )
            .where(or_(*conditions))
            .order_by(Payment.id)
            .with_for_update(of=Payment)
        ).scalars()
        for payment in payments:
            self.keep(payment)
        self._read_cases({p.case_id for p in self._by_id.values()} - set(self._owed))

    def keep(self, payment: Payment) -> None:
        """Know a payment (already locked) by its ids."""
        self._by_id[payment.id] = payment
        if payment.provider_checkout_id:
            self._by_checkout[payment.provider_checkout_id] = payment
        if payment.provider_payment_intent_id:
            self._by_intent[payment.provider_payment_intent_id] = payment

    def _read_cases(self, case_ids: set[int]) -> None:
        if not case_ids:
            return
        # Lock the cases (id order) before reading their balances: events applied in another
        # lane for the same case wait here instead of reading a balance about to change.
        db.session.execute(
            select(Case.id).where(_among(Case.id, case_ids)).order_by(Case.id).with_for_update()
        ).all()
        self._owed.update(dict.fromkeys(case_ids, 0))
        sums = db.session.execute(
            select(LedgerEntry.case_id, func.sum(LedgerEntry.amount))
            .where(_among(LedgerEntry.case_id, case_ids))
            .group_by(LedgerEntry.case_id)
        )
        self._owed.update((case_id, int(total)) for case_id, total in sums)
        self._planned.update(dict.fromkeys(case_ids, False))
        self._planned.update(
            (case_id, True)
            for case_id in db.session.execute(
                select(Plan.case_id).where(
                    _among(Plan.case_id, case_ids), Plan.status.in_(LIVE_PLAN)
                )
            ).scalars()
        )

    def find(self, obj: dict) -> Payment | None:
        """The payment an event's object names (the lowest id if it names several), locked."""
        checkout, intent, payment_id = references(obj)
        if not {checkout, intent, payment_id} - {None} <= self._looked_up:
            self.lock([obj])
        candidates = [
            self._by_checkout.get(checkout) if checkout else None,
            self._by_intent.get(intent) if intent else None,
            self._by_id.get(payment_id) if payment_id is not None else None,
        ]
        found = [p for p in candidates if p is not None]
        payment = min(found, key=lambda p: p.id) if found else None
        if payment is not None and intent and payment.provider_payment_intent_id is None:
            payment.provider_payment_intent_id = intent
            self._by_intent[intent] = payment
        return payment

    def owed(self, case_id: int) -> int:
        """What the case owes now, this batch's entries included."""
        if case_id not in self._owed:
            self._read_cases({case_id})
        return int(self._owed[case_id])

    def has_live_plan(self, case_id: int) -> bool:
        """True when the case has an active or at-risk plan."""
        if case_id not in self._planned:
            self._read_cases({case_id})
        return self._planned[case_id]

    def agency(self) -> Agency | None:
        """The agency (the sender of e-mails), read once."""
        if self._agency is _UNSET:
            with db.session.no_autoflush:  # the batch's rows are written at its end, numbered
                self._agency = db.session.execute(select(Agency)).scalar_one_or_none()
        return self._agency

    def add_entry(
        self, case: Case, kind: EntryKind, amount: int, *, occurred_on: dt.date, memo: str
    ) -> LedgerEntry:
        """Append a ledger entry (ledger service rules) and keep the case's balance current."""
        entry = ledger_service.add_entry(case, kind, amount, occurred_on=occurred_on, memo=memo)
        if case.id in self._owed:
            self._owed[case.id] += amount
        return entry
