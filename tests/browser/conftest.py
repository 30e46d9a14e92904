"""Browser fixtures: the session's app served on a free local port, and Debian's chromium
driven by Playwright at phone size.

The live server serves the very `app` of the session, so it reads and writes the test
database (on SQLite a file, so the server's threads share it with the test's thread), and
the autouse fixture of tests/conftest.py empties it after each test as usual.
"""

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.security import make_case_token
from tests.conftest import chromium_path, require_service

PHONE = {"width": 360, "height": 740}
NARROWEST = {"width": 320, "height": 740}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's default is 30 s per action; a local page that takes 5 s is already a failure.
TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def _live_server_base(app) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 and a free port, in a daemon thread, for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app, _live_server_base, monkeypatch) -> str:
    """The base URL of the running app; links built during the test point at it."""
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", _live_server_base)
    return _live_server_base


@pytest.fixture
def case_link(live_server) -> Callable[[object], str]:
    """The signed e-mail link of a case, on the live server."""

    def build(case) -> str:
        return f"{live_server}/l/{make_case_token(case.id, case.link_version)}"

    return build


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless; skipped without it, except in CI where that fails."""
    executable = chromium_path()
    require_service(executable is not None, "Debian chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh context (own cookies): phone size and French by default."""
    contexts = []

    def open_page(locale: str = "fr-FR", viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or PHONE, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A French page at phone size."""
    return new_page()


@pytest.fixture
def screenshot(tmp_path) -> Callable[[object, str], Path]:
    """Save a full-page screenshot under the test's tmp_path and return its path."""

    def shoot(page_, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page_.screenshot(path=str(path), full_page=True)
        return path

    return shoot
