"""The collector's queue (tabs, counts, filters, oldest first) and a case's single timeline."""

import datetime as dt

import pytest
import time_machine

from portal.domain.payments import PaymentPurpose
from portal.extensions import db
from portal.models import CallbackRequest, Payment
from portal.services.casework import actions, queue, timeline
from portal.services.disputes import debtor as disputes
from portal.services.disputes import decide
from portal.services.payments import manual

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def at(days_ago: int):
    return time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False)


def test_each_tab_oldest_first_with_counts_and_filters(factories):
    a, b = factories.creditor(), factories.creditor()
    me, other = factories.staff(), factories.staff()
    with at(5):
        old = factories.case(a)
        disputes.open_dispute(old.id, "other", "Old one.", [])
    with at(1):
        new = factories.case(b)
        disputes.open_dispute(new.id, "wrong_amount", "New one.", [])
    in_plan = factories.case(a)
    plan = factories.plan(in_plan, status="at_risk")
    charged = factories.case(b)
    instalment = factories.plan(charged).instalments[0]
    db.session.add(Payment(case_id=charged.id, purpose=PaymentPurpose.INSTALMENT,
                           instalment_id=instalment.id, attempt=1, off_session=True, amount=100,
                           currency="EUR", status="failed", idempotency_key="c1",
                           failure_code="card_declined", updated_at=NOW))  # fmt: skip
    db.session.add(CallbackRequest(case_id=old.id, phone="0612345678",
                                   slot_at=NOW + dt.timedelta(days=1)))  # fmt: skip
    db.session.commit()
    actions.assign_to(new.id, me.id)
    everything = queue.Filters()
    with time_machine.travel(NOW, tick=False):
        rows = queue.queue("disputes", everything)
        assert [r.case.id for r in rows] == [old.id, new.id]
        assert [r.age_days for r in rows] == [5, 1]
        assert queue.counts(everything) == {
            "proposals": 0, "disputes": 2, "callbacks": 1, "plans": 1, "charges": 1,
            "flagged": 0}  # fmt: skip
        assert [r.item.id for r in queue.queue("plans", everything)] == [plan.id]
        assert queue.counts(queue.Filters(creditor_id=a.id))["disputes"] == 1
        mine = queue.Filters(staff_user_id=me.id)
        assert [r.case.id for r in queue.queue("disputes", mine)] == [new.id]
        assert queue.counts(queue.Filters(staff_user_id=other.id))["disputes"] == 0
        decide.reject(rows[0].item.id, me.id, "No.")
        assert queue.counts(everything)["disputes"] == 1


def test_the_timeline_holds_everything_newest_first_with_who(factories):
    factories.agency()
    with at(4):
        case = factories.case(lines=(10_000,))
    staff = factories.staff(name="Camille Martin")
    with at(3):
        disputes.open_dispute(case.id, "already_paid", "Paid in May.", [])
    with at(2):
        decide.reject(disputes.latest(case.id).id, staff.id, "Not received.")
    with at(1):
        manual.record(case.id, manual.ManualPayment("cheque", 1_000, (NOW - dt.timedelta(days=1))
                      .date(), "Chq 1", "k"), staff.id)  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        actions.add_note(case.id, staff.id, "Will call back.")
    items = timeline.timeline(case.id)
    assert [i.at for i in items] == sorted((i.at for i in items), reverse=True)
    kinds = {i.kind for i in items}
    assert {"ledger", "payments", "disputes", "notes", "audit"} <= kinds
    assert items[0].kind in ("notes", "audit") and items[0].who == "Camille Martin"
    decided = [i for i in items if i.kind == "disputes" and i.what == "decided"]
    assert decided[0].who == "Camille Martin"
    notes = timeline.timeline(case.id, "notes")
    assert [n.row.body for n in notes] == ["Will call back."]


@pytest.mark.parametrize("kind", timeline.KINDS)
def test_a_filtered_timeline_holds_that_kind_only(factories, kind):
    case = factories.case()
    actions.add_note(case.id, factories.staff().id, "x")
    assert {i.kind for i in timeline.timeline(case.id, kind)} <= {kind}
