"""Debtor and staff logins, and the rate limit kept in the database."""

import datetime as dt

import pytest
import time_machine

from portal.domain.factors import FactorKind
from portal.domain.references import InvalidReference
from portal.models import Role
from portal.services.access import login as auth

LIMITS = auth.Limits(max_failures=5, window=dt.timedelta(minutes=15))


def test_reference_and_postcode_log_in(factories):
    case = factories.case(debtor_=factories.debtor(postcode="75011"))
    assert auth.login_debtor(case.display_reference, "75 011", "1.1.1.1", LIMITS) == case.id


def test_date_of_birth_creditor(factories):
    creditor = factories.creditor(FactorKind.DATE_OF_BIRTH)
    case = factories.case(creditor, factories.debtor(date_of_birth=dt.date(1990, 7, 2)))
    assert auth.login_debtor(case.reference, "02/07/1990", "1.1.1.1", LIMITS) == case.id
    with pytest.raises(auth.LoginRefused):
        # The postcode is not the factor this creditor asks for.
        auth.login_debtor(case.reference, case.debtor.postcode, "1.1.1.2", LIMITS)


def test_malformed_reference_is_caught_before_any_lookup(factories):
    with pytest.raises(InvalidReference):
        auth.login_debtor("ABC-DEF-GH2", "75011", "1.1.1.1", LIMITS)


def test_five_failures_from_one_address_lock_that_pair_only(factories):
    case = factories.case()
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            with pytest.raises(auth.LoginRefused):
                auth.login_debtor(case.reference, "00000", "10.0.0.1", LIMITS)
        with pytest.raises(auth.RateLimited) as exc:
            auth.login_debtor(case.reference, case.debtor.postcode, "10.0.0.1", LIMITS)
        # The owner, from their own address, is not locked out by someone else's tries.
        assert auth.login_debtor(case.reference, case.debtor.postcode, "10.9.9.9", LIMITS)
    assert exc.value.until == dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 15, 1, tzinfo=dt.UTC), tick=False):
        assert auth.login_debtor(case.reference, case.debtor.postcode, "10.0.0.1", LIMITS)


def test_strangers_from_many_addresses_only_slow_a_reference_down(factories):
    """Security review, defect 2: five wrong tries from five addresses no longer lock the
    reference; past the global threshold each try waits a growing delay."""
    case = factories.case()
    start = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(5):
            with pytest.raises(auth.LoginRefused):
                auth.login_debtor(case.reference, "00000", f"10.0.0.{n}", LIMITS)
        assert auth.login_debtor(case.reference, case.debtor.postcode, "10.9.9.9", LIMITS)
        checked = 5  # the owner's own try was given back
        for n in range(50):
            try:
                auth.login_debtor(case.reference, "00000", f"10.1.0.{n}", LIMITS)
            except auth.LoginRefused:
                checked += 1
            except auth.RateLimited:
                break
        assert checked == LIMITS.account_threshold
        with pytest.raises(auth.RateLimited) as first:
            auth.login_debtor(case.reference, case.debtor.postcode, "10.9.9.9", LIMITS)
    assert first.value.until == start + LIMITS.first_delay
    with time_machine.travel(first.value.until, tick=False):
        with pytest.raises(auth.LoginRefused):
            auth.login_debtor(case.reference, "00000", "10.2.0.1", LIMITS)
        with pytest.raises(auth.RateLimited) as second:
            auth.login_debtor(case.reference, case.debtor.postcode, "10.9.9.9", LIMITS)
    assert second.value.until == first.value.until + 2 * LIMITS.first_delay
    with time_machine.travel(second.value.until, tick=False):
        assert auth.login_debtor(case.reference, case.debtor.postcode, "10.9.9.9", LIMITS)


def test_an_address_spraying_references_is_stopped(factories):
    limits = auth.Limits(address_max=6)
    cases = [factories.case() for _ in range(7)]
    for case in cases[:6]:
        with pytest.raises(auth.LoginRefused):
            auth.login_debtor(case.reference, "00000", "192.0.2.7", limits)
    with pytest.raises(auth.RateLimited):
        auth.login_debtor(cases[6].reference, cases[6].debtor.postcode, "192.0.2.7", limits)
    assert auth.login_debtor(cases[6].reference, cases[6].debtor.postcode, "192.0.2.8", limits)


def test_debtor_and_staff_logins_do_not_share_an_address_count(factories):
    limits = auth.Limits(address_max=3)
    user = factories.staff(Role.COLLECTOR, email="claire@test.example")
    for _ in range(3):
        with pytest.raises(auth.LoginRefused):
            auth.login_debtor(factories.case().reference, "00000", "192.0.2.9", limits)
    assert auth.login_staff(user.email, factories.PASSWORD, "192.0.2.9", limits).id == user.id


def test_staff_login_and_rate_limit(factories):
    user = factories.staff(Role.COLLECTOR, email="claire@test.example")
    assert (
        auth.login_staff("Claire@Test.example ", factories.PASSWORD, "1.1.1.1", LIMITS).id
        == user.id
    )
    for _ in range(5):
        with pytest.raises(auth.LoginRefused):
            auth.login_staff("claire@test.example", "wrong", "1.1.1.1", LIMITS)
    with pytest.raises(auth.RateLimited):
        auth.login_staff("claire@test.example", factories.PASSWORD, "1.1.1.1", LIMITS)
    # Five wrong passwords from one address do not lock the admin out elsewhere.
    assert auth.login_staff("claire@test.example", factories.PASSWORD, "1.1.1.9", LIMITS)


def test_inactive_staff_cannot_log_in(factories):
    factories.staff(Role.ADMIN, email="gone@test.example", active=False)
    with pytest.raises(auth.LoginRefused):
        auth.login_staff("gone@test.example", factories.PASSWORD, "1.1.1.1", LIMITS)


def test_revoked_links(db, factories):
    case = factories.case()
    auth.link_case(case.id, 1)
    auth.revoke_links(case.id)
    with pytest.raises(auth.LinkRevoked):
        auth.link_case(case.id, 1)
    assert auth.link_case(case.id, 2).id == case.id
