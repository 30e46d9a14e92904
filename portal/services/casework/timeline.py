"""One timeline of a case: ledger entries, messages and letters, proposals and decisions,
payments, disputes and their messages, call-backs, notes and audit events; newest first, each
with the staff member who acted (when one did), filterable by kind."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import load_only

from portal.extensions import db
from portal.models import (
    AuditEvent,
    CallbackRequest,
    CaseNote,
    Dispute,
    DisputeMessage,
    LedgerEntry,
    Message,
    Payment,
    PlanProposal,
    StaffUser,
)

KINDS = ("ledger", "messages", "plans", "payments", "disputes", "callbacks", "notes", "audit")


@dataclass
class TimelineItem:
    """One thing that happened: when, what kind, the row, who acted, and which moment of the
    row it is (`what`: e.g. `proposed` or `decided` for a proposal)."""

    at: dt.datetime
    kind: str
    row: object
    who: str | None = None
    what: str = ""


def _rows(model, case_id: int, *options):
    stmt = select(model).where(model.case_id == case_id)
    if options:
        stmt = stmt.options(*options)
    return list(db.session.execute(stmt).scalars())


def timeline(case_id: int, kind: str | None = None) -> list[TimelineItem]:
    """The case's timeline, newest first; only `kind` when given (one of KINDS)."""
    wanted = set(KINDS) if kind not in KINDS else {kind}
    items: list[tuple[TimelineItem, int | None]] = []  # with the id of the staff who acted
    if "ledger" in wanted:
        items += [(TimelineItem(e.created_at, "ledger", e), e.created_by_id)
                  for e in _rows(LedgerEntry, case_id)]  # fmt: skip
    if "messages" in wanted:
        light = load_only(Message.id, Message.subject, Message.channel, Message.status,
                          Message.template, Message.created_at, Message.sent_at)  # fmt: skip
        items += [(TimelineItem(m.created_at, "messages", m), None)
                  for m in _rows(Message, case_id, light)]  # fmt: skip
    if "plans" in wanted:
        for p in _rows(PlanProposal, case_id):
            items.append((TimelineItem(p.created_at, "plans", p, what="proposed"), p.created_by_id))
            if p.decided_at:
                items.append(
                    (TimelineItem(p.decided_at, "plans", p, what="decided"), p.decided_by_id)
                )
    if "payments" in wanted:
        items += [(TimelineItem(p.succeeded_at or p.created_at, "payments", p), p.recorded_by_id)
                  for p in _rows(Payment, case_id) if p.status != "pending"]  # fmt: skip
    if "disputes" in wanted:
        disputes = _rows(Dispute, case_id)
        for d in disputes:
            items.append((TimelineItem(d.opened_at, "disputes", d, what="opened"), None))
            if d.decided_at:
                items.append(
                    (TimelineItem(d.decided_at, "disputes", d, what="decided"), d.decided_by_id)
                )
        if disputes:
            said = db.session.execute(
                select(DisputeMessage).where(
                    DisputeMessage.dispute_id.in_([d.id for d in disputes])
                )
            ).scalars()
            items += [(TimelineItem(m.created_at, "disputes", m, what="message"), None)
                      for m in said]  # fmt: skip
    if "callbacks" in wanted:
        items += [(TimelineItem(c.created_at, "callbacks", c), c.done_by_id)
                  for c in _rows(CallbackRequest, case_id)]  # fmt: skip
    if "notes" in wanted:
        items += [(TimelineItem(n.created_at, "notes", n), n.staff_user_id)
                  for n in _rows(CaseNote, case_id)]  # fmt: skip
    if "audit" in wanted:
        items += [(TimelineItem(a.created_at, "audit", a), a.staff_user_id)
                  for a in _rows(AuditEvent, case_id)]  # fmt: skip
    names = _names({staff_id for _item, staff_id in items if staff_id})
    for item, staff_id in items:
        item.who = names.get(staff_id) if staff_id else None
    ordered = [item for item, _staff_id in items]
    ordered.sort(key=lambda i: (i.at, getattr(i.row, "id", 0)), reverse=True)
    return ordered


def _names(staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    rows = db.session.execute(
        select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(sorted(staff_ids)))
    )
    return dict(rows.all())
