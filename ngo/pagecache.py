"""A per-worker cache of rendered statement pages, kept right by revisions.

A statement page is the same for every anonymous reader with the same preferences,
except for a few values made per request: the view count, the CSRF token, the comment
form's time stamp and the CSP nonce. The page is rendered once by `render_page()`, in
which the template prints each of those through `slot(name, value)` (and the
`csrf_token()` and `csp_nonce()` it calls anyway); each later request fills the slots.
The key holds the statement's `revision`, which every change that shows on the page
moves on in the database (see ngo.revisions), so a change made through any worker is
seen by every worker at once.

Slots are known when the page is rendered, never found afterwards: while a page is
rendered for the cache, `slot()` prints its name between two copies of a boundary
made of 128 random bits for that one render, and the HTML is split on that boundary.
Everything else on the page (titles, bodies, names, comments) was stored before the
boundary existed, so no text anyone typed can make or break a slot, and no value is
ever looked for in the HTML.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from threading import Lock

from flask import current_app, g, render_template, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ngo.security import csp_nonce

# Session keys every reader has; any other (flashes, a signed-in user, the
# toolbar's refocus hint) makes the page personal.
_SHARED_SESSION_KEYS = frozenset({"csrf_token"})
# Where the boundary of a render for the cache is kept while it lasts.
_RECORDING = "_pagecache_boundary"


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
    """A page rendered for the cache: literal text between named slots."""

    __slots__ = ("parts", "slots")

    def __init__(self, parts: list[str]):
        # text, name, text, name, ..., text
        self.parts = parts
        self.slots = frozenset(parts[1::2])

    def fill(self, values: dict[str, str]) -> str:
        """The page with each slot replaced by its escaped value."""
        parts = self.parts[:]
        for index in range(1, len(parts), 2):
            parts[index] = str(escape(values[parts[index]]))
        return "".join(parts)


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


class PageCache:
    """A small least-recently-used map of pages, one per worker process."""

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
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

    def clear(self) -> None:
        """Forget every page."""
        with self._lock:
            self._pages.clear()


def shared_request(personal_cookies: tuple[str, ...] = ()) -> bool:
    """Whether this request may be answered with the page every reader gets.

    Not when it is a form post, has a query string, carries one of the given
    personal cookies, or its session holds more than the CSRF token.
    """
    if request.method not in ("GET", "HEAD") or request.query_string:
        return False
    if any(name in request.cookies for name in personal_cookies):
        return False
    return set(session.keys()) <= _SHARED_SESSION_KEYS


def statement_pages() -> PageCache:
    """This app's cache of statement pages."""
    return current_app.extensions["statement_pages"]


def init_app(app) -> None:
    """Give the app its own cache (one per worker process) and the slot helpers."""
    app.config.setdefault("PAGE_CACHE_SIZE", 256)
    app.extensions["statement_pages"] = PageCache()
    # Flask-WTF offers `csrf_token` as a global and from a context processor, and
    # ngo.security `csp_nonce` as a global; these, registered later, take over both.
    helpers = {"csrf_token": _csrf_token, "csp_nonce": _csp_nonce, "slot": slot}
    app.jinja_env.globals.update(helpers)
    app.context_processor(lambda: helpers)
