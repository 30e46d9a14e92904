"""Fixtures: one migrated database per run (SQLite file, or PostgreSQL from TEST_DATABASE_URL),
emptied after each test, an app, a client, a CLI runner, and the factories."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from portal import create_app
from portal.extensions import db as _db
from portal.models import Base, case_totals

IN_CI = os.environ.get("CI") == "true"


def _bear_with_libfaketime() -> None:
    """Under Debian's libfaketime 0.9.10 (`make test-dates`), keep sleeps and timeouts working.

    Faking the monotonic clock makes every lock timeout wait for the offset (sem_clockwait is not
    intercepted, libfaketime#390), so the monotonic clock must stay real; but then Python 3.11's
    time.sleep (clock_nanosleep at an absolute monotonic time) gets EINVAL (libfaketime#426).
    A sleep as a relative wait on select() works with both.
    """
    if "libfaketime" not in os.environ.get("LD_PRELOAD", ""):
        return
    if os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC") != "1":
        raise pytest.UsageError(
            "under faketime, set FAKETIME_DONT_FAKE_MONOTONIC=1 (or use --exclude-monotonic):"
            " timeouts on a faked monotonic clock wait for the whole offset"
        )
    import select

    def sleep(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = sleep


_bear_with_libfaketime()


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres", "postgresql")) else None


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A fresh database for this run, migrated to head."""
    url = _postgres_url()
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return url


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory) -> Path:
    """An instance folder of the run's own."""
    return tmp_path_factory.mktemp("instance")


def make_app(database_url: str, instance_path: Path, **overrides):
    """An app on the test database; tests that need other settings make their own."""
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance_path)
    config = {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "PORTAL_BASE_URL": "http://portal.test",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_factory(database_url, instance_path):
    """Make extra apps on the test database (another process, other settings); disposed after."""
    made = []

    def factory(url: str | None = None, **overrides):
        application = make_app(url or database_url, instance_path, **overrides)
        made.append(application)
        return application

    yield factory
    for application in made:
        with application.app_context():
            _db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, instance_path):
    """The application, with the schema created by the Alembic migrations."""
    from flask_migrate import upgrade

    application = make_app(database_url, instance_path)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Run each test in an app context and empty every table after it."""
    with app.app_context():
        yield
        _db.session.remove()
        with _db.engine.connect() as conn:
            wrong_totals = case_totals.mismatches(conn) + case_totals.month_mismatches(conn)
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in Base.metadata.sorted_tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
        # Every case's stored totals equal its ledger's sums, whatever the test wrote.
        assert not wrong_totals, f"cases' totals differ from their ledger: {wrong_totals}"


@pytest.fixture(autouse=True)
def _postgres_only(request, database_url):
    """Tests marked `postgres` need PostgreSQL: a skip here, a failure in CI."""
    if request.node.get_closest_marker("postgres"):
        require_service(database_url.startswith("postgres"), "PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture
def db(app):
    """The SQLAlchemy handle."""
    return _db


@pytest.fixture(scope="session")
def web_app(app, database_url, instance_path):
    """A second app on the same database for the test client.

    Tests hold an app context of `app` for factories; Flask would reuse that context (and its
    `g`) for every request of the same app's client, hiding bugs that only show per request.
    """
    application = make_app(database_url, instance_path)
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def client(web_app):
    """A test client with its own cookie jar, each request in its own app context."""
    return web_app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def factories(app):
    """Factory callables that create rows and commit them."""
    from tests import factories as module

    return module


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def post_form(client, page_url: str, data: dict, post_url: str | None = None, **kwargs):
    """GET a page, then POST its form with the page's CSRF token, as a browser would."""
    page = client.get(page_url)
    payload = {"csrf_token": csrf_token(page.get_data(as_text=True)), **data}
    return client.post(post_url or page_url, data=payload, **kwargs)


def staff_log_in(client, user, password: str = "correct horse battery staple", query: str = ""):
    """Log a staff user in as a person would: password, then the code of their app if they
    have a second factor (computed with pyotp from the user's secret). Returns the last answer.
    """
    import pyotp

    from portal.models import StaffUser

    login_url = "/staff/login" + (f"?{query}" if query else "")
    response = post_form(client, login_url, {"email": user.email, "password": password})
    location = response.headers.get("Location", "")
    if response.status_code == 303 and location.startswith("/staff/login/code"):
        # A code is accepted once; tests log the same user in again within 30 s.
        _db.session.execute(
            update(StaffUser).where(StaffUser.id == user.id).values(totp_last_step=None)
        )
        _db.session.commit()
        code = pyotp.TOTP(user.totp_secret).now()
        response = post_form(client, location, {"code": code})
    return response


def require_service(available: bool, what: str) -> None:
    """Skip when a service is missing, except in CI where that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available here (it runs in CI)")


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.refuse = False
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        from email import policy

        if self.refuse:
            return "451 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp(app, web_app):
    """Point both apps at a fresh local SMTP server for this test."""
    sink = SmtpSink()
    sink.start()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": sink.port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
    }
    saved = [{k: a.config[k] for k in settings} for a in (app, web_app)]
    for application in (app, web_app):
        application.config.update(settings)
    yield sink
    sink.stop()
    for application, old in zip((app, web_app), saved, strict=True):
        application.config.update(old)


# --- Online payments: the Stripe test double, started once, reset for each test ---------------

STRIPE_TEST_WEBHOOK_SECRET = "whsec_test_secret_for_the_suite"


@pytest.fixture(scope="session")
def _stripe_double_server():
    """The local Stripe double on a free port, in its own threads, for the whole run."""
    from portal.gateway.double import StripeDouble

    double = StripeDouble(
        webhook_secret=STRIPE_TEST_WEBHOOK_SECRET, sepa_delay=0.2, timeout_seconds=1.5
    ).start()
    yield double
    double.stop()


@pytest.fixture
def stripe_double(_stripe_double_server, app, web_app):
    """Point both apps at a freshly reset double (webhooks are not sent unless a test says);
    fail the test if the double refused a request's parameters, as Stripe would have, unless
    the test emptied `double.refused` itself."""
    double = _stripe_double_server
    double.reset()
    double.state.webhook_url = None
    settings = {
        "STRIPE_SECRET_KEY": "sk_test_double",
        "STRIPE_API_BASE": double.base_url,
        "STRIPE_WEBHOOK_SECRET": STRIPE_TEST_WEBHOOK_SECRET,
        "STRIPE_CHECKOUT_ORIGIN": double.base_url,
        "STRIPE_TIMEOUT": 1.0,
        "STRIPE_MAX_RETRIES": 1,
        "PAYMENTS_ENABLED": True,
    }
    saved = [{k: a.config.get(k) for k in settings} for a in (app, web_app)]
    for application in (app, web_app):
        application.config.update(settings)
    yield double
    double.state.webhook_url = None
    double.wait_idle(5)
    for application, old in zip((app, web_app), saved, strict=True):
        application.config.update(old)
    refused, double.refused[:] = list(double.refused), []
    assert not refused, f"Stripe would refuse these requests: {refused}"


def drop_other_connections() -> None:
    """What a database restart does to every pooled connection but this session's (PostgreSQL).

    Returns once the server has ended them: their sockets are closed by then.
    """
    others = (
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    conn = _db.session.connection()  # the session's own connection is the one spared
    conn.execute(text(f"SELECT pg_terminate_backend(pid) {others}"))
    for _ in range(500):
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))  # a fresh look each time
        if not conn.execute(text(f"SELECT count(*) {others}")).scalar_one():
            break
        time.sleep(0.01)
    _db.session.commit()
