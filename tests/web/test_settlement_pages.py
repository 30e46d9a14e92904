"""Settlement offers on the web: the debtor sees and pays one, the collector makes one, the
creditor sees it; access and CSRF."""

import datetime as dt
import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import Payment, Role, SettlementBand, SettlementOffer
from portal.services.clock import today
from portal.services.settlements import offers
from tests.conftest import csrf_token, staff_log_in
from tests.web.test_pay_pages import log_in, text_of

OFFER_FORM = re.compile(r'<form method="post" action="/settlement/pay">(.*?)</form>', re.S)


def offer_form(html: str) -> dict:
    form = OFFER_FORM.search(html)
    assert form, "no settlement offer on the case page"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))


def _collector_offer(factories, case, amount=7_000, days=5):
    return offers.make_offer(case.id, factories.staff().id, amount, today() + dt.timedelta(days))


def test_the_debtor_sees_the_offer_and_its_button_goes_to_checkout(
    client, factories, stripe_double
):
    case = factories.case(lines=(10_000,))
    offer = _collector_offer(factories, case)
    log_in(client, case, lang="fr")
    page = client.get("/case")
    text = text_of(page.text)
    assert "Payer 70,00 € maintenant" in text and "30,00 €" in text
    assert f"{offer.deadline.day}" in text
    response = client.post("/settlement/pay", data=offer_form(page.text))
    assert response.status_code == 303
    payment = db.session.execute(select(Payment)).scalar_one()
    assert payment.amount == 7_000 and response.headers["Location"] == payment.checkout_url


def test_the_policy_offer_shows_and_is_stored_when_the_debtor_pays(
    client, factories, stripe_double
):
    case = factories.case(lines=(20_000,))
    db.session.add(SettlementBand(creditor_id=case.creditor_id, min_balance=0, discount_bp=2_500,
                                  days_to_pay=30))  # fmt: skip
    db.session.commit()
    log_in(client, case)
    fields = offer_form(client.get("/case").text)
    assert (fields["offer"], fields["amount"]) == ("policy", "15000")
    assert client.post("/settlement/pay", data=fields).status_code == 303
    assert db.session.execute(select(SettlementOffer.amount)).scalar_one() == 15_000


def test_an_expired_or_withdrawn_offer_is_gone_and_cannot_be_paid(client, factories, stripe_double):
    case = factories.case(lines=(10_000,))
    offer = _collector_offer(factories, case)
    log_in(client, case)
    fields = offer_form(client.get("/case").text)
    offer.deadline = today() - dt.timedelta(days=1)
    db.session.commit()
    assert 'data-testid="settlement-offer"' not in client.get("/case").text
    response = client.post("/settlement/pay", data=fields)
    assert response.status_code == 409 and "no longer available" in response.text
    assert db.session.execute(select(Payment)).first() is None


def test_another_debtors_offer_cannot_be_paid_and_csrf_is_required(
    client, factories, stripe_double
):
    mine = factories.case(lines=(10_000,))
    theirs = factories.case(lines=(10_000,))
    other = _collector_offer(factories, theirs, amount=1_000)
    log_in(client, mine)
    page = client.get("/case").text
    assert 'data-testid="settlement-offer"' not in page
    token = csrf_token(page)
    data = {"csrf_token": token, "nonce": "n1", "offer": str(other.id), "amount": "1000"}
    assert client.post("/settlement/pay", data=data).status_code == 409
    _collector_offer(factories, mine)
    fields = offer_form(client.get("/case").text)
    del fields["csrf_token"]
    assert client.post("/settlement/pay", data=fields).status_code == 400
    assert db.session.execute(select(Payment)).first() is None


def _offer_page(client, case):
    page = client.get(f"/staff/cases/{case.reference}")
    assert page.status_code == 200
    return page.text


def _panel_fields(html: str) -> dict:
    form = re.search(r'action="/staff/cases/[^"]+/settlement-offer" novalidate>(.*?)</form>',
                     html, re.S).group(1)  # fmt: skip
    return dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))


def test_a_collector_offers_a_settlement_from_the_case_page(client, factories):
    case = factories.case(lines=(10_000,))
    collector = factories.staff(Role.COLLECTOR, language="en")
    staff_log_in(client, collector)
    fields = _panel_fields(_offer_page(client, case))
    deadline = (today() + dt.timedelta(days=7)).isoformat()
    url = f"/staff/cases/{case.reference}/settlement-offer"
    bad = client.post(
        url, data={**fields, "settlement-amount": "100,00", "settlement-deadline": deadline}
    )
    assert bad.status_code == 422 and "below the balance" in text_of(bad.text)
    assert db.session.execute(select(SettlementOffer)).first() is None
    done = client.post(
        url, data={**fields, "settlement-amount": "60,00", "settlement-deadline": deadline}
    )
    assert done.status_code == 303
    offer = db.session.execute(select(SettlementOffer)).scalar_one()
    assert (offer.amount, offer.created_by_id, offer.source) == (6_000, collector.id, "collector")
    assert offer.reference in _offer_page(client, case)


def test_a_creditor_sees_offers_but_cannot_make_one(client, factories):
    case = factories.case(lines=(10_000,))
    offer = _collector_offer(factories, case)
    user = factories.staff(Role.CREDITOR, case.creditor)
    staff_log_in(client, user)
    page = client.get(f"/creditor/cases/{case.reference}")
    assert page.status_code == 200 and offer.reference in page.text
    assert 'data-testid="make-settlement"' not in page.text
    token = csrf_token(page.text)
    response = client.post(f"/staff/cases/{case.reference}/settlement-offer",
                           data={"csrf_token": token, "settlement-amount": "10,00"})  # fmt: skip
    assert response.status_code in (403, 404)
    assert len(offers.offers_of(case.id)) == 1


def test_the_collectors_timeline_names_the_offer_in_words(client, factories):
    case = factories.case(lines=(10_000,))
    _collector_offer(factories, case)
    staff_log_in(client, factories.staff(Role.COLLECTOR, language="en"))
    text = text_of(client.get(f"/staff/cases/{case.reference}").text)
    assert "Settlement offered" in text and "settlement.offered" not in text


def test_a_settled_case_says_so_and_claims_no_payment_in_full(client, factories):
    from portal.domain.ledger import EntryKind
    from portal.services.cases.ledger import add_entry

    case = factories.case(lines=(10_000,))
    add_entry(case, EntryKind.PAYMENT, -7_000, occurred_on=today())
    add_entry(case, EntryKind.WRITE_OFF, -3_000, occurred_on=today(), memo="Settlement S1")
    case.status = "settled"
    db.session.commit()
    log_in(client, case)
    page = client.get("/case").text
    assert 'data-testid="settled"' in page and 'data-testid="paid-in-full"' not in page
    assert client.get("/case/certificate.pdf").status_code == 404
