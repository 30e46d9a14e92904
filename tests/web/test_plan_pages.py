"""Plan pages: the debtor proposes, withdraws, answers; a collector decides; the creditor sees."""

import datetime as dt
import io
import re

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.domain.plan_states import ProposalStatus
from portal.domain.states import CaseStatus
from portal.models import Case, Message, Plan, PlanProposal, Role
from portal.services.plans import current as plans
from tests.conftest import csrf_token, post_form
from tests.web.browser_form import enter_button, submitted
from tests.web.test_overview import log_in, text_of
from tests.web.test_staff import staff_login

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def case(factories):
    factories.agency()
    return factories.case(lines=(60_000,), debtor_=factories.debtor(language="en"))


def plan_data(**values):
    data = {"mode": "count", "count": "6", "frequency": "monthly", "first_due_on": "2026-12-10"}
    data.update(values)
    return data


def send(client, data, action="preview"):
    """POST the plan form as the page's own form does."""
    page = client.get("/case/plan")
    return client.post(
        "/case/plan", data={"csrf_token": csrf_token(page.text), "action": action, **data}
    )


def count_rows(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_debtor_previews_confirms_and_sees_the_plan(client, case, db):
    log_in(client, case)
    assert 'href="/case/plan"' in client.get("/case").text
    preview = send(client, plan_data())
    assert preview.status_code == 200
    text = text_of(preview.text)
    assert "it will be accepted at once" in text
    assert "€100.00" in text and "10 Dec 2026" in text and "10 May 2027" in text
    assert "Review and confirm" in text
    unconsented = send(client, plan_data(), action="confirm")
    assert unconsented.status_code == 422
    assert "Tick the box" in unconsented.text
    assert count_rows(db, PlanProposal) == 0
    done = send(client, {**plan_data(), "consent": "y"}, action="confirm")
    assert done.status_code == 303
    proposal = db.session.execute(select(PlanProposal)).scalar_one()
    assert proposal.status == ProposalStatus.APPROVED and proposal.consent_ip == "127.0.0.1"
    page = text_of(client.get("/case").text)
    assert "Your payment plan is accepted" in page and "To pay" in page
    plan = plans.active_plan(case.id)
    pdf = client.get(f"/case/plans/{plan.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert case.display_reference in pdf_text
    assert pdf_text.count("€100.00") == 6 and "€600.00" in pdf_text
    assert re.search(r"(10 May|May 10,) 2027", pdf_text)
    # Already in a plan: no second proposal.
    assert client.get("/case/plan").status_code == 303


BAD = [
    ({"count": "0"}, "Enter at least 1 instalment."),
    ({"count": "-3"}, "Enter at least 1 instalment."),
    ({"count": "61"}, "A plan has at most 60 instalments."),
    ({"count": "six"}, "Enter a whole number of instalments"),
    ({"mode": "amount", "amount": "1,234.567"}, "at most two decimals"),
    ({"mode": "amount", "amount": "12,345"}, "at most two decimals"),
    ({"mode": "amount", "amount": "0"}, "Enter an amount above zero."),
    ({"mode": "amount", "amount": "-50"}, "digits only"),
    ({"mode": "amount", "amount": "1 234,56"}, "more than what you owe"),
    ({"first_due_on": "2026-11-30"}, "cannot be in the past"),
    ({"first_due_on": "2028-01-01"}, "within a year"),
    ({"first_due_on": "31/02/2027"}, "Enter a date as DD/MM/YYYY."),
    ({"frequency": "daily"}, "Choose how often you pay."),
]


@pytest.mark.parametrize(("values", "message"), BAD)
def test_bad_input_is_explained_and_nothing_is_stored(client, case, db, values, message):
    log_in(client, case)
    for action in ("preview", "confirm"):
        response = send(client, {**plan_data(**values), "consent": "y"}, action=action)
        assert response.status_code == 422, (values, action)
        assert message in text_of(response.text)
    assert count_rows(db, PlanProposal) == 0


@pytest.mark.parametrize("written", ["1 234,56", "1,234.56", "1234.56", "1.234,56"])
def test_amounts_in_either_notation_are_read(client, factories, db, written):
    factories.agency()
    big = factories.case(lines=(500_000,), debtor_=factories.debtor(language="en"))
    log_in(client, big)
    response = send(client, plan_data(mode="amount", amount=written))
    assert response.status_code == 200
    assert "€1,234.56" in text_of(response.text) and "€61.76" in text_of(response.text)


def test_beyond_the_hard_limit_the_nearest_plan_is_offered_and_usable(client, case, db):
    log_in(client, case)
    refused = send(client, plan_data(count="20"))
    text = text_of(refused.text)
    assert "This plan cannot be accepted" in text and "At most 10 instalments" in text
    assert "Review and confirm" not in text
    form = re.search(r'<form method="post" action="/case/plan">(.*?)</form>', refused.text, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(1)))
    assert fields["count"] == "10"
    offered = client.post("/case/plan", data={**fields, "action": "preview"})
    assert "A collector will look at this plan" in text_of(offered.text)
    assert send(client, {**plan_data(count="20"), "consent": "y"}, "confirm").status_code == 422
    assert count_rows(db, PlanProposal) == 0


def test_the_budget_suggests_an_amount_and_is_kept_only_when_sent(client, case, db):
    log_in(client, case)
    response = send(client, plan_data(income="2 000", expenses="1 500"), action="budget")
    text = text_of(response.text)
    assert "about €250.00 a month" in text
    # The quickest plan within the budget that the creditor's policy approves at once.
    assert "3 monthly instalments of at most €200.00 fit it and the creditor accepts" in text
    assert 'name="count" type="text" value="3"' in response.text
    assert "This plan fits the creditor's rules: it will be accepted at once." in text
    assert count_rows(db, PlanProposal) == 0
    data = plan_data(mode="amount", amount="250", income="2 000", expenses="1 500", consent="y")
    assert send(client, data, action="confirm").status_code == 303
    proposal = db.session.execute(select(PlanProposal)).scalar_one()
    assert (proposal.budget_income, proposal.budget_expenses) == (200_000, 150_000)
    assert [line.amount for line in proposal.lines] == [25_000, 25_000, 10_000]


def test_a_budget_no_accepted_plan_fits_says_so_and_offers_what_remains(client, case, db):
    log_in(client, case)
    response = send(client, plan_data(income="1 540", expenses="1 500"), action="budget")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "about €20.00 a month leaves room" in text
    assert "no plan within it can be accepted at once" in text
    assert "a collector will review it" in text and 'href="/help"' in response.text
    assert "fits the creditor's rules" not in text  # nothing is suggested that would be refused
    assert 'name="amount" type="text" value="20,00"' in response.text
    assert count_rows(db, PlanProposal) == 0


def test_live_preview_endpoint(client, case):
    log_in(client, case)
    page = client.get("/case/plan")
    token = csrf_token(page.text)
    ok = client.post("/case/plan/preview", data={"csrf_token": token, **plan_data(count="3")})
    assert ok.status_code == 200 and ok.json["ok"]
    assert "€200.00" in text_of(ok.json["html"])
    bad = client.post("/case/plan/preview", data={"csrf_token": token, **plan_data(count="x")})
    assert bad.status_code == 422 and bad.json["errors"]["count"]


def test_no_proposal_on_a_paid_case(client, factories, db):
    factories.agency()
    paid = factories.case(lines=(10_000,), payments=(10_000,), status=CaseStatus.PAID)
    log_in(client, paid)
    assert 'href="/case/plan"' not in client.get("/case").text
    assert client.get("/case/plan").status_code == 303
    token = csrf_token(client.get("/case").text)
    data = {"csrf_token": token, "action": "confirm", "consent": "y", **plan_data()}
    assert client.post("/case/plan", data=data).status_code == 303
    assert count_rows(db, PlanProposal) == 0


def review_proposal(client, case, count="8"):
    log_in(client, case)
    assert send(client, {**plan_data(count=count), "consent": "y"}, "confirm").status_code == 303
    return db_proposal(case)


def db_proposal(case):
    from portal.extensions import db

    return (
        db.session.execute(
            select(PlanProposal).where(PlanProposal.case_id == case.id).order_by(PlanProposal.id)
        )
        .scalars()
        .first()
    )


def test_withdraw_then_a_decision_is_refused(client, web_app, case, factories, db):
    proposal = review_proposal(client, case)
    page = client.get("/case")
    assert "Waiting for a decision" in text_of(page.text)
    assert post_form(client, "/case", {}, f"/case/plan/{proposal.id}/withdraw").status_code == 303
    assert "Withdrawn" in text_of(client.get("/case").text)
    collector = factories.staff(Role.COLLECTOR, language="en")
    staff = web_app.test_client()
    staff_login(staff, collector.email)
    url = f"/staff/cases/proposals/{proposal.id}"
    response = post_form(staff, url, {}, f"{url}/approve", follow_redirects=True)
    assert "already decided" in text_of(response.text)
    assert count_rows(db, Plan) == 0


def test_collector_counter_offer_and_the_debtor_accepts(client, web_app, case, factories, db):
    proposal = review_proposal(client, case)
    collector = factories.staff(Role.COLLECTOR, language="en")
    staff = web_app.test_client()
    staff_login(staff, collector.email)
    queue = text_of(staff.get("/staff/cases/proposals").text)
    assert case.display_reference in queue and "Number of instalments" in queue
    url = f"/staff/cases/proposals/{proposal.id}"
    built = post_form(
        staff,
        url,
        {"action": "generate", "count": "6", "frequency": "monthly", "first_due_on": "15/12/2026"},
        f"{url}/counter",
    )
    assert built.status_code == 200
    assert 'name="due-5" value="15/05/2027"' in built.text and 'value="100,00"' in built.text
    one = {"rows": "1", "due-0": "15/12/2026", "amount-0": "100,00"}
    bad = post_form(staff, url, {"action": "send", **one}, f"{url}/counter")
    assert bad.status_code == 422 and "add up to the balance" in text_of(bad.text)
    rows = {"rows": "3", "due-0": "15/12/2026", "amount-0": "300,00", "due-1": "15/01/2027",
            "amount-1": "300,00", "due-2": "", "amount-2": ""}  # fmt: skip
    sent = post_form(
        staff,
        url,
        {"action": "send", **rows, "reasons": "plan_too_long", "text": "Two payments, please."},
        f"{url}/counter",
    )
    assert sent.status_code == 303
    page = client.get("/case")
    assert "We propose this plan instead" in text_of(page.text)
    assert "Two payments, please." in page.text
    offer = db.session.execute(
        select(PlanProposal).where(PlanProposal.parent_id == proposal.id)
    ).scalar_one()
    no_consent = post_form(client, "/case", {"answer": "accept"}, f"/case/plan/{offer.id}/answer")
    assert no_consent.status_code == 303 and plans.active_plan(case.id) is None
    accepted = post_form(
        client, "/case", {"answer": "accept", "consent": "y"}, f"/case/plan/{offer.id}/answer"
    )
    assert accepted.status_code == 303
    assert [i.amount for i in plans.active_plan(case.id).instalments] == [30_000, 30_000]
    subjects = (
        db.session.execute(
            select(Message.subject).where(Message.case_id == case.id).order_by(Message.id)
        )
        .scalars()
        .all()
    )
    assert subjects == ["We propose another payment plan", "Your payment plan is agreed"]


def test_collector_rejects_with_a_reason_and_the_creditor_sees_it(client, web_app, case, factories):
    proposal = review_proposal(client, case)
    staff = web_app.test_client()
    staff_login(staff, factories.staff(Role.COLLECTOR, language="en").email)
    url = f"/staff/cases/proposals/{proposal.id}"
    assert post_form(staff, url, {}, f"{url}/reject").status_code == 422
    done = post_form(
        staff, url, {"reasons": "instalment_too_low", "reject-text": "Try 100 €."}, f"{url}/reject"
    )
    assert done.status_code == 303
    debtor_page = text_of(client.get("/case").text)
    assert "Not accepted" in debtor_page and "The instalments are too small" in debtor_page
    assert 'href="/case/plan"' in client.get("/case").text  # may propose again
    creditor = web_app.test_client()
    staff_login(creditor, factories.staff(Role.CREDITOR, case.creditor, language="en").email)
    seen = text_of(creditor.get(f"/creditor/cases/{case.reference}").text)
    assert "Payment plans" in seen and "Not accepted" in seen and "Try 100 €." in seen
    assert "8 instalments" in seen


def test_a_decision_on_a_pending_proposal_needs_a_collector(client, web_app, case, factories):
    proposal = review_proposal(client, case)
    creditor = web_app.test_client()
    staff_login(creditor, factories.staff(Role.CREDITOR, case.creditor, language="en").email)
    url = f"/staff/cases/proposals/{proposal.id}"
    page = creditor.get("/creditor/cases")
    response = creditor.post(f"{url}/approve", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 403
    assert db_proposal(case).status == ProposalStatus.PENDING


def test_unknown_proposals_and_other_cases_plans_are_404(client, case, factories):
    other = factories.case()
    other_plan = factories.plan(other, status="active")
    log_in(client, case)
    assert client.get(f"/case/plans/{other_plan.id}.pdf").status_code == 404
    response = post_form(client, "/case", {}, f"/case/plan/{other_plan.proposal_id}/withdraw")
    assert response.status_code == 404
    assert Case  # the debtor's own case is untouched


def _queries(web_app, client, url):
    from sqlalchemy import event

    from portal.extensions import db as _db

    with web_app.app_context():
        engine = _db.engine
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_queue_and_case_pages_do_not_grow_with_proposals(client, web_app, factories):
    from portal.services.plans import decide

    factories.agency()
    staff_login(client, factories.staff(Role.COLLECTOR, language="en").email)
    counts = []
    for _ in range(2):
        case = factories.case(lines=(60_000,))
        request = decide.Request("monthly", TODAY + dt.timedelta(days=10), count=8)
        decide.propose(case, request, decide.Consent("127.0.0.1", "t"))
        counts.append(
            (
                _queries(web_app, client, "/staff/cases/proposals"),
                _queries(web_app, client, f"/staff/cases/{case.reference}"),
            )
        )
    assert counts[0] == counts[1], counts


def test_the_reasons_ticked_before_a_preview_reach_the_debtor(client, web_app, case, factories, db):
    proposal = review_proposal(client, case)
    staff = web_app.test_client()
    staff_login(staff, factories.staff(Role.COLLECTOR, language="en").email)
    url = f"/staff/cases/proposals/{proposal.id}"
    page = staff.get(url).text
    typed = {f"{k}-{i}": "" for i in range(9) for k in ("due", "amount")}
    typed.update({"due-0": "15/12/2026", "amount-0": "300,00", "due-1": "15/01/2027",
                  "amount-1": "300,00"})  # fmt: skip
    preview = staff.post(f"{url}/counter", data=submitted(
        page, "/counter", ("action", "preview"), **typed, reasons="plan_too_long",
        text="Two payments, please."))  # fmt: skip
    assert preview.status_code == 200
    as_shown = submitted(preview.text, "/counter", ("action", "send"))
    sent = staff.post(f"{url}/counter", data=as_shown)
    assert sent.status_code == 303
    shown = text_of(client.get("/case").text)
    assert "Why: The plan lasts too long" in shown.replace("\u202f", " ")
    offer_mail = db.session.scalars(
        select(Message).where(Message.case_id == case.id).order_by(Message.id.desc())
    ).first()
    assert "The plan lasts too long" in offer_mail.body_text


def test_the_schedule_editor_works_without_javascript(client, web_app, case, factories, db):
    proposal = review_proposal(client, case)
    staff = web_app.test_client()
    staff_login(staff, factories.staff(Role.COLLECTOR, language="en").email)
    url = f"/staff/cases/proposals/{proposal.id}"
    page = staff.get(url).text
    shown = len(re.findall(r'name="due-\d+"', page))
    assert shown == proposal.count + 1  # the debtor's schedule and one empty row
    more = staff.post(f"{url}/counter", data=submitted(page, "/counter", ("action", "add_row"),
                      **{"due-0": "20/12/2026"}))  # fmt: skip
    assert more.status_code == 200 and len(re.findall(r'name="due-\d+"', more.text)) == shown + 1
    assert 'name="due-0" value="20/12/2026"' in more.text  # what was typed stays
    assert enter_button(more.text, "/counter") == ("action", "preview")  # never a rebuild
    cleared = {f"{k}-{i}": "" for i in range(shown + 1) for k in ("due", "amount")}
    typed = {**cleared, "due-0": "15/12/2026", "amount-0": "200,00", "due-1": "15/01/2027",
             "amount-1": "200,00", "due-3": "15/02/2027", "amount-3": "200,00"}  # fmt: skip
    preview = staff.post(f"{url}/counter", data=submitted(more.text, "/counter",
                         ("action", "preview"), **typed))  # fmt: skip
    assert preview.status_code == 200 and "15 Feb 2027" in text_of(preview.text)
    wrong = staff.post(f"{url}/counter", data=submitted(preview.text, "/counter",
                       ("action", "preview"), **{"amount-1": "abc"}))  # fmt: skip
    assert wrong.status_code == 422
    assert "Instalment 2: give a date" in text_of(wrong.text) and 'value="abc"' in wrong.text
    sent = staff.post(
        f"{url}/counter", data=submitted(preview.text, "/counter", ("action", "send"))
    )
    assert sent.status_code == 303
    offer = db.session.execute(
        select(PlanProposal).where(PlanProposal.parent_id == proposal.id)
    ).scalar_one()
    assert [x.amount for x in offer.lines] == [20_000, 20_000, 20_000]
    silly = post_form(staff, url, {"action": "preview", "rows": "99999999"}, f"{url}/counter")
    assert silly.status_code in (303, 422)  # decided already, or refused: never a 500
