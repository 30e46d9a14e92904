"""Letter PDFs open, carry the mentions, a short URL and the reference, and never change."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.ledger import EntryKind
from portal.legal import L111_8_AL2_AL3
from portal.models import Channel, Message
from portal.services.cases.ledger import add_entry
from portal.services.reminders import controls as reminder_controls
from portal.services.reminders import letters
from portal.services.reminders import run as reminders

PARIS = ZoneInfo("Europe/Paris")
TUESDAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def clock():
    """Cases and their ledgers are made at TUESDAY, as the letters are: a letter shows the
    ledger as it stood when it was made, so data made at the real date would not be in it."""
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages)).replace("\xa0", " ")


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return reminders.run(moment.astimezone(dt.UTC))


def letter_of(db, case) -> Message:
    return db.session.execute(
        select(Message).where(Message.case_id == case.id, Message.channel == Channel.LETTER)
    ).scalar_one()


def test_first_notice_letter(factories, db):
    factories.agency()
    with time_machine.travel(TUESDAY - dt.timedelta(hours=1), tick=False):  # before the letter
        case = factories.case(
            debtor_=factories.debtor(email=None, language="en"),
            lines=(10_000, 5_000),
            interest=250,
            interest_rate_bp=1_050,
        )
    run_at(TUESDAY)
    letter = letter_of(db, case)
    text = text_of(letters.letter_pdf(letter, case))
    assert f"Notice of amount due — case {case.display_reference}" in text
    # R124-4: both identities, amicable recovery, itemised amounts, a demand and how to pay.
    assert "Agence Test SAS" in text and "1 rue du Test" in text
    assert "exerce une activité de recouvrement amiable" in text
    assert case.creditor.legal_name in text and case.creditor.address_line1 in text
    assert case.debtor.display_name in text and "75011 Paris" in text
    assert "€100.00" in text and "€50.00" in text and "€2.50" in text
    # Each line says what it is, and its interest its rate and period.
    assert "Debt (due on)" in text and "Invoice (due on)" not in text
    assert f"Invoice F-{case.external_reference[4:]}-0 (2 May 2026)" in text
    assert "Interest at 10.5% a year, from 2 May 2026 to 1 Jun 2026" in text
    assert "Basis of the debt: the invoices listed above" in text
    assert "none is charged to you (article L111-8" in text
    assert "Balance due: €155.00" in text and "We ask you to pay €155.00." in text
    assert "FR7630006000011234567890189" in text
    # A short address and the reference, never the long signed token.
    assert f"go to portal.test and enter the reference {case.display_reference}" in text
    assert "/l/" not in text
    for paragraph in L111_8_AL2_AL3.paragraphs:
        assert re.sub(r"\s+", " ", paragraph) in text
    assert f"Our reference: {case.display_reference}-1" in text


def test_formal_notice_letter_recalls_the_first_notice_and_never_changes(smtp, factories, db):
    factories.agency()
    case = factories.case(debtor_=factories.debtor(language="en"))
    for day in (0, 8, 15, 30):
        run_at(TUESDAY + dt.timedelta(days=day))
    letter = letter_of(db, case)
    before = text_of(letters.letter_pdf(letter, case))
    assert f"follows our first notice {case.display_reference}-1 of 1 December 2026" in before
    assert "We formally ask you to pay €123.45 within 8 days of this letter." in before
    with time_machine.travel(dt.datetime(2027, 1, 5, 12, tzinfo=PARIS), tick=False):
        add_entry(case, EntryKind.PAYMENT, -2_345, occurred_on=dt.date(2027, 1, 5))
        db.session.commit()
    assert text_of(letters.letter_pdf(letter, case)) == before  # the ledger as it stood


def test_french_letter(factories, db):
    factories.agency()
    with time_machine.travel(TUESDAY - dt.timedelta(hours=1), tick=False):  # before the letter
        case = factories.case(debtor_=factories.debtor(email=None, language="fr"))
    run_at(TUESDAY)
    text = text_of(letters.letter_pdf(letter_of(db, case), case))
    assert "123,45 €" in text and "1 décembre 2026" in text


def test_opt_out_turns_emails_into_letters(factories, db):
    case = factories.case()
    reminder_controls.opt_out(case.debtor_id)
    run_at(TUESDAY)
    run_at(TUESDAY + dt.timedelta(days=8))
    kinds = db.session.execute(
        select(Message.template).where(Message.case_id == case.id).order_by(Message.id)
    ).scalars()
    assert list(kinds) == ["letter_first_notice", "letter_reminder"]
