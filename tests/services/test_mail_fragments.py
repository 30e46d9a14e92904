"""Blocks of e-mails kept for a reminder run (`cached`): each message reads exactly as if it had
been rendered on its own, whatever creditor, language or debtor was rendered before it."""

import datetime as dt

import pytest

from portal.legal import L111_8_AL2_AL3
from portal.services.cases.amounts import amounts_for
from portal.services.mail import fragments as mail_fragments
from portal.services.mail import outbox as mail
from portal.services.reminders.run import SUBJECTS

TEMPLATES = ["reminder_first_notice", "reminder_reminder", "reminder_formal_notice"]


def _render(case, agency, template):
    context = dict(
        case=case,
        agency=agency,
        amounts=amounts_for([case.id])[case.id],
        link=f"http://portal.test/l/{case.id}",
        base_url="portal.test",
        unsubscribe_url=f"http://portal.test/u/{case.debtor_id}",
        l111_8=L111_8_AL2_AL3,
        reference=f"{case.display_reference}-1",
        first_notice_reference=f"{case.display_reference}-1",
        first_notice_date=dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC),
        tone="firm",
        days_to_pay=8,
    )
    subject = SUBJECTS[template.removeprefix("reminder_")](case.display_reference)
    return mail.render(template, mail.language_of(case), subject, **context)


@pytest.fixture
def cases(factories):
    """Two creditors (one without a SIREN), debtors in both languages, one with markup."""
    first = factories.creditor(legal_name="Alpha Énergie SA")
    second = factories.creditor(legal_name="Beta <Télécom>", siren=None, address_line1="9 quai B")
    made = []
    for creditor in (first, second, first, second):
        for language in ("fr", "en"):
            name = f"Zoé <i>{len(made)}</i>"
            debtor = factories.debtor(language=language, first_name=name)
            made.append(
                factories.case(creditor_=creditor, debtor_=debtor, lines=(1000 + len(made),))
            )
    return made


@pytest.mark.parametrize("template", TEMPLATES)
def test_kept_blocks_render_each_message_as_on_its_own(factories, cases, template):
    agency = factories.agency()
    alone = [_render(case, agency, template) for case in cases]
    with mail_fragments.kept() as kept:
        together = [_render(case, agency, template) for case in cases]
    assert together == alone
    assert kept  # the blocks were kept (and reused: same output for the second round)


def test_a_kept_block_differs_by_creditor_and_language_and_carries_no_debtor(factories, cases):
    agency = factories.agency()
    with mail_fragments.kept() as kept:
        for case in cases:
            _render(case, agency, "reminder_first_notice")
    blocks = [str(text) for text in kept.values()]
    # the legal mentions: one per creditor, language and part (text and html)
    legal = [b for b in blocks if "L111-8" in b]
    assert len(legal) == 2 * 2 * 2
    assert any("Alpha Énergie SA" in b for b in legal)
    assert any("Beta &lt;Télécom&gt;" in b for b in legal)  # escaped in the html part
    assert any("Beta <Télécom>" in b for b in legal)  # as it is in the text part
    for case in cases:
        debtor = case.debtor
        assert not any(case.display_reference in b for b in blocks)
        assert not any(debtor.first_name in b or debtor.email in b for b in blocks)


def test_outside_a_run_nothing_is_kept(factories, db):
    agency = factories.agency()
    case = factories.case()
    before = _render(case, agency, "reminder_first_notice")
    agency.legal_name = "Agence Renommée SAS"
    db.session.commit()
    after = _render(case, agency, "reminder_first_notice")
    assert "Agence Renommée SAS" in after[1] and "Agence Renommée SAS" not in before[1]
