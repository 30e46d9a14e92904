"""Security review, defect 1: parallel wrong guesses never get more checked answers than the
limit, on SQLite and PostgreSQL, from two apps (two processes) on one database."""

import threading

import pytest

from portal.extensions import db
from portal.services.access import login as auth

LIMITS = auth.Limits(max_failures=5)
GUESSES = 24


def _guess_in_parallel(apps, attempt) -> dict[str, int]:
    """Run GUESSES attempts at once over `apps`; count how each ended."""
    outcomes: dict[str, int] = {}
    lock, barrier = threading.Lock(), threading.Barrier(GUESSES)

    def work(n):
        with apps[n % len(apps)].app_context():
            barrier.wait()
            try:
                attempt(n)
                outcome = "in"
            except auth.LoginRefused:
                outcome = "checked"
            except auth.RateLimited:
                outcome = "limited"
            except Exception as exc:  # noqa: BLE001 (counted, then shown by the assertion)
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
        with lock:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(outcomes.values()) == GUESSES, outcomes
    return outcomes


def test_parallel_wrong_guesses_on_one_reference_get_at_most_the_limit(app_factory, factories):
    case = factories.case()
    apps = [app_factory(), app_factory()]
    reference, right = case.reference, case.debtor.postcode

    def attempt(n):
        auth.login_debtor(reference, f"{n:05d}", "198.51.100.4", LIMITS)

    outcomes = _guess_in_parallel(apps, attempt)
    assert outcomes.get("checked", 0) <= LIMITS.max_failures
    assert outcomes["limited"] >= GUESSES - LIMITS.max_failures
    # The right postcode, once the limit is reached, is not even checked. (It comes after the
    # wrong guesses: a right one among them would log in and, as a success does, clear the
    # pair's count, which is not what is measured here.)
    with apps[0].app_context():
        with pytest.raises(auth.RateLimited):
            auth.login_debtor(reference, right, "198.51.100.4", LIMITS)
        db.session.remove()


def test_parallel_wrong_passwords_get_at_most_the_limit(app_factory, factories):
    user = factories.staff(email="target@test.example")
    apps = [app_factory(), app_factory()]
    email = user.email

    def attempt(n):
        auth.login_staff(email, f"wrong-{n}", "198.51.100.5", LIMITS)

    outcomes = _guess_in_parallel(apps, attempt)
    assert outcomes.get("checked", 0) <= LIMITS.max_failures
    assert "in" not in outcomes


@pytest.mark.parametrize("spread", [4])
def test_parallel_guesses_from_many_addresses_stop_at_the_account_threshold(
    app_factory, factories, spread
):
    case = factories.case()
    apps = [app_factory(), app_factory()]
    limits = auth.Limits(max_failures=5, account_threshold=8)
    reference = case.reference

    def attempt(n):
        auth.login_debtor(reference, f"{n:05d}", f"203.0.113.{n % spread}", limits)

    outcomes = _guess_in_parallel(apps, attempt)
    # Past the threshold a delay is set before anyone else is checked: one more try at most.
    assert outcomes.get("checked", 0) <= limits.account_threshold
