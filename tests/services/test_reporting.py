"""Creditor reporting: dashboard figures from aggregates, the filtered keyset list, exports."""

import contextlib
import datetime as dt

from sqlalchemy import event

from portal.domain.ledger import EntryKind
from portal.extensions import db as _db
from portal.services.cases.ledger import add_entry
from portal.services.reporting import case_list, dashboard, exports

TODAY = dt.date(2026, 6, 1)


@contextlib.contextmanager
def counting():
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)


def pay(case, amount, on):
    add_entry(case, EntryKind.PAYMENT, -amount, occurred_on=on)
    _db.session.commit()


def test_dashboard_figures_in_a_fixed_number_of_queries(factories, db):
    creditor = factories.creditor()
    a = factories.case(creditor, lines=(10_000,))  # due 2026-05-02 (30 days before TODAY)
    b = factories.case(creditor, lines=(20_000,), interest=500)
    c = factories.case(creditor, lines=(5_000,))
    pay(a, 2_500, dt.date(2026, 5, 10))
    pay(a, 1_000, dt.date(2026, 6, 1))
    pay(c, 5_000, dt.date(2025, 12, 3))
    c.status = "paid"
    factories.plan(b, status="active", first_due=dt.date(2026, 5, 1))
    factories.case(factories.creditor(), lines=(99_999,))  # another creditor's: never counted
    creditor_id = creditor.id
    with counting() as queries:
        d = dashboard.dashboard(creditor_id, TODAY)
    assert len(queries) == 4
    assert (d.cases, d.placed, d.collected, d.outstanding) == (3, 35_500, 8_500, 27_000)
    assert d.by_status == {"open": 1, "in_plan": 1, "paid": 1}
    assert d.plans == {"active": 1}
    assert (d.instalments_due, d.instalments_paid) == (1, 0) and d.adherence == 0
    assert round(d.recovery_rate, 4) == round(8_500 / 35_500, 4)
    assert [m.start for m in d.months][-1] == dt.date(2026, 6, 1) and len(d.months) == 12
    per_month = {m.start: m.collected for m in d.months if m.collected}
    assert per_month == {
        dt.date(2025, 12, 1): 5_000, dt.date(2026, 5, 1): 2_500, dt.date(2026, 6, 1): 1_000
    }  # fmt: skip
    assert d.ageing[0] == ((0, 30), 2, 6_500 + 20_500)  # both open ones fell due 30 days ago
    assert sum(count for _, count, _ in d.ageing) == 2


def test_search_takes_percent_and_underscore_literally(factories, db):
    creditor = factories.creditor()
    plain, odd = factories.case(creditor), factories.case(creditor)
    plain.external_reference, odd.external_reference = "AB-100", "AB_%1"
    db.session.commit()

    def found(q):
        page = case_list.list_cases(creditor.id, case_list.Filters(q=q))
        return {line.case.id for line in page.lines}

    assert found("_") == {odd.id} and found("%") == {odd.id}
    assert found("ab") == {plain.id, odd.id}
    assert found(plain.debtor.last_name) == {plain.id}
    assert found(plain.reference) == {plain.id}


def test_filters_and_keyset_pages(factories, db):
    creditor = factories.creditor()
    cases = [factories.case(creditor, lines=(1_000 * (n + 1),)) for n in range(7)]
    factories.plan(cases[2], status="active")
    pay(cases[3], 4_000, TODAY)  # paid in full
    seen, after = [], None
    while True:
        page = case_list.list_cases(creditor.id, case_list.Filters(), after, size=3)
        seen += [line.case.id for line in page.lines]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == sorted((c.id for c in cases), reverse=True)

    def ids(**filters):
        page = case_list.list_cases(creditor.id, case_list.Filters(**filters))
        return {line.case.id for line in page.lines}

    assert ids(has_plan=True) == {cases[2].id}
    assert ids(balance_min=5_000, balance_max=6_000) == {cases[4].id, cases[5].id}
    assert ids(status="in_plan") == {cases[2].id}
    states = {
        line.case.id: line.payment_status
        for line in case_list.list_cases(creditor.id, case_list.Filters()).lines
    }
    assert states[cases[3].id] == "paid" and states[cases[2].id] == "in_plan"
    assert states[cases[0].id] == "unpaid"
    assert ids(placed_from=dt.date(2000, 1, 1)) == {c.id for c in cases}
    assert ids(placed_to=dt.date(2000, 1, 1)) == set()


def test_filters_read_from_a_query_string_ignore_nonsense():
    filters = case_list.parse_filters(
        {"status": "nope", "placed_from": "yesterday", "balance_min": "1 000,50", "has_plan": "x"}
    )
    assert filters == case_list.Filters(balance_min=100_050)
    assert case_list.parse_filters({"balance_min": "1 000,50"}).as_args() == {
        "balance_min": "1000.50"
    }


def test_exports_stream_only_the_creditors_rows_with_cells_escaped(app, factories, db, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(exports, "_", lambda text: text)  # no request: the header untranslated
    creditor = factories.creditor()
    debtor = factories.debtor(first_name="=cmd", last_name="Durand")
    cases = [factories.case(creditor, debtor if n == 0 else None) for n in range(5)]
    for case in cases:
        pay(case, 100, TODAY)
    other = factories.case(factories.creditor())
    pay(other, 100, TODAY)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        header = "".join(exports.payments_csv(creditor.id, TODAY, TODAY)).splitlines()[0]
    assert header == "\ufeffdate;reference;external reference;debtor;kind;currency;amount;note"
    text = "".join(exports.cases_csv(creditor.id, case_list.Filters()))
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 6 and other.reference not in text
    assert "'=cmd Durand" in text
    text = "".join(exports.payments_csv(creditor.id, TODAY, TODAY))
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 6 and other.reference not in text
    assert lines[1].split(";")[6] == "1.00"
    assert "".join(exports.payments_csv(creditor.id, TODAY.replace(day=2), TODAY)).count("\n") == 1
