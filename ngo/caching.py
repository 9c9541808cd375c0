"""Cacheability in one place: who a response is for, and its Cache-Control and Vary.

Views declare intent; one after_request hook writes the headers of every response:

- `mark_personal()`: the response holds this reader's own data (typed text,
  pending comments, remembered details, a draft, an editor's pages):
  `private, no-store` and `Vary: Cookie` (with `noindex`, `X-Robots-Tag` too);
- `no_store()`: fresh on every request for everyone (health checks): `no-store`;
- `cache_for(seconds)`: the same bytes for everyone (static files, an old
  address's 301): `public, max-age=…` and no `Vary: Cookie`; an error answered
  in its place gets the default instead;
- nothing declared: an HTML page (not a redirect) depends on the preferences
  cookie, so `private` and `Vary: Cookie`, or `private, no-store` when the
  request is personal; any other response keeps the headers it has.

The one definition of personal is `is_personal()`: a reader's own data can reach
the page (a cookie declared with `personal_cookie()`, a session holding more than
the CSRF token: flashed messages, a signed-in user, the toolbar's focus hint), or a
view said so. `shareable()` adds what the page cache (ngo.pagecache) needs: a GET
or HEAD whose query names only what the page's key holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, g, has_request_context, request, request_finished, session

# Session keys every reader has; any other makes the request personal.
_SHARED_SESSION_KEYS = frozenset({"csrf_token"})
# Cookies that put their holder's own data on a page, declared by their owners.
_PERSONAL_COOKIES: set[str] = set()
_POLICY = "_caching_policy"  # what the view declared, then what was written
_NOINDEX = "_caching_noindex"
_PERSONAL_REQUEST = "_caching_personal_request"


@dataclass(frozen=True)
class Policy:
    """How a response may be stored; a stricter one wins over a laxer one."""

    strictness: int
    cache_control: str
    vary_cookie: bool = False  # add Vary: Cookie
    public: bool = False  # drop Vary: Cookie; only for successes and redirects


PRIVATE = Policy(1, "private", vary_cookie=True)
NO_STORE = Policy(2, "no-store")
PERSONAL = Policy(3, "private, no-store", vary_cookie=True)


def personal_cookie(name: str) -> str:
    """Declare a cookie whose holder sees their own data on pages; returns the name."""
    _PERSONAL_COOKIES.add(name)
    return name


def _declare(policy: Policy) -> None:
    """Keep the stricter of this policy and the one already declared."""
    current = g.get(_POLICY)
    if current is None or policy.strictness >= current.strictness:
        setattr(g, _POLICY, policy)


def mark_personal(noindex: bool = False) -> None:
    """This response holds the reader's own data: no cache may keep it."""
    _declare(PERSONAL)
    if noindex:
        setattr(g, _NOINDEX, True)


def no_store() -> None:
    """This response must be fetched afresh every time, by anyone."""
    _declare(NO_STORE)


def cache_for(seconds: int, immutable: bool = False) -> None:
    """This response is the same for everyone and may be kept for `seconds`."""
    extra = ", immutable" if immutable else ""
    _declare(Policy(0, f"public, max-age={int(seconds)}{extra}", public=True))


def is_personal() -> bool:
    """Whether this request's reader has data of their own that can reach the page.

    The request's part is read once, before any template renders (see init_app):
    a page that shows a flashed message takes it out of the session.
    """
    policy = g.get(_POLICY)
    if policy is not None and policy.strictness >= PERSONAL.strictness:
        return True
    if _PERSONAL_REQUEST not in g:
        setattr(g, _PERSONAL_REQUEST, _carries_own_data())
    return g.get(_PERSONAL_REQUEST)


def _carries_own_data() -> bool:
    """A personal cookie, or a session with more than the CSRF token."""
    if any(name in request.cookies for name in _PERSONAL_COOKIES):
        return True
    return not set(session.keys()) <= _SHARED_SESSION_KEYS


def shareable(args: Iterable[str] = ()) -> bool:
    """Whether the page every reader gets may answer this request.

    A GET or HEAD, no query argument but those named in `args` (the caller keys
    its page on them), and nothing personal.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    if request.query_string and any(name not in args for name in request.args):
        return False
    return not is_personal()


def write_headers(response):
    """Write Cache-Control, Vary and X-Robots-Tag from what the view declared."""
    policy = g.get(_POLICY)
    if policy is not None and policy.public and response.status_code >= 400:
        policy = None  # an error page in place of a shared file or redirect
    if policy is None:
        if response.mimetype != "text/html" or 300 <= response.status_code < 400:
            return response
        policy = PERSONAL if is_personal() else PRIVATE
    setattr(g, _POLICY, policy)
    headers = response.headers
    headers["Cache-Control"] = policy.cache_control
    if policy.vary_cookie:
        if "Vary" in headers:
            response.vary.add("Cookie")
        else:  # the common case, without parsing a header set
            headers["Vary"] = "Cookie"
    if g.get(_NOINDEX):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _drop_vary_cookie(sender, response, **extra):
    """A response kept for everyone does not vary on cookies.

    Flask adds `Vary: Cookie` whenever the session was read (Flask-Login reads it
    on every request), after the after_request hooks; this runs after that. A
    response that sets a cookie keeps the header.
    """
    policy = g.get(_POLICY)
    if policy is not None and policy.public and "Set-Cookie" not in response.headers:
        response.vary.discard("Cookie")


def init_app(app: Flask) -> None:
    """Install the one hook that writes the caching headers of every response."""
    app.after_request(write_headers)
    request_finished.connect(_drop_vary_cookie, app)

    @app.context_processor
    def _read_personal_first():
        """Decide personal before a template takes flashes out of the session."""
        if has_request_context():
            is_personal()
        return {}
