"""Settlement offers: policy and one-off offers, expiry, and what the payment of one does."""

import datetime as dt

import pytest
from sqlalchemy import select

from portal.domain.casework import ActionNotAllowed
from portal.domain.ledger import EntryKind
from portal.domain.settlement import OfferInvalid
from portal.domain.states import CaseStatus
from portal.extensions import db
from portal.models import AuditEvent, LedgerEntry, SettlementBand, SettlementOffer
from portal.services.cases.locking import CaseChanged
from portal.services.casework.money import balance_of
from portal.services.clock import today
from portal.services.outgoing_webhooks import endpoints
from portal.services.outgoing_webhooks import job as webhook_job
from portal.services.settlements import offers
from portal.services.settlements import policy as settlement_policy
from tests.pay_support import CARD_OK, pay_hosted
from tests.services.test_outgoing_webhooks import receiver  # noqa: F401 (a fixture)
from tests.services.test_payments import apply_all


def _band(creditor, low=0, high=None, bp=2_000, days=10):
    db.session.add(SettlementBand(creditor_id=creditor.id, min_balance=low, max_balance=high,
                                  discount_bp=bp, days_to_pay=days))  # fmt: skip
    db.session.commit()


def _pay(case, key, amount, nonce="s1"):
    return offers.start_payment(
        case, key, amount, nonce=nonce, language="fr", cancel_url="http://portal.test/",
        success_url=lambda pid: f"http://portal.test/pay/payments/{pid}",
    )  # fmt: skip


def _actions(case_id):
    return db.session.execute(
        select(AuditEvent.action).where(AuditEvent.case_id == case_id)
    ).scalars().all()  # fmt: skip


def test_the_policy_offers_a_discount_until_n_days_after_placement(factories):
    case = factories.case(lines=(10_001,))
    _band(case.creditor, bp=1_000, days=14)
    shown = offers.offer_for_debtor(case)
    assert (shown.amount, shown.deadline, shown.source) == (
        9_000, offers.placed_on(case) + dt.timedelta(14), "policy")  # fmt: skip
    assert shown.id is None  # shown, not stored: the page writes nothing
    assert db.session.execute(select(SettlementOffer)).first() is None


def test_no_band_no_offer_and_a_disputed_case_gets_none(factories):
    case = factories.case(lines=(5_000,))
    _band(case.creditor, low=10_000)
    assert offers.offer_for_debtor(case) is None
    other = factories.case(lines=(50_000,), creditor_=case.creditor, status=CaseStatus.DISPUTED)
    assert offers.offer_for_debtor(other) is None


def test_an_expired_offer_disappears(factories):
    case = factories.case(lines=(10_000,))
    _band(case.creditor, days=10)
    case.created_at = case.created_at - dt.timedelta(days=11)
    db.session.commit()
    assert offers.offer_for_debtor(case) is None  # the policy's window has passed
    collector = factories.staff()
    made = offers.make_offer(case.id, collector.id, 6_000, today())
    assert offers.offer_for_debtor(case).id == made.id
    made.deadline = today() - dt.timedelta(days=1)
    db.session.commit()
    assert offers.offer_for_debtor(case) is None
    offers.make_offer(case.id, collector.id, 7_000, today())
    db.session.refresh(made)
    assert made.status == "expired" and "settlement.expired" in _actions(case.id)


def test_paying_the_policy_offer_stores_it_once(stripe_double, factories):
    case = factories.case(lines=(10_000,))
    _band(case.creditor, bp=1_500)
    payment = _pay(case, "policy", 8_500)
    stored = db.session.execute(select(SettlementOffer)).scalar_one()
    assert (stored.amount, stored.payment_id, stored.source) == (8_500, payment.id, "policy")
    with pytest.raises(offers.OfferGone):  # the policy offer is stored: it is paid by its id
        _pay(case, "policy", 8_500, nonce="s3")
    assert _pay(case, str(stored.id), 8_500, nonce="s4").id == payment.id  # the same Checkout
    with pytest.raises(offers.OfferGone):
        _pay(case, str(stored.id), 8_000, nonce="s5")  # not the amount shown


def test_a_collector_offer_replaces_the_policy_offer(factories):
    case = factories.case(lines=(10_000,))
    collector = factories.staff()
    _band(case.creditor)
    first = offers._store_policy_offer(case, offers.offer_for_debtor(case).amount)
    made = offers.make_offer(case.id, collector.id, 6_000, today() + dt.timedelta(days=5))
    db.session.refresh(first)
    assert first.status == "withdrawn"
    assert offers.offer_for_debtor(case).id == made.id
    assert (made.amount, made.discount_bp, made.source, made.created_by_id) == (
        6_000, 4_000, "collector", collector.id)  # fmt: skip


def test_a_bad_offer_or_a_wrong_state_changes_nothing(factories):
    case = factories.case(lines=(10_000,))
    collector = factories.staff()
    with pytest.raises(OfferInvalid):
        offers.make_offer(case.id, collector.id, 10_000, today())
    with pytest.raises(CaseChanged):
        offers.make_offer(case.id, collector.id, 5_000, today(), version=case.version - 1)
    disputed = factories.case(lines=(10_000,), status=CaseStatus.DISPUTED)
    with pytest.raises(ActionNotAllowed):
        offers.make_offer(disputed.id, collector.id, 5_000, today())
    assert db.session.execute(select(SettlementOffer)).first() is None


