"""Provider events recorded first, applied after: batches, waiting events, failures, receipts."""

import time

import pytest
from sqlalchemy import event, func, select

from portal.domain.ledger import EntryKind
from portal.extensions import db
from portal.gateway.contract import Event
from portal.models import LedgerEntry, Message, Receipt, WebhookEvent
from portal.services.payments import events as payment_events
from portal.services.payments import handlers as payment_handlers
from portal.services.payments import inbox as payment_inbox
from tests.conftest import drop_other_connections


def succeeded(payment, event_id: str, kind: str = "payment_intent") -> Event:
    if kind == "checkout.session":
        obj = {"id": payment.provider_checkout_id, "object": "checkout.session",
               "mode": "payment", "payment_status": "paid", "amount_total": payment.amount,
               "payment_intent": payment.provider_payment_intent_id,
               "metadata": {"payment_id": str(payment.id)}}  # fmt: skip
        return Event(event_id, "checkout.session.completed", int(time.time()), obj)
    obj = {"id": payment.provider_payment_intent_id, "object": "payment_intent",
           "amount_received": payment.amount, "payment_method_types": ["card"],
           "metadata": {"payment_id": str(payment.id)}}  # fmt: skip
    return Event(event_id, "payment_intent.succeeded", int(time.time()), obj)


@pytest.fixture
def two_pending(factories):
    cases = [factories.case(lines=(4_000,)) for _ in range(2)]
    return [factories.online_payment(c, amount=4_000, status="pending") for c in cases]


def payment_entries():
    return db.session.scalar(
        select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == EntryKind.PAYMENT)
    )


def test_waiting_events_are_applied_in_one_batch_each_payment_once(two_pending):
    for n, payment in enumerate(two_pending):  # recorded, not applied (as while another run had
        payment_events.record(succeeded(payment, f"evt_pi_{n}"))  # the turn)
        payment_events.record(succeeded(payment, f"evt_cs_{n}", "checkout.session"))
    assert payment_entries() == 0
    applied = payment_events.apply_pending()
    assert sorted(a.outcome for a in applied.values()) == [
        "stale",
        "stale",
        "succeeded",
        "succeeded",
    ]
    assert payment_entries() == 2
    waiting = select(func.count(WebhookEvent.id)).where(WebhookEvent.outcome.is_(None))
    assert db.session.scalar(waiting) == 0


def test_each_receipt_e_mail_goes_to_its_own_debtor(two_pending):
    for n, payment in enumerate(two_pending):
        assert payment_events.handle_event(succeeded(payment, f"evt_{n}")) == "succeeded"
    messages = db.session.execute(select(Message).order_by(Message.id)).scalars().all()
    receipts = db.session.execute(select(Receipt).order_by(Receipt.id)).scalars().all()
    assert [m.key for m in messages] == [f"receipt:{r.number}" for r in receipts]
    assert [m.recipient for m in messages] == [p.case.debtor.email for p in two_pending]


def test_a_batch_links_each_payment_to_its_own_entry_receipt_and_e_mail(two_pending):
    inserts = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO") and "VALUES" in statement:
            inserts.append((statement.split()[2], "RETURNING" in statement))

    for n, payment in enumerate(two_pending):
        payment_events.record(succeeded(payment, f"evt_{n}"))
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        payment_events.apply_pending()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    for payment in two_pending:
        db.session.refresh(payment)
        entry = db.session.get(LedgerEntry, payment.ledger_entry_id)
        assert (entry.case_id, entry.amount) == (payment.case_id, -payment.amount)
        receipt = db.session.execute(
            select(Receipt).where(Receipt.payment_id == payment.id)
        ).scalar_one()
        message = db.session.execute(
            select(Message).where(Message.key == f"receipt:{receipt.number}")
        ).scalar_one()
        assert (receipt.case_id, message.case_id) == (payment.case_id, payment.case_id)
    if db.engine.dialect.name == "postgresql":  # numbered first: one prepared INSERT per table
        written = {"ledger_entries", "receipts", "messages"}
        assert {table for table, returning in inserts if returning} & written == set()
        assert {table for table, _ in inserts} >= written


def test_a_webhook_request_applies_what_was_left_waiting(two_pending):
    first, second = two_pending
    payment_events.record(succeeded(first, "evt_left"))
    assert payment_events.handle_event(succeeded(second, "evt_new")) == "succeeded"
    assert payment_entries() == 2


