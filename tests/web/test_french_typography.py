"""French pages and e-mails follow French typography and carry no English: a narrow no-break
space (U+202F) before : ; ! ? and inside « », amounts whose € never wraps onto its own line.
Every debtor page (in the states of the browser tour) and every kind of e-mail is scanned."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import memo_text
from portal.models import Channel, Message, Receipt
from portal.security import make_case_token
from portal.services.payments import receipts
from portal.services.reminders import controls
from portal.services.reminders import run as reminders
from tests.browser.tour import build_cases
from tests.conftest import csrf_token
from tests.french_support import email_problems, problems, visible_text

PARIS = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)  # a Tuesday, within contact hours
PAGES_AT = START + dt.timedelta(days=31)  # after the reminders
FIRST_DUE = (PAGES_AT + dt.timedelta(days=9)).strftime("%d/%m/%Y")


def log_in(client, case) -> None:
    """Log in as this case's debtor (from any session), in French."""
    page = client.get("/?login=1").text
    data = {"csrf_token": csrf_token(page), "reference": case.reference,
            "factor": case.debtor.postcode}  # fmt: skip
    assert client.post("/", data=data).status_code == 303


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def debtor_pages(client, cases, extra) -> dict[str, str]:
    """Every debtor page, rendered in French."""
    pages = {}

    def get(name, path):
        pages[name] = client.get(path).text

    for path in ("/", "/rights", "/help", "/privacy", "/legal-notice", "/l/cut-token"):
        get(path, path)
    get("unsubscribe", f"/u/{controls.unsubscribe_token(cases.wide.debtor_id)}")
    get("link", f"/l/{make_case_token(extra.id, extra.link_version)}")
    log_in(client, extra)
    for path in ("/case", "/pay", "/pay/method", "/documents", "/case/plan"):
        get(f"extra {path}", path)
    form = client.get("/case/plan").text
    data = {"csrf_token": csrf_token(form), "mode": "count", "count": "3",
            "frequency": "monthly", "first_due_on": FIRST_DUE}  # fmt: skip
    pages["plan review"] = client.post("/case/plan", data={**data, "action": "preview"}).text
    pages["plan refused"] = client.post(
        "/case/plan", data={**data, "count": "20", "action": "preview"}
    ).text
    pages["no consent"] = client.post("/case/plan", data={**data, "action": "confirm"}).text
    pages["budget"] = client.post(
        "/case/plan", data={**data, "income": "1 500", "expenses": "1 480", "action": "budget"}
    ).text
    for message in db.session.execute(select(Message).where(Message.case_id == extra.id)):
        get(f"e-mail page {message[0].template}", f"/documents/emails/{message[0].id}")
    client.post("/case/plan", data={**data, "consent": "y", "action": "confirm"})
    get("extra in plan", "/case")
    for case, paths in (
        (cases.wide, ("/case", "/pay", "/documents")),
        (cases.in_plan, ("/case", "/pay", "/pay/method")),
        (cases.paid, ("/case", f"/pay/payments/{cases.payment_id}", "/documents")),
        (cases.counter, ("/case",)),
    ):
        log_in(client, case)
        for path in paths:
            get(f"{case.reference} {path}", path)
    get("not found", "/documents/emails/999999")
    return pages


def test_french_pages_and_emails_follow_french_typography(client, factories, clock):
    cases = build_cases(factories, "fr")
    extra = factories.case(lines=(61_234,), debtor_=factories.debtor(language="fr"))
    for day in (0, 8, 15, 30):  # first notice, reminder, formal notice (and its letter)
        moment = START + dt.timedelta(days=day)
        clock.move_to(moment)
        reminders.run(moment.astimezone(dt.UTC))
    clock.move_to(PAGES_AT)
    receipt = db.session.execute(select(Receipt)).scalar_one()
    receipts.queue_email(receipt, cases.paid)
    db.session.commit()
    pages = debtor_pages(client, cases, extra)
    emails = db.session.execute(select(Message).where(Message.channel == Channel.EMAIL))
    emails = [m for (m,) in emails if m.language == "fr"]
    templates = {m.template for m in emails}
    assert {"reminder_first_notice", "reminder_reminder", "plan_decision", "receipt"} <= templates
    found = []
    for name, page in pages.items():
        assert 'lang="fr"' in page[:200], name
        found += [f"page {name}: {p}" for p in problems(visible_text(page))]
    for m in emails:
        found += [f"e-mail {m.template} {p}" for p in email_problems(m.subject, m.body_text,
                                                                      m.body_html)]  # fmt: skip
    assert not found, "\n".join(found)


def test_the_portals_own_ledger_memos_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert memo_text("Online payment #10") == "Paiement en ligne n°\u00a010"
        assert (
            memo_text("Refund of online payment #7")
            == "Remboursement du paiement en ligne n°\u00a07"
        )
        assert memo_text("Virement reçu") == "Virement reçu"  # a person's words, as written