def test_paying_the_offer_writes_the_rest_off_with_its_reference_and_settles(
    stripe_double,
    factories,
    smtp,
    receiver,  # noqa: F811
):
    factories.agency()
    case = factories.case(lines=(10_000,))
    _, receiver.secret = endpoints.add_endpoint(case.creditor_id, receiver.url, allow_http=True)
    offer = offers.make_offer(case.id, factories.staff().id, 7_000, today())
    payment = _pay(case, str(offer.id), 7_000)
    assert payment.amount == 7_000
    assert offers.offer_for_debtor(case).payment_id == payment.id
    assert pay_hosted(payment.checkout_url, CARD_OK)[0] == 303
    db.session.refresh(case)
    assert case.status == "open"  # nothing before the provider's event
    assert "succeeded" in apply_all(stripe_double)
    db.session.refresh(case)
    db.session.refresh(offer)
    assert (case.status, case.close_reason, offer.status) == ("settled", "settled", "accepted")
    assert balance_of(case.id) == 0
    entry = db.session.get(LedgerEntry, offer.write_off_entry_id)
    assert (entry.kind, entry.amount) == (EntryKind.WRITE_OFF, -3_000)
    assert offer.reference in entry.memo
    assert "case.settled" in _actions(case.id)
    webhook_job.run(dt.datetime.now(dt.UTC))
    sent = {p["type"]: p["data"] for _, p in receiver.received}
    assert sent["case.settled"]["case_reference"] == case.reference  # the creditor is told
    assert offers.live_offer(case) is None


def test_a_payment_after_the_deadline_is_ordinary_and_flagged(stripe_double, factories, smtp):
    factories.agency()
    case = factories.case(lines=(10_000,))
    offer = offers.make_offer(case.id, factories.staff().id, 7_000, today())
    payment = _pay(case, str(offer.id), 7_000)
    offer.deadline = today() - dt.timedelta(days=1)  # the debtor paid the day after
    db.session.commit()
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.refresh(case)
    db.session.refresh(payment)
    db.session.refresh(offer)
    assert case.status == "open" and balance_of(case.id) == 3_000
    assert payment.needs_review and offer.status == "expired"
    assert offer.write_off_entry_id is None


def test_an_offer_that_is_gone_cannot_be_paid(factories):
    case = factories.case(lines=(10_000,))
    collector = factories.staff()
    offer = offers.make_offer(case.id, collector.id, 7_000, today())
    offers.withdraw(case.id, collector.id)
    with pytest.raises(offers.OfferGone):
        _pay(case, str(offer.id), 7_000)


def test_bands_that_overlap_are_refused_and_nothing_is_saved(factories):
    creditor = factories.creditor()
    admin = factories.staff()
    rows = [{"from": "0", "to": "500", "percent": "10", "days": "15"},
            {"from": "500", "to": "", "percent": "20", "days": "30"}]  # fmt: skip
    with pytest.raises(settlement_policy.SettlementPolicyInvalid) as caught:
        settlement_policy.save(admin, creditor, rows)
    assert caught.value.reason == "overlap"
    db.session.rollback()
    assert settlement_policy.bands_of(creditor.id) == []
    rows[1]["from"] = "500,01"
    saved = settlement_policy.save(admin, creditor, rows)
    assert [(b.low, b.high, b.discount_bp) for b in saved] == [(0, 50_000, 1_000),
                                                                (50_001, None, 2_000)]  # fmt: skip
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "admin.creditor_settlement_changed")
    ).scalar_one()
    assert event.details["before"] == [] and event.details["after"][1]["percent"] == "20"


def test_the_creditors_digest_lists_the_settled_case(smtp, factories):
    from portal.models import ActorKind, Role
    from portal.models.base import utcnow
    from portal.services import audit, digests
    from portal.services.digests import job

    case = factories.case()
    user = factories.staff(Role.CREDITOR, case.creditor, language="en")
    digests.subscribe(user)
    audit.record("case.settled", actor=ActorKind.SYSTEM, case_id=case.id)
    db.session.commit()
    assert job.run(utcnow() + dt.timedelta(minutes=1)) == 1
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "Cases settled (offer paid): 1" in text and case.external_reference in text


def test_paying_the_offer_in_a_plan_ends_the_plan_and_settles(stripe_double, factories, smtp):
    from portal.models import Plan
    from tests.pay_support import make_plan

    factories.agency()
    case = factories.case(lines=(12_000,))
    plan = make_plan(case, (4_000, 4_000, 4_000), today() + dt.timedelta(days=3))
    offer = offers.make_offer(case.id, factories.staff().id, 9_000, today())
    payment = _pay(case, str(offer.id), 9_000)
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).status == "cancelled"
    assert case.status == "settled" and balance_of(case.id) == 0


def test_a_dispute_opened_before_the_money_arrives_keeps_the_case_open(
    stripe_double, factories, smtp
):
    factories.agency()
    case = factories.case(lines=(10_000,))
    offer = offers.make_offer(case.id, factories.staff().id, 7_000, today())
    payment = _pay(case, str(offer.id), 7_000)
    case.status = CaseStatus.DISPUTED  # the debtor disputed meanwhile: a collector decides
    db.session.commit()
    pay_hosted(payment.checkout_url, CARD_OK)
    apply_all(stripe_double)
    db.session.expire_all()
    assert case.status == "disputed" and balance_of(case.id) == 3_000
    assert payment.needs_review and offer.status == "withdrawn"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "settlement.payment_not_settling")
    ).scalar_one()
    assert event.details["reason"] == "case_disputed"
