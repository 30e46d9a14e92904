"""The debtor's overview: amounts, legal mentions, languages, query count."""

import re

from sqlalchemy import event

from portal.domain.ledger import DebtorKind
from portal.extensions import db
from portal.legal import L111_8_AL2_AL3
from tests.conftest import post_form

SHARED_STATUTE = "../shared/legal/fr-cpce-L111-8-al2-al3.txt"


def log_in(client, case, lang="en"):
    post_form(
        client,
        "/rights",
        {"reference": case.reference, "factor": case.debtor.postcode},
        post_url="/",
    )
    if lang:
        post_form(client, "/case", {"lang": lang, "next": "/case"}, post_url="/language")


def text_of(html: str) -> str:
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        .replace("\u202f", " ")
        .replace("\xa0", " ")
    )


def test_amounts_lines_and_payments(client, factories):
    factories.agency()
    case = factories.case(
        debtor_=factories.debtor(DebtorKind.PROFESSIONAL),
        lines=(100_000, 23_456),
        interest=1_000,
        interest_rate_bp=1_000,
        fee=4_000,
        payments=(50_000,),
    )
    log_in(client, case)
    page = text_of(client.get("/case").text)
    assert "Amount due €834.56" in page
    assert "Principal €1,000.00" in page and "Principal €234.56" in page
    # Interest with its rate and period; the B2B indemnity named with its legal basis.
    assert "Interest at 10% a year, from 2 May 2026 to 1 Jun 2026 €10.00" in page
    assert "Fixed recovery indemnity (C. com. L441-10 and D441-5) €40.00" in page
    assert "Other charges" not in page
    assert "Total of the lines €1,334.56" in page
    assert "Payment" in page and "-€500.00" in page
    assert "Balance due €834.56" in page


def test_french_formats_money_and_dates(client, factories):
    case = factories.case(lines=(123_456,))
    log_in(client, case, lang="fr")
    page = text_of(client.get("/case").text)
    assert "1 234,56 €" in page
    assert "Montant dû" in page
    assert "2 mai 2026" in page  # due date of the factory's line


def test_r124_4_mentions(client, factories):
    agency = factories.agency()
    case = factories.case()
    log_in(client, case)
    page = text_of(client.get("/case").text)
    assert agency.legal_name in page and "1 rue du Test, 75001 Paris" in page
    assert "carries out amicable debt recovery" in page
    assert "exerce une activité de recouvrement amiable" in page
    creditor = case.creditor
    assert creditor.legal_name in page and ", ".join(creditor.address_lines) in page
    assert "principal, interest and other charges shown separately" in page
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in page  # how to pay
    assert "L111-8" in page and 'href="/rights"' in client.get("/case").text


def test_next_actions_are_links_never_dead_ones(client, factories):
    case = factories.case()
    log_in(client, case)
    html = client.get("/case").text
    actions = re.search(r'<ul class="actions">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", actions, re.S)
    assert len(items) >= 3
    for body in items:
        assert '<a class="button" href="/' in body and "Coming soon" not in body, body
    assert 'data-testid="dispute-link"' in actions
    assert 'data-testid="propose-plan"' in actions
    assert 'data-testid="pay-online"' in actions


def test_rights_page_shows_the_statute_verbatim(client):
    html = client.get("/rights", headers={"Accept-Language": "en"}).text
    shown = re.search(r'<blockquote data-testid="statute">(.*?)</blockquote>', html, re.S).group(1)
    paragraphs = [p.replace("&#39;", "'") for p in re.findall(r"<p>(.*?)</p>", shown, re.S)]
    assert "\n\n".join(paragraphs) == L111_8_AL2_AL3.text
    assert L111_8_AL2_AL3.version in html


def test_kept_copy_equals_the_shared_legal_text():
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / SHARED_STATUTE
    if shared.exists():
        assert shared.read_text(encoding="utf-8").strip() == L111_8_AL2_AL3.text


def test_overview_query_count_is_bounded(client, web_app, factories):
    factories.agency()
    small = factories.case(lines=(1_000,))
    big = factories.case(
        lines=tuple(range(1_000, 31_000, 1_000)), interest=10, payments=(500, 600, 700)
    )
    # The session's version, then the case with its parties and the agency, then its lines and
    # ledger: three statements, at the first view of a session as at every later one.
    assert statement_counts(client, web_app, (small, big)) == [3, 3]
    assert statement_counts(client, web_app, (small, big)) == [3, 3]
    with_plan = factories.case(lines=(90_000,))
    factories.plan(with_plan)
    factories.online_payment(with_plan, 30_000)
    big_plan = factories.case(lines=tuple(range(1_000, 31_000, 1_000)), interest=10)
    factories.plan(big_plan, amounts=(100_000,) * 5)
    for n in range(3):
        factories.online_payment(big_plan, 1_000 + n)
    counts = statement_counts(client, web_app, (with_plan, big_plan))
    # + proposals, plan, instalments, payments..., and the saved payment method of a live plan
    assert counts[0] == counts[1] <= 10, counts


def statement_counts(client, web_app, cases) -> list[int]:
    counts = []
    for case in cases:
        log_in(client, case, lang=None)
        statements = []
        engine = _engine(web_app)

        def count(*args, statements=statements):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/case").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    return counts


def _engine(app):
    with app.app_context():
        return db.engine
