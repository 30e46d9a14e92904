"""Settlement terms: the discount rounded in the debtor's favour, bands, one-off offers."""

import datetime as dt

import pytest

from portal.domain.bands import BalanceBand, band_for, check_ends, overlapping
from portal.domain.settlement import (
    OfferInvalid,
    OfferStatus,
    SettlementBand,
    discounted,
    is_live,
    move_offer,
    one_off_terms,
    policy_terms,
)
from portal.domain.states import IllegalTransition

DAY = dt.date(2026, 3, 10)
BANDS = [SettlementBand(0, 49_999, 1_000, 15), SettlementBand(50_000, None, 2_050, 30)]


def test_the_amount_due_is_rounded_down_so_the_cent_goes_to_the_debtor():
    assert discounted(10_001, 1_000) == 9_000  # 9 000.9 -> 9 000
    assert discounted(12_345, 2_050) == 9_814  # 9 814.275 -> 9 814


def test_the_band_of_the_balance_gives_discount_and_deadline():
    terms = policy_terms(BANDS, 60_000, DAY)
    assert (terms.amount, terms.discount, terms.deadline) == (
        47_700,
        12_300,
        DAY + dt.timedelta(30),
    )
    assert policy_terms(BANDS, 49_999, DAY).deadline == DAY + dt.timedelta(15)


def test_no_band_or_nothing_owed_means_no_offer():
    assert policy_terms([SettlementBand(1_000, 2_000, 1_000, 10)], 500, DAY) is None
    assert policy_terms(BANDS, 0, DAY) is None
    assert policy_terms([], 10_000, DAY) is None


def test_overlapping_bands_are_found_and_gaps_are_allowed():
    assert overlapping(BANDS) is None
    assert overlapping([BalanceBand(0, 100), BalanceBand(200, None)]) is None
    assert overlapping([BalanceBand(0, 100), BalanceBand(100, 300)]) is not None
    assert overlapping([BalanceBand(500, None), BalanceBand(0, 10)]) is None
    assert overlapping([BalanceBand(0, None), BalanceBand(10, 20)]) is not None
    assert band_for([BalanceBand(0, 100)], 101) is None
    with pytest.raises(ValueError):
        check_ends(BalanceBand(300, 200))


def test_a_one_off_offer_is_below_the_balance_and_due_within_90_days():
    terms = one_off_terms(10_000, 7_500, DAY + dt.timedelta(days=7), DAY)
    assert terms.discount_bp == 2_500 and terms.discount == 2_500
    for amount, deadline, reason in [
        (10_000, DAY, "amount"),
        (0, DAY, "amount"),
        (5_000, DAY - dt.timedelta(days=1), "deadline"),
        (5_000, DAY + dt.timedelta(days=91), "deadline"),
    ]:
        with pytest.raises(OfferInvalid) as caught:
            one_off_terms(10_000, amount, deadline, DAY)
        assert caught.value.reason == reason


def test_an_offer_lives_through_its_deadline_day_and_ends_once():
    assert is_live(OfferStatus.OPEN, DAY, DAY)
    assert not is_live(OfferStatus.OPEN, DAY, DAY + dt.timedelta(days=1))
    assert move_offer(OfferStatus.OPEN, OfferStatus.ACCEPTED) is OfferStatus.ACCEPTED
    with pytest.raises(IllegalTransition):
        move_offer(OfferStatus.EXPIRED, OfferStatus.ACCEPTED)
