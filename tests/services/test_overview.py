"""The debtor's overview: lines, separated amounts, payments and balance."""

from portal.domain.ledger import DebtorKind
from portal.services.cases.overview import overview, portfolio_totals, search_cases


def test_amounts_are_separated_and_the_total_is_the_sum_of_the_lines(factories):
    pro = factories.debtor(DebtorKind.PROFESSIONAL)
    case = factories.case(
        debtor_=pro, lines=(10_000, 25_050), interest=150, fee=4_000, payments=(5_000,)
    )
    o = overview(case)
    assert [line.principal for line in o.lines] == [10_000, 25_050]
    assert [line.interest for line in o.lines] == [150, 150]
    assert [line.charges for line in o.lines] == [4_000, 4_000]
    assert o.charged == sum(line.total for line in o.lines) == 43_350
    assert o.paid == 5_000
    assert o.balance == 38_350
    assert o.totals.principal == 35_050


def test_lists_compute_balances_and_filter_by_creditor(factories):
    mine, theirs = factories.creditor(), factories.creditor()
    a = factories.case(mine, lines=(1_000,), payments=(400,))
    factories.case(theirs, lines=(2_000,))
    rows, total = search_cases(creditor_id=mine.id)
    assert total == 1
    assert [(r.case.id, r.balance) for r in rows] == [(a.id, 600)]
    totals = portfolio_totals(mine.id)
    assert (totals.cases, totals.placed, totals.collected, totals.outstanding) == (
        1,
        1_000,
        400,
        600,
    )


def test_search_finds_by_reference_in_any_form_name_and_email(factories):
    debtor = factories.debtor(last_name="Lefèvre", email="marie@example.org")
    case = factories.case(debtor_=debtor)
    factories.case()
    for query in (case.reference, case.display_reference.lower(), "lefèvre", "MARIE@example"):
        rows, total = search_cases(query)
        assert [r.case.id for r in rows] == [case.id], query
    assert search_cases("nobody-by-that-name")[1] == 0
