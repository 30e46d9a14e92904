"""Login rate limits that strangers cannot turn into a lock-out, counted atomically.

Three counts per audience ("debtor" or "staff", never shared), each a row of login_throttles:

- the (account, address) pair: `max_failures` tries in `window`, then that pair waits for the
  window's end. The account's owner, from another address, is not affected;
- the address: `address_max` tries in `window` across every account (one address spraying
  references or e-mails);
- the account from any address: past `account_threshold` tries in `account_window`, each
  further try waits a delay that doubles (`first_delay`, capped at `max_delay`). Many addresses
  together get a few dozen guesses a day at most, and a stranger can only slow the owner down,
  never lock them out for long.

A try is counted *before* the credentials are checked, in one transaction that reads the rows
under a lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write lock is taken by the first
INSERT): concurrent tries queue on the rows, so no more than the limit are ever checked. A
successful login gives its try back (the pair is forgotten).
"""

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import LoginThrottle
from portal.models.base import utcnow


@dataclass(frozen=True)
class Limits:
    """How many tries, in how long, per pair, per address and per account."""

    max_failures: int = 5
    window: dt.timedelta = dt.timedelta(minutes=15)
    address_max: int = 30
    account_threshold: int = 10
    account_window: dt.timedelta = dt.timedelta(hours=24)
    first_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(hours=1)


class RateLimited(Exception):
    """Too many tries for this key; try again at `until` (UTC)."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


@dataclass(frozen=True)
class Keys:
    """The three rows one login try is counted against."""

    pair: str
    address: str
    account: str

    def all(self) -> list[str]:
        """Every key, sorted: rows are always locked in the same order (no deadlock)."""
        return sorted((self.pair, self.address, self.account))


def keys_for(audience: str, account: str, address: str) -> Keys:
    """The keys of a try on `account` (a reference, an e-mail) from `address`."""
    account, address = account[:254], address[:45]
    return Keys(
        pair=f"{audience}:pair:{account}|{address}",
        address=f"{audience}:addr:{address}",
        account=f"{audience}:acct:{account}",
    )


def _insert_missing(keys: list[str], now: dt.datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [{"key": key, "window_start": now, "tries": 0} for key in keys]
    db.session.execute(insert(LoginThrottle).values(rows).on_conflict_do_nothing())


def _refusal(row: LoginThrottle, keys: Keys, limits: Limits, now: dt.datetime):
    """When this key allows a try again, or None if it allows one now."""
    if row.key == keys.account:
        if row.tries >= limits.account_threshold and row.next_try_at and now < row.next_try_at:
            return row.next_try_at
        return None
    cap = limits.max_failures if row.key == keys.pair else limits.address_max
    return row.window_start + limits.window if row.tries >= cap else None


def _count(row: LoginThrottle, keys: Keys, limits: Limits, now: dt.datetime) -> None:
    row.tries += 1
    if row.key == keys.account and row.tries >= limits.account_threshold:
        delay = limits.first_delay * 2 ** min(row.tries - limits.account_threshold, 20)
        row.next_try_at = now + min(delay, limits.max_delay)


def take_try(keys: Keys, limits: Limits, now: dt.datetime | None = None) -> None:
    """Count one try against every key, or raise RateLimited and count none (commits)."""
    now = now or utcnow()
    db.session.commit()  # start a fresh transaction: its first statement takes the lock
    _insert_missing(keys.all(), now)
    rows = db.session.execute(
        select(LoginThrottle)
        .where(LoginThrottle.key.in_(keys.all()))
        .order_by(LoginThrottle.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars()
    rows = list(rows)
    until = None
    for row in rows:
        window = limits.account_window if row.key == keys.account else limits.window
        if now >= row.window_start + window:  # a new window starts with this try
            row.window_start, row.tries, row.next_try_at = now, 0, None
        refused_until = _refusal(row, keys, limits, now)
        if refused_until is not None:
            until = max(until, refused_until) if until else refused_until
    if until is not None:
        db.session.rollback()
        raise RateLimited(until)
    for row in rows:
        _count(row, keys, limits, now)
    db.session.commit()
    if random.random() < 0.01:  # now and then, forget keys idle for two windows  # noqa: S311
        _forget_idle(now - 2 * max(limits.account_window, limits.window))


def give_back(keys: Keys) -> None:
    """After a successful login: forget the pair and give the try back to the others (the
    caller commits)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.pair))
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key.in_([keys.address, keys.account]), LoginThrottle.tries > 0)
        .values(tries=LoginThrottle.tries - 1)
    )


def _forget_idle(before: dt.datetime) -> None:
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.window_start < before))
    db.session.commit()
