"""A per-worker cache of rendered statement pages, kept right across workers by revisions.

A statement page is the same for every anonymous reader with the same preferences,
except for a few values made per request: the view count, the CSRF token, the comment
form's time stamp and the CSP nonce. The page is rendered once with those as slots,
and each later request fills the slots. The key holds the statement's `revision`,
which every change that shows on the page moves on in the database (see
ngo.revisions), so a change made through any worker is seen by every worker at once.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from threading import Lock

from flask import current_app, request, session
from markupsafe import Markup, escape

# Slot markers: private-use characters never typed into a statement or a comment.
_MARK = "\ue000"
_SLOT = re.compile(f"{_MARK}([a-z]+){_MARK}")
# Session keys every reader has; any other (flashes, a signed-in user, the
# toolbar's refocus hint) makes the page personal.
_SHARED_SESSION_KEYS = frozenset({"csrf_token"})


def slot(name: str) -> Markup:
    """A placeholder a template prints where a per-request value goes."""
    return Markup(f"{_MARK}{name}{_MARK}")


class Page:
    """A rendered page split into literal text and named slots."""

    __slots__ = ("parts", "slots")

    def __init__(self, html: str, live: dict[str, str]):
        for name, value in live.items():
            if value:
                html = html.replace(value, f"{_MARK}{name}{_MARK}")
        self.parts = _SLOT.split(html)  # text, name, text, name, ..., text
        self.slots = frozenset(self.parts[1::2])

    def fill(self, values: dict[str, str]) -> str:
        """The page with each slot replaced by its escaped value."""
        parts = self.parts[:]
        for index in range(1, len(parts), 2):
            parts[index] = str(escape(values[parts[index]]))
        return "".join(parts)


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
    """Give the app its own cache (a worker process runs one app)."""
    app.config.setdefault("PAGE_CACHE_SIZE", 256)
    app.extensions["statement_pages"] = PageCache()
