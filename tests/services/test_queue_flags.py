"""The queue's "flagged" tab (possibly time-barred and not reviewed, excess payment, bounced
e-mail), the filters every tab shares, the orders, and the counts in one statement."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import event

from portal.domain.ledger import DebtorKind
from portal.extensions import db
from portal.models import MessageStatus
from portal.services.casework import queue
from portal.services.reminders import controls

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def due_long_ago(case, years_and_days: dt.timedelta):
    for line in case.debt_lines:
        line.due_on = NOW.date() - years_and_days
        line.issued_on = line.due_on - dt.timedelta(days=30)
    db.session.commit()


def flagged(filters=None):
    return {r.case.id: r.item for r in queue.queue("flagged", filters or queue.Filters())}


def test_each_flag_puts_the_case_in_the_tab_with_its_name(factories):
    barred = factories.case()
    due_long_ago(barred, dt.timedelta(days=2 * 365 + 5))
    recent = factories.case()
    due_long_ago(recent, dt.timedelta(days=365))
    professional = factories.case(debtor_=factories.debtor(DebtorKind.PROFESSIONAL))
    due_long_ago(professional, dt.timedelta(days=3 * 365))
    overpaid = factories.case(lines=(5_000,), payments=(6_000,))
    bounced = factories.case()
    factories.recorded_message(bounced, status=MessageStatus.FAILED)
    recovered = factories.case()
    factories.recorded_message(recovered, status=MessageStatus.FAILED)
    factories.recorded_message(recovered, status=MessageStatus.SENT)
    assert flagged() == {barred.id: ["time_barred"], overpaid.id: ["excess"],
                         bounced.id: ["bounced"]}  # fmt: skip
    assert queue.counts(queue.Filters())["flagged"] == 3
    controls.clear_time_bar(barred.id, factories.staff().id)  # reviewed: off the tab
    assert barred.id not in flagged()


def test_filters_status_balance_band_and_days_since_placement(factories):
    with time_machine.travel(NOW - dt.timedelta(days=100), tick=False):
        old_small = factories.case(lines=(5_000,))
    big = factories.case(lines=(300_000,))
    in_plan = factories.case(lines=(60_000,))
    for found in (old_small, big, in_plan):
        factories.recorded_message(found, status=MessageStatus.FAILED)
    in_plan.status = "in_plan"
    db.session.commit()
    assert set(flagged(queue.Filters(band="under_100"))) == {old_small.id}
    assert set(flagged(queue.Filters(band="over_2000"))) == {big.id}
    assert set(flagged(queue.Filters(band="500_2000"))) == {in_plan.id}
    assert set(flagged(queue.Filters(status="in_plan"))) == {in_plan.id}
    assert set(flagged(queue.Filters(placed_days=90))) == {old_small.id}
    assert queue.counts(queue.Filters(placed_days=90)) == {
        "proposals": 0, "disputes": 0, "callbacks": 0, "plans": 0, "charges": 0,
        "flagged": 1}  # fmt: skip
    order = {s: [r.case.id for r in queue.queue("flagged", queue.Filters(sort=s))]
             for s in queue.SORTS}  # fmt: skip
    assert order["oldest"][0] == old_small.id and order["newest"][-1] == old_small.id
    assert order["balance_high"] == [big.id, in_plan.id, old_small.id]
    assert order["balance_low"] == [old_small.id, in_plan.id, big.id]


def test_every_tab_is_counted_in_one_statement(factories):
    factories.case()
    statements = []

    def count(*args):
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        counted = queue.counts(queue.Filters(band="100_500", status="open", placed_days=30))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert set(counted) == set(queue.TABS)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
