"""Audit events: one at a time in the session, or many in one statement."""

import pytest
from sqlalchemy import select

from portal.models import ActorKind, AuditEvent
from portal.services import audit


def ours(db) -> list[AuditEvent]:
    mine = AuditEvent.action.in_(["case.paid", "payment.succeeded", "x.y"])
    return db.session.scalars(select(AuditEvent).where(mine).order_by(AuditEvent.id)).all()


def test_events_recorded_in_bulk_are_inserted_when_the_block_ends(db, factories):
    case = factories.case()
    with audit.in_bulk():
        assert audit.record("case.paid", actor=ActorKind.SYSTEM, case_id=case.id) is None
        audit.record("payment.succeeded", actor=ActorKind.STRIPE, case_id=case.id, amount=5)
        assert ours(db) == []
    db.session.commit()
    rows = ours(db)
    assert [(r.action, r.actor_kind, r.details) for r in rows] == [
        ("case.paid", ActorKind.SYSTEM, {}),
        ("payment.succeeded", ActorKind.STRIPE, {"amount": 5}),
    ]
    assert all(r.created_at is not None for r in rows)


def test_nothing_is_inserted_when_the_bulk_block_fails(db, factories):
    case = factories.case()
    with pytest.raises(RuntimeError), audit.in_bulk():
        audit.record("case.paid", actor=ActorKind.SYSTEM, case_id=case.id)
        raise RuntimeError("the batch failed")
    assert isinstance(audit.record("x.y", actor=ActorKind.SYSTEM), AuditEvent)  # back to one
    db.session.commit()
    assert [r.action for r in ours(db)] == ["x.y"]
