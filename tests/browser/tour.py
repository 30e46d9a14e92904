"""Every debtor page, in the states that make it longest, for the layout, typography and
accessibility checks: cases built with the factories, then visited one page after another,
calling `check(page, name)` on each."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal.domain import schedule
from portal.domain.ledger import DebtorKind
from portal.domain.plan_states import Frequency
from portal.domain.reminders import next_open
from portal.extensions import db
from portal.models import DebtLine, Message, PlanProposal, SavedPaymentMethod
from portal.services.reminders import run as reminders
from portal.services.reminders.controls import unsubscribe_token


@dataclass
class Cases:
    """The cases of the tour."""

    wide: object  # a company: long names, several lines, interest and the indemnity
    in_plan: object  # a live plan with a partly paid instalment and a saved card
    paid: object  # paid in full online
    counter: object  # a collector's counter-offer waiting for the debtor
    payment_id: int
    email_id: int  # the wide case's first notice, recorded


def build_cases(factories, language: str) -> Cases:
    """Create the tour's cases, their debtors speaking `language`."""
    factories.agency(phone="+33 1 84 00 00 00")
    creditor = factories.creditor(
        legal_name="Compagnie Générale des Énergies Renouvelables de France Métropolitaine SA"
    )
    company = factories.debtor(
        DebtorKind.PROFESSIONAL,
        company_name="Atelier Numérique de Conception et de Réalisation Graphique SAS",
        language=language,
    )
    wide = factories.case(
        creditor, company, lines=(1_234_567, 987_654, 45_000), interest=12_345, fee=4_000
    )
    line = db.session.query(DebtLine).filter_by(case_id=wide.id).first()
    line.basis = "contract"
    db.session.commit()
    in_plan = factories.case(lines=(600_000,), debtor_=factories.debtor(language=language))
    plan = factories.plan(in_plan, amounts=(100_000,) * 6, first_due=dt.date(2026, 12, 20))
    plan.instalments[0].paid_amount = 25_000
    db.session.add(
        SavedPaymentMethod(
            case_id=in_plan.id,
            provider_customer_id="cus_tour",
            provider_method_id="pm_tour",
            kind="card",
            label="Visa •••• 4242",
        )
    )
    db.session.commit()
    paid = factories.case(lines=(12_345,), debtor_=factories.debtor(language=language))
    payment = factories.online_payment(paid, 12_345)
    paid.status = "paid"
    db.session.commit()
    counter = factories.case(lines=(60_000,), debtor_=factories.debtor(language=language))
    lines = schedule.build(60_000, dt.date(2026, 12, 20), Frequency.MONTHLY, count=6)
    db.session.add(
        PlanProposal(
            case_id=counter.id,
            proposed_by="collector",
            count=6,
            frequency=Frequency.MONTHLY,
            first_due_on=lines[0].due_on,
            schedule=schedule.to_json(lines),
            total=60_000,
            currency="EUR",
            status="pending",
            policy_outcome="auto",
        )
    )
    db.session.commit()
    # The first notices due (only the wide case's: the others are paid or in a plan), recorded.
    at = next_open(dt.datetime.now(dt.UTC), ZoneInfo("Europe/Paris"), company.postcode)
    reminders.run(at)
    first = db.session.execute(
        select(Message.id).where(Message.case_id == wide.id, Message.channel == "email")
    ).scalar_one()
    return Cases(wide, in_plan, paid, counter, payment.id, first)


def log_in(page, base: str, case) -> None:
    """Log in with the reference and postcode, from the login page."""
    page.goto(f"{base}/?login=1")
    page.fill("#reference", case.reference)
    page.fill("#factor", case.debtor.postcode)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/case")


def tour(page, base: str, cases: Cases, link: str, check: Callable[[object, str], None]):
    """Visit every debtor page (anonymous ones, then each case's), calling `check` on each."""

    def at(path: str, name: str) -> None:
        page.goto(base + path)
        check(page, name)

    for path, name in PUBLIC_PAGES:
        at(path, name)
    at(f"/u/{unsubscribe_token(cases.wide.debtor_id)}", "unsubscribe")
    page.goto(link)
    check(page, "link")
    page.fill("#factor", cases.wide.debtor.postcode)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/case")
    check(page, "case")
    for path, name in (
        ("/pay", "pay"),
        ("/pay/method", "pay-method"),
        ("/documents", "documents"),
        (f"/documents/emails/{cases.email_id}", "email"),
    ):
        at(path, name)
    at("/case/plan", "plan-form")
    page.fill("#count", "8")
    page.locator("main button[name=action][value=preview]").click()
    check(page, "plan-review")
    for path, name in PUBLIC_PAGES[1:]:
        at(path, name + "-logged-in")
    at("/documents/999999.pdf", "not-found")
    log_in(page, base, cases.in_plan)
    check(page, "case-in-plan")
    at("/pay", "pay-instalment")
    at("/pay/method", "pay-method-saved")
    log_in(page, base, cases.paid)
    check(page, "case-paid")
    at(f"/pay/payments/{cases.payment_id}", "payment-received")
    log_in(page, base, cases.counter)
    check(page, "case-counter-offer")


PUBLIC_PAGES = [
    ("/", "login"),
    ("/rights", "rights"),
    ("/help", "help"),
    ("/privacy", "privacy"),
    ("/legal-notice", "legal-notice"),
]
