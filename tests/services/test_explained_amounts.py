"""Every euro explained in e-mails and letters as on the case page: what each line is (invoice,
contract), interest with its rate and period, and which rule on recovery costs applies (the
40 EUR indemnity of C. com. L441-10 and D441-5 between businesses, L111-8 for consumers)."""

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from portal.domain.ledger import DebtorKind
from portal.extensions import db
from portal.models import Channel, DebtLine, Message
from portal.services.reminders import letters
from tests.services.test_letters import TUESDAY, run_at, text_of


def make_case(factories, kind, basis, email="debtor@example.org", **values):
    with time_machine.travel(TUESDAY - dt.timedelta(hours=1), tick=False):
        case = factories.case(debtor_=factories.debtor(kind, language="en", email=email), **values)
        for line in db.session.execute(select(DebtLine).filter_by(case_id=case.id)).scalars():
            line.basis = basis
        db.session.commit()
    return case


def first_notice(case) -> Message:
    return db.session.execute(
        select(Message).where(Message.case_id == case.id, Message.channel == Channel.EMAIL)
    ).scalar_one()


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace("\xa0", " ")


def test_a_contract_is_called_a_contract_in_the_first_notice(factories):
    factories.agency()
    case = make_case(factories, DebtorKind.CONSUMER, "contract")
    run_at(TUESDAY)
    message = first_notice(case)
    for body in (message.body_text, flat(message.body_html)):
        assert "Contract F-" in body and "Invoice" not in body
        assert "the contracts listed above" in body
        assert "none is charged to you (article L111-8" in body
        assert "L441-10" not in body


def test_a_business_owes_the_indemnity_named_with_its_basis(factories):
    factories.agency()
    case = make_case(
        factories, DebtorKind.PROFESSIONAL, "invoice", fee=4_000, interest=500,
        interest_rate_bp=1_215,
    )  # fmt: skip
    run_at(TUESDAY)
    message = first_notice(case)
    for body in (message.body_text, flat(message.body_html)):
        assert "Fixed recovery indemnity (C. com. L441-10 and D441-5)" in body
        assert "Interest at 12.15% a year, from 2 May 2026 to 1 Jun 2026" in body
        assert "articles L441-10 and D441-5" in body
        assert "none is charged to you" not in body  # the consumers' rule is not this one


def test_the_letter_of_a_business_says_the_same(factories):
    factories.agency()
    case = make_case(factories, DebtorKind.PROFESSIONAL, "contract", email=None, fee=4_000)
    run_at(TUESDAY)
    letter = db.session.execute(select(Message).where(Message.case_id == case.id)).scalar_one()
    text = text_of(letters.letter_pdf(letter, case))
    assert "Contract F-" in text and "Debt (due on)" in text
    assert "Charges: Fixed recovery indemnity (C. com. L441-10 and D441-5)" in text
    assert "the contracts listed above" in text and "articles L441-10 and D441-5" in text
