"""A per-worker cache of rendered public pages, kept right by revisions.

A public page (home, lists, a category, an organisation, a statement) is the same
for every reader who shares its preferences and has no data of their own on it
(ngo.caching decides that), except for a few values made per request: the CSRF
token, the CSP nonce, and on a statement page the view count and the comment
form's time stamp. The page is rendered once by `render_page()`, in which the
template prints each of those through `slot(name, value)` (and the `csrf_token()`
and `csp_nonce()` it calls anyway); each later request fills the slots (`serve()`).
The page's owner builds the key from the revisions read in its one head query
(ngo.revisions: a statement's own, the site's), which every change that shows on
the page moves on in the database, so a change made through any worker or server
is seen by every worker at once.

Slots are known when the page is rendered, never found afterwards: while a page is
rendered for the cache, `slot()` prints its name between two copies of a boundary
made of 128 random bits for that one render, and the HTML is split on that boundary.
Everything else on the page (titles, bodies, names, comments) was stored before the
boundary existed, so no text anyone typed can make or break a slot, and no value is
ever looked for in the HTML.

When the database cannot answer, the head query that makes the key fails; the
newest page served at the same address, language and preferences (`latest`,
kept with the slot values it was last served with) is then served stale
(`stale_response`, ngo.outages): better an older statement than none.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from threading import Lock

from flask import current_app, g, render_template, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ngo import caching
from ngo.i18n import current_language
from ngo.security import csp_nonce

# Where the boundary of a render for the cache is kept while it lasts.
_RECORDING = "_pagecache_boundary"
# What this request served from the cache, kept as the newest once it answered 200.
_SERVED = "_pagecache_served"
# Answers that say an address no longer shows the page it showed.
_GONE = frozenset({301, 302, 303, 307, 308, 404, 410})


def slot(name: str, value=None):
    """A per-request value printed by a template; its slot when rendered for the cache.

    Outside `render_page()` it is the value itself (called first, if callable).
    """
    boundary = g.get(_RECORDING)
    if boundary is None:
        return value() if callable(value) else value
    return Markup(f"{boundary}{name}{boundary}")


def _csrf_token() -> str:
    """The template's `csrf_token()`: this request's token, or its slot."""
    return slot("csrf", generate_csrf)


def _csp_nonce() -> str:
    """The template's `csp_nonce()`: this response's nonce, or its slot."""
    return slot("nonce", csp_nonce)


class Page:
    """A page rendered for the cache: literal UTF-8 text between named slots."""

    __slots__ = ("latest", "parts", "slots")

    def __init__(self, parts: list[str]):
        # text, name, text, name, ..., text; the text kept encoded, ready to send
        self.parts = [
            part if index % 2 else part.encode() for index, part in enumerate(parts)
        ]
        self.slots = frozenset(parts[1::2])
        # Its record as the newest page at its address, while it is (PageCache).
        self.latest: Latest | None = None

    def fill(self, values: dict[str, str]) -> bytes:
        """The page's bytes, each slot replaced by its escaped value."""
        parts = self.parts[:]
        for index in range(1, len(parts), 2):
            parts[index] = str(escape(values[parts[index]])).encode()
        return b"".join(parts)


def render_page(template: str, **context) -> Page:
    """Render a template once for the cache, its per-request values left as slots."""
    token = secrets.token_hex(16)
    boundary = f"\x00{token}\x00"
    setattr(g, _RECORDING, boundary)
    try:
        html = render_template(template, **context)
    finally:
        g.pop(_RECORDING, None)
    parts = html.split(boundary)
    # A slot some filter changed would leave its boundary in the page: never serve it.
    if len(parts) % 2 == 0 or any(token in part for part in parts):
        raise RuntimeError(f"{template}: a slot was altered while rendering")
    return Page(parts)


class HeadQuery:
    """The one query a page served from the cache costs, run on the driver's cursor.

    A page's head row (its revisions, and what its slots need) is read on every
    request, so it skips SQLAlchemy's execution layer, which costs several times
    what SQLite takes to answer: the SELECT is compiled once per dialect, run with
    the driver's own parameters, and its columns converted by their types'
    result processors (dates on SQLite). Parameters are plain strings or numbers.
    Listeners of the engine's `before_cursor_execute` event (SQL logs, the tests'
    query counter) still see it, called without a Connection.
    """

    def __init__(self, select):
        self.select = select
        self.row = namedtuple("Head", [c.key for c in select.selected_columns])
        self._compiled = {}

    def _for(self, dialect):
        """The SQL, its parameter order (None: by name) and converters for dialect."""
        if dialect.name not in self._compiled:
            compiled = self.select.compile(dialect=dialect)
            order = compiled.positiontup if compiled.positional else None
            converters = [
                c.type.dialect_impl(dialect).result_processor(dialect, None)
                for c in self.select.selected_columns
            ]
            self._compiled[dialect.name] = (compiled, order, converters)
        return self._compiled[dialect.name]

    def first(self, engine, **params):
        """The first row for these parameters, or None: one pooled connection."""
        compiled, order, converters = self._for(engine.dialect)
        values = compiled.construct_params(params)
        args = tuple(values[name] for name in order) if order else values
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                if engine.dispatch.before_cursor_execute:
                    engine.dispatch.before_cursor_execute(
                        None, cursor, compiled.string, args, None, False
                    )
                cursor.execute(compiled.string, args)
                raw = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool, rolled back
        if raw is None:
            return None
        return self.row._make(
            value if convert is None else convert(value)
            for value, convert in zip(raw, converters, strict=True)
        )


