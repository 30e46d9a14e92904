"""Receipt numbers: consecutive in each year, no gap, no duplicate, online and manual alike."""

import datetime as dt
import re
import threading
import uuid

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import Receipt, ReceiptCounter
from portal.services.payments import events as payment_events
from portal.services.payments import manual
from tests.services.test_payment_inbox import succeeded

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


def numbers() -> list[str]:
    return list(db.session.execute(select(Receipt.number).order_by(Receipt.number)).scalars())


def by_hand(case, amount=1_000, staff_id=None, key=None, on=None):
    given = manual.ManualPayment(
        "transfer", amount, on or NOW.date(), "VIR 123", key or uuid.uuid4().hex
    )
    return manual.record(case.id, given, staff_id)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_abandoned_checkouts_leave_no_hole(clock, factories):
    cases = [factories.case(lines=(4_000,)) for _ in range(3)]
    pending = [factories.online_payment(c, amount=4_000, status="pending") for c in cases]
    # the first checkout is abandoned: only the second and third are paid
    for n, payment in enumerate(pending[1:]):
        assert payment_events.handle_event(succeeded(payment, f"evt_{n}")) == "succeeded"
    assert numbers() == ["Q2026-000001", "Q2026-000002"]


def test_online_and_manual_payments_share_one_series(clock, factories):
    staff = factories.staff()
    first, second = factories.case(lines=(4_000,)), factories.case(lines=(4_000,))
    by_hand(first, staff_id=staff.id)
    payment = factories.online_payment(second, amount=4_000, status="pending")
    payment_events.handle_event(succeeded(payment, "evt_1"))
    by_hand(first, staff_id=staff.id)
    assert numbers() == ["Q2026-000001", "Q2026-000002", "Q2026-000003"]


def test_a_payment_rolled_back_gives_its_number_back(clock, factories, monkeypatch):
    staff = factories.staff()
    case = factories.case(lines=(9_000,))

    def broken(*args, **kwargs):
        raise RuntimeError("mail store down")

    by_hand(case, staff_id=staff.id)
    monkeypatch.setattr(manual.receipts, "queue_email", broken)  # fails before the commit
    with pytest.raises(RuntimeError):
        by_hand(case, staff_id=staff.id)
    db.session.rollback()
    monkeypatch.undo()
    by_hand(case, staff_id=staff.id)
    assert numbers() == ["Q2026-000001", "Q2026-000002"]


def test_each_year_starts_again_at_one(factories):
    staff = factories.staff()
    case = factories.case(lines=(9_000,))
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC), tick=False):
        by_hand(case, staff_id=staff.id)
        by_hand(case, staff_id=staff.id)
    with time_machine.travel(dt.datetime(2027, 1, 2, 12, 0, tzinfo=dt.UTC), tick=False):
        # money that came on 31 December, recorded in January: this year's series
        by_hand(case, staff_id=staff.id, on=dt.date(2026, 12, 31))
    assert numbers() == ["Q2026-000001", "Q2026-000002", "Q2027-000001"]
    counters = {c.year: c.last_number for c in db.session.scalars(select(ReceiptCounter))}
    assert counters == {2026: 2, 2027: 1}


@pytest.mark.postgres
def test_concurrent_payments_get_consecutive_numbers(app, factories):
    """Online payments (webhook events) and manual ones in threads at once: 1..N, no gap."""
    staff = factories.staff()
    online_cases = [factories.case(lines=(4_000,)) for _ in range(12)]
    pending = [factories.online_payment(c, amount=4_000, status="pending") for c in online_cases]
    manual_cases = [factories.case(lines=(9_000,)) for _ in range(12)]
    jobs = [lambda p=p, n=n: payment_events.handle_event(succeeded(p, f"evt_c{n}"))
            for n, p in enumerate(pending)]  # fmt: skip
    jobs += [lambda c=c: by_hand(c, staff_id=staff.id) for c in manual_cases]
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def worker(share):
        with app.app_context():
            try:
                barrier.wait()
                for job in share:
                    job()
                payment_events.drain()  # what waited for another lane's turn
            except Exception as exc:  # surfaced below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(jobs[i::8],)) for i in range(8)]
    with time_machine.travel(NOW, tick=True):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        payment_events.drain()
    assert errors == []
    got = numbers()
    assert len(got) == 24
    assert [int(re.fullmatch(r"Q2026-(\d{6})", n)[1]) for n in got] == list(range(1, 25))
