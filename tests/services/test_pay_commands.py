"""`flask portal reconcile` and `flask portal charge-due` as an operator runs them."""

import datetime as dt

from sqlalchemy import select

from portal.extensions import db
from portal.models import Payment
from portal.services import clock
from tests.pay_support import CARD_OK, make_plan, pay_hosted
from tests.services.test_pay_instalments import apply_all, save
from tests.services.test_payments import ledger_payments, start


def test_reconcile_reports_what_it_fixed(runner, stripe_double, factories):
    case = factories.case(lines=(4_200,))
    payment = start(case)
    pay_hosted(payment.checkout_url, CARD_OK)
    stripe_double.wait_idle()
    first = runner.invoke(args=["portal", "reconcile", "--days", "1"])
    assert first.exit_code == 0, first.output
    assert "2 event(s) fetched, 0 already applied." in first.output
    assert "-> succeeded" in first.output and "1 fix(es)." in first.output
    assert ledger_payments(case.id) == [-4_200]
    second = runner.invoke(args=["portal", "reconcile"])
    assert "Nothing to fix." in second.output


def test_charge_due_command_charges_the_due_instalment(runner, stripe_double, factories):
    case = factories.case(lines=(6_000,))
    make_plan(case, (2_000, 4_000), clock.today())
    save(case, CARD_OK)
    apply_all(stripe_double)
    result = runner.invoke(args=["portal", "charge-due"])
    assert result.exit_code == 0, result.output
    assert "charged 1, failed 0, pending 0" in result.output
    later = (clock.today() + dt.timedelta(days=1)).isoformat()
    assert "charged 0" in runner.invoke(args=["portal", "charge-due", "--on", later]).output
    assert db.session.execute(select(Payment.amount)).scalars().all() == [2_000]