class Latest:
    """The newest page served at an address, with what filled its slots last."""

    __slots__ = ("mimetype", "page", "values")

    def __init__(self, page: Page, values: dict, mimetype: str):
        self.page = page
        self.values = values
        self.mimetype = mimetype


class PageCache:
    """A small least-recently-used map of pages, one per worker process."""

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        # address, language, preferences -> the newest page served there
        self._latest: OrderedDict[tuple, Latest] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple) -> Page | None:
        """The page stored under key, if any."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        """Store a page, forgetting the least recently used beyond the size limit."""
        size = current_app.config["PAGE_CACHE_SIZE"]
        if size <= 0:
            return
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > size:
                self._pages.popitem(last=False)

    def keep_latest(self, page: Page, values: dict, mimetype: str) -> None:
        """Note a page just served as the newest at this request's address, for an
        outage. Once it is, a request costs no more than noting its slot values."""
        latest = page.latest
        if latest is not None:
            latest.values = values
            return
        address = _address()
        size = current_app.config["PAGE_CACHE_SIZE"]
        with self._lock:
            page.latest = Latest(page, values, mimetype)
            replaced = self._latest.pop(address, None)
            if replaced is not None and replaced.page is not page:
                replaced.page.latest = None
            self._latest[address] = page.latest
            while len(self._latest) > size:
                _, dropped = self._latest.popitem(last=False)
                dropped.page.latest = None

    def forget_latest(self, address: tuple) -> None:
        """Forget the newest page at an address: it shows something else now."""
        with self._lock:
            dropped = self._latest.pop(address, None)
            if dropped is not None:
                dropped.page.latest = None

    def latest(self, address: tuple) -> Latest | None:
        """The newest page served at an address, however old, if any."""
        with self._lock:
            return self._latest.get(address)

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()
            for latest in self._latest.values():
                latest.page.latest = None
            self._latest.clear()


def pages() -> PageCache:
    """This app's cache of rendered pages (one per worker process)."""
    return current_app.extensions["pages"]


def serve(key: tuple, render: Callable[[], Page], **values) -> bytes:
    """The page stored under key (rendered and stored first if missing), filled in.

    `values` fill the page's own slots, each a string or a function that makes
    one; the CSRF token and the CSP nonce are made here. Only the slots the page
    has are made.
    """
    cache = pages()
    # Every page is rendered once per language: the same path is another page in each.
    key = (current_language(), *key)
    if not current_app.config["SITE_URL"]:
        # Pages print absolute addresses (canonical, link previews, sharing) made from
        # the request's scheme and host: one client's Host must never reach another's
        # page (ngo.security refuses hosts outside NGO_TRUSTED_HOSTS).
        key = (request.host_url, *key)
    page = cache.get(key)
    if page is None:
        page = render()
        cache.put(key, page)
    setattr(g, _SERVED, (page, values))
    return _fill(page, values)


def _fill(page: Page, values: dict) -> bytes:
    """The page with its slots filled: these values, a new CSRF token and nonce."""
    makers = {"csrf": generate_csrf, "nonce": csp_nonce, **values}
    return page.fill(
        {
            name: value() if callable(value) else value
            for name, value in makers.items()
            if name in page.slots
        }
    )


def _address() -> tuple:
    """What a stale page must share with the request: host, language, path, query
    and preferences (the revisions in the cache's key are what cannot be read)."""
    from ngo.accessibility.views import current_preferences

    return (
        "" if current_app.config["SITE_URL"] else request.host_url,
        current_language(),
        request.path,
        request.query_string,
        current_preferences().encode(),
    )


def _keep_served(response):
    """After a page from the cache answered 200, keep it as its address's newest;
    a GET answered "not here" (a statement withdrawn, renamed) forgets the address's,
    so that an outage never brings back a page taken down."""
    served = g.pop(_SERVED, None)
    if served is not None and response.status_code == 200:
        page, values = served
        pages().keep_latest(page, values, response.mimetype)
    elif response.status_code in _GONE and request.method in ("GET", "HEAD"):
        pages().forget_latest(_address())
    return response


def stale_response():
    """The newest page served at this address, marked stale and never stored, or
    None; for a GET or HEAD while the database cannot answer (ngo.outages)."""
    if request.method not in ("GET", "HEAD"):
        return None
    latest = pages().latest(_address())
    if latest is None:
        return None
    response = current_app.response_class(
        _fill(latest.page, latest.values), mimetype=latest.mimetype
    )
    response.headers["Warning"] = '110 - "Response is Stale"'
    caching.no_store()
    return response


def init_app(app) -> None:
    """Give the app its own cache (one per worker process) and the slot helpers."""
    app.extensions["pages"] = PageCache()
    app.after_request(_keep_served)
    # Flask-WTF offers `csrf_token` as a global and from a context processor, and
    # ngo.security `csp_nonce` as a global; these, registered later, take over both.
    helpers = {"csrf_token": _csrf_token, "csp_nonce": _csp_nonce, "slot": slot}
    app.jinja_env.globals.update(helpers)
    app.context_processor(lambda: helpers)
