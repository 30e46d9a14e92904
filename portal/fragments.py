"""Rendered page fragments, reused while the data they show is the same.

A fragment (a page or part of one) is rendered from data the request has just read. Its cache
key is a digest of that data: every column of every object in the request's session, plus the
plain rows the caller passes, the language, the path, the day and the template. Any change to
what the fragment shows changes the key, so a cached fragment is never stale, whoever wrote the
change and however (ORM, Core, another process). What is saved is the template work, not the reads.

Rendering a cached fragment must not read anything more: every statement sent while it renders
marks the result as not reusable (and fails the tests, which run with FRAGMENTS_STRICT).
Forms keep a per-request CSRF token: the cached HTML holds a placeholder replaced on the way out;
a page carrying a flashed message is never kept. The view decides what may be cached: a
fragment must depend on nothing else of the session or the request.
Each process keeps its own bounded cache (least recently used out first).
"""

import contextvars
import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict

from flask import current_app, g, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

from portal.extensions import db
from portal.i18n import current_language

CSRF_PLACEHOLDER = "\x00csrf-token\x00"
# A payment form's one-time nonce (a double submission starts one payment): each occurrence in
# a page, cached or not, gets a fresh random value on the way out.
NONCE_PLACEHOLDER = "\x00form-nonce\x00"

_rendering: contextvars.ContextVar[list | None] = contextvars.ContextVar("rendering", default=None)


class FragmentReadError(RuntimeError):
    """A cached fragment's template read from the database while rendering (tests only)."""


@event.listens_for(Engine, "before_cursor_execute")
def _note_read(conn, cursor, statement, parameters, context, executemany) -> None:
    reads = _rendering.get()
    if reads is not None:
        reads.append(statement)


class FragmentCache:
    """A bounded, thread-safe map from key to rendered HTML."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is None:
                self.misses += 1
            else:
                self.hits += 1
                self._entries.move_to_end(key)
            return html

    def put(self, key: bytes, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


def init_app(app) -> None:
    """Give the app its fragment cache (FRAGMENT_CACHE_SIZE entries; 0 turns it off)."""
    size = app.config.get("FRAGMENT_CACHE_SIZE", 512)
    app.extensions["fragments"] = FragmentCache(size)
    app.extensions["csrf_tokens"] = FragmentCache(size)


_COLUMNS: dict[type, tuple[str, ...]] = {}


def mapped_columns(cls: type) -> tuple[str, ...]:
    """The attribute names of a mapped class's columns, in the order a select of it lists them."""
    keys = _COLUMNS.get(cls)
    if keys is None:
        keys = _COLUMNS[cls] = tuple(attr.key for attr in inspect(cls).column_attrs)
    return keys


def _session_snapshot() -> list | None:
    """Every column of every object the request's session holds; None if one is not loaded."""
    snapshot = []
    for (cls, identity, _token), obj in db.session.identity_map.items():
        values = obj.__dict__
        columns = mapped_columns(cls)
        if any(key not in values for key in columns):
            return None  # expired or deferred: its value is unknown, so is the fragment
        snapshot.append((cls.__name__, identity, tuple(values[key] for key in columns)))
    snapshot.sort(key=lambda item: item[:2])
    return snapshot


def fragment_key(template: str, rows: tuple, snapshot=None) -> bytes | None:
    """The digest of everything the fragment may show, or None when it cannot be known.

    `snapshot`: the plain rows the caller read instead of the objects in the session.
    """
    if snapshot is None:
        snapshot = _session_snapshot()
        if snapshot is None:
            return None
    facts = (
        template,
        current_language(),
        request.script_root,
        request.full_path,
        dt.date.today().isoformat(),
        snapshot,
        rows,
    )
    return hashlib.blake2b(repr(facts).encode(), digest_size=20).digest()


def _render(template: str, context: dict) -> tuple[str, list]:
    reads: list = []
    token = _rendering.set(reads)
    try:
        html = render_template(
            template,
            csrf_token=lambda: CSRF_PLACEHOLDER,
            form_nonce=lambda: NONCE_PLACEHOLDER,
            **context,
        )
    finally:
        _rendering.reset(token)
    return html, reads


def fragments_kept() -> bool:
    """True unless the app keeps no fragment (FRAGMENT_CACHE_SIZE 0)."""
    return bool(current_app.extensions["fragments"].size)


def _reusable(cache: FragmentCache) -> bool:
    # Flashed messages are shown once: a page that carries one is rendered, never kept.
    return bool(cache.size) and not session.get("_flashes")


def reuse_fragment(template: str, *, snapshot: tuple, rows: tuple = ()) -> Markup | None:
    """An earlier rendering of `template` from exactly this data, or None.

    For a caller that reads what the fragment shows as plain rows (`snapshot`, cheaper than
    loading objects) and loads objects only to render it; `render_fragment(..., snapshot=)`
    keeps the rendering under the same key.
    """
    cache: FragmentCache = current_app.extensions["fragments"]
    if not _reusable(cache):
        return None
    html = cache.get(fragment_key(template, rows, snapshot))
    return None if html is None else _with_token(html)


def render_fragment(template: str, *, rows: tuple = (), snapshot=None, **context) -> Markup:
    """Render `template`, or reuse an earlier rendering of exactly the same data.

    The objects it shows must already be in the session (loaded by the caller); plain rows
    that are not ORM objects go in `rows`. A caller that read plain rows of every object shown
    passes them as `snapshot` (they must be the values the objects hold: the key is made of
    them instead of the session's objects). Returns HTML safe to place in a page.
    """
    cache: FragmentCache = current_app.extensions["fragments"]
    key = fragment_key(template, rows, snapshot) if _reusable(cache) else None
    html = cache.get(key) if key is not None else None
    if html is None:
        html, reads = _render(template, context)
        if reads:
            if current_app.config.get("FRAGMENTS_STRICT"):
                raise FragmentReadError(f"{template} read while rendering: {reads[0][:200]}")
            current_app.logger.warning("fragment %s read while rendering: not cached", template)
        elif key is not None:
            cache.put(key, html)
    return _with_token(html)


def _with_token(html: str) -> Markup:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, _csrf_token())
    if NONCE_PLACEHOLDER in html:
        parts = html.split(NONCE_PLACEHOLDER)
        html = parts[0] + "".join(secrets.token_urlsafe(16) + part for part in parts[1:])
    return Markup(html)


def _csrf_token() -> str:
    """The session's signed CSRF token, signed once per session and process.

    Flask-WTF signs the session's raw token again for every request (with a timestamp); with no
    time limit on tokens (WTF_CSRF_TIME_LIMIT None) an earlier signature of the same raw token
    is just as valid, so it is kept, bounded like the pages.
    """
    raw = session.get("csrf_token")
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None or not raw or "csrf_token" in g:
        return generate_csrf()
    tokens: FragmentCache = current_app.extensions["csrf_tokens"]
    signed = tokens.get(raw.encode())
    if signed is None:
        signed = generate_csrf()
        tokens.put(raw.encode(), signed)
    g.csrf_token = signed  # any other form of this request shows the same token
    return signed
