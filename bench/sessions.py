"""Many distinct visitors for wrk: debtor session cookies and request files for rotate.lua.

Logging thousands of debtors in through the form would take longer than the load itself and
trip the login rate limit, so their session cookies are signed here with the portal's secret
key and Flask's own session serializer, holding what the portal's login puts in a session
(`start_debtor_session`) plus the CSRF token a first view of the case page adds: each request
is then a debtor coming back to their page in an established session. The cookies are signed
again before each wrk run, so that none is old enough for the portal to refresh it (it re-signs
a session seen more than 30 s ago), as a browser would keep it fresh.
"""

import secrets
import time
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

COOKIE_NAME = "amiable_session"


def spread(count: int, total: int) -> list[int]:
    """`count` row indexes spread evenly over `total` rows (all of them when fewer)."""
    if count >= total:
        return list(range(total))
    step = total / count
    return [int(i * step) for i in range(count)]


class DebtorSessions:
    """Signed session cookies for a list of cases, one debtor each."""

    def __init__(self, secret_key: str, case_ids: list[int]) -> None:
        app = Flask("bench-sessions")
        app.secret_key = secret_key
        self._serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        self.case_ids = case_ids
        self._csrf = [secrets.token_hex(20) for _ in case_ids]

    def cookies(self) -> list[str]:
        """One `name=value` cookie per case, seen now."""
        now = int(time.time())
        return [
            COOKIE_NAME
            + "="
            + self._serializer.dumps(
                {
                    "debtor_case": case_id,
                    "debtor_seen": now,
                    "was_debtor": True,
                    "csrf_token": token,
                }
            )
            for case_id, token in zip(self.case_ids, self._csrf, strict=True)
        ]

    def write(self, path: Path) -> None:
        """Write the request file: GET /case with each debtor's cookie, freshly signed."""
        write_requests(path, [("/case", cookie) for cookie in self.cookies()])


def write_requests(path: Path, requests: list[tuple[str, str]]) -> None:
    """Write `(path, cookie)` pairs as rotate.lua reads them (an empty cookie: none)."""
    path.write_text("".join(f"{where}\t{cookie}\n" for where, cookie in requests))