def test_an_event_that_fails_is_kept_and_applied_by_reconcile(
    two_pending, monkeypatch, stripe_double
):
    payment = two_pending[0]

    def broken(*args, **kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(payment_handlers, "succeed", broken)
    for attempt in range(payment_events.MAX_ATTEMPTS + 1):
        outcome = payment_events.handle_event(succeeded(payment, "evt_fails"))
        assert outcome == ("queued" if attempt == 0 else "duplicate")
        payment_events.drain()
    row = db.session.execute(select(WebhookEvent)).scalar_one()
    assert row.outcome is None and row.attempts == payment_events.MAX_ATTEMPTS
    assert payment_entries() == 0
    monkeypatch.undo()
    report = payment_events.reconcile()
    assert [a[2] for a in report.applied] == ["succeeded"]
    assert payment_entries() == 1


def test_a_failing_event_does_not_hold_back_the_others_of_its_batch(two_pending, monkeypatch):
    first, second = two_pending
    payment_events.record(succeeded(first, "evt_ok"))
    payment_events.record(succeeded(second, "evt_bad"))
    real = payment_handlers.succeed

    def fails_for_second(payment, *args, **kwargs):
        if payment.id == second.id:
            raise RuntimeError("bad event")
        return real(payment, *args, **kwargs)

    monkeypatch.setattr(payment_handlers, "succeed", fails_for_second)
    applied = payment_events.apply_pending()
    assert [a.event_id for a in applied.values()] == ["evt_ok"]
    assert payment_entries() == 1
    bad = db.session.execute(
        select(WebhookEvent).where(WebhookEvent.provider_event_id == "evt_bad")
    ).scalar_one()
    assert bad.outcome is None and bad.attempts == 1


@pytest.mark.postgres
def test_while_another_run_has_the_turn_the_event_is_recorded_and_queued(two_pending):
    payment = two_pending[0]
    keys = [payment_inbox.turn_key(lane) for lane in range(payment_inbox.LANES)]
    with db.engine.connect() as other:  # other runs applying events: they hold every turn
        other.execute(select(*[func.pg_advisory_lock(key) for key in keys]))
        assert payment_events.handle_event(succeeded(payment, "evt_q")) == "queued"
        assert payment_events.drain() == []  # not this run's turn
        other.execute(select(*[func.pg_advisory_unlock(key) for key in keys]))
        other.commit()
    row = db.session.execute(select(WebhookEvent)).scalar_one()
    assert row.outcome is None and row.object["id"] == payment.provider_payment_intent_id
    assert [a.outcome for a in payment_events.drain()] == ["succeeded"]
    assert payment_entries() == 1


def test_a_payments_events_share_a_lane(two_pending):
    for payment in two_pending:
        intent = succeeded(payment, "evt_a").object
        checkout = succeeded(payment, "evt_b", "checkout.session").object
        assert payment_inbox.lane_of(intent) == payment_inbox.lane_of(checkout)
    assert payment_inbox.lane_of({"object": "balance"}) == 0
    lanes = {payment_inbox.lane_of({"metadata": {"payment_id": str(n)}}) for n in range(20)}
    assert lanes == set(range(payment_inbox.LANES))


def test_the_receipt_e_mail_of_a_batch_does_not_look_the_agency_up_again(two_pending):
    statements = []
    payment_events.record(succeeded(two_pending[0], "evt_one"))
    payment_events.record(succeeded(two_pending[1], "evt_two"))

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        payment_events.apply_pending()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert db.session.scalar(select(func.count(Message.id))) == 2
    assert sum("FROM agencies" in s for s in statements) == 1  # once per batch, none found


@pytest.mark.postgres
def test_lanes_are_applied_side_by_side_and_the_turn_is_given_back(factories):
    cases = [factories.case(lines=(4_000,)) for _ in range(8)]
    payments = [factories.online_payment(c, amount=4_000, status="pending") for c in cases]
    by_lane = {}
    for payment in payments:
        by_lane.setdefault(payment_inbox.lane_of(succeeded(payment, "x").object), payment)
    busy, free = by_lane[0], by_lane[1]
    with db.engine.connect() as other:  # another run applies lane 0
        other.execute(select(func.pg_advisory_lock(payment_inbox.turn_key(0))))
        assert payment_events.handle_event(succeeded(busy, "evt_busy")) == "queued"
        assert payment_events.handle_event(succeeded(free, "evt_free")) == "succeeded"
        other.execute(select(func.pg_advisory_unlock(payment_inbox.turn_key(0))))
        other.commit()
    with db.engine.connect() as other:  # the run that applied lane 1 gave its turn back
        taken = func.pg_try_advisory_lock(payment_inbox.turn_key(1))
        assert other.execute(select(taken)).scalar() is True
        other.execute(select(func.pg_advisory_unlock(payment_inbox.turn_key(1))))
        other.commit()
    assert [a.event_id for a in payment_events.drain(0)] == ["evt_busy"]
    assert payment_entries() == 2


@pytest.mark.postgres
def test_the_turn_is_given_back_when_applying_fails(two_pending, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bad batch")

    monkeypatch.setattr(payment_events, "_apply_batch", broken)
    payment = two_pending[0]
    with pytest.raises(RuntimeError):
        payment_events.handle_event(succeeded(payment, "evt_x"))
    lane = payment_inbox.lane_of(succeeded(payment, "x").object)
    with db.engine.connect() as other:
        taken = func.pg_try_advisory_lock(payment_inbox.turn_key(lane))
        assert other.execute(select(taken)).scalar() is True
        other.execute(select(func.pg_advisory_unlock(payment_inbox.turn_key(lane))))
        other.commit()
    row = db.session.execute(select(WebhookEvent)).scalar_one()  # recorded: acknowledged or not,
    assert row.outcome is None  # it waits for the next run


@pytest.mark.postgres
def test_recording_survives_connections_the_database_dropped(two_pending):
    first, second = two_pending
    assert payment_events.handle_event(succeeded(first, "evt_before")) == "succeeded"
    drop_other_connections()  # a database restart, as seen by the pooled connections
    assert payment_events.handle_event(succeeded(second, "evt_after")) == "succeeded"
    assert payment_events.handle_event(succeeded(second, "evt_after")) == "duplicate"
    assert payment_entries() == 2


@pytest.mark.postgres
def test_an_insert_that_finds_its_connection_dead_is_sent_again(two_pending, monkeypatch):
    from sqlalchemy import text

    from portal import db_liveness

    first, second = two_pending
    assert payment_events.handle_event(succeeded(first, "evt_before")) == "succeeded"
    # The recorder's idle connections end, and the checkout does not notice (as after a network
    # cut): the INSERT itself finds its connection dead, and goes again on a new one.
    recorder = payment_inbox._recorder()
    held = [recorder.raw_connection() for _ in range(recorder.pool.checkedin())]
    pids = [conn.driver_connection.info.backend_pid for conn in held]
    for conn in held:
        conn.close()
    assert pids
    monkeypatch.setattr(db_liveness, "server_dropped", lambda dbapi_connection: False)
    ended = text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid")
    db.session.execute(ended, {"pids": pids})
    alive = text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(CAST(:pids AS int[]))")
    for _ in range(500):
        db.session.execute(text("SELECT pg_stat_clear_snapshot()"))
        if not db.session.execute(alive, {"pids": pids}).scalar_one():
            break
        time.sleep(0.01)
    db.session.commit()
    assert payment_events.handle_event(succeeded(second, "evt_after")) == "succeeded"
    assert payment_entries() == 2


@pytest.mark.postgres
def test_receipts_are_sent_once_the_lane_is_free_again(two_pending, smtp, monkeypatch):
    from portal.services.mail import outbox as mail

    payment = two_pending[0]
    event_ = succeeded(payment, "evt_sent_after")
    lane = payment_inbox.lane_of(event_.object)
    real, seen = mail.deliver, []

    def deliver(messages):  # another run could take the lane's turn while this one sends
        with db.engine.connect() as other:
            taken = func.pg_try_advisory_lock(payment_inbox.turn_key(lane))
            seen.append(other.execute(select(taken)).scalar())
            other.execute(select(func.pg_advisory_unlock(payment_inbox.turn_key(lane))))
            other.commit()
        return real(messages)

    monkeypatch.setattr(mail, "deliver", deliver)
    assert payment_events.handle_event(event_) == "succeeded"
    assert seen == [True]
    assert len(smtp.messages) == 1 and "Q" in smtp.messages[0]["Subject"]
