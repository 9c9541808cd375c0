"""Old addresses: the paths of the site this one replaced answer 301 to their new page.

`address_key()` makes the one key a path (and query) is stored and looked up by,
used by the WordPress importer when it stores them and here when a request asks:
percent-encoding undone (UTF-8), NFC, case folded, repeated and trailing slashes
dropped, and of the query only WordPress's own keys kept, on the front page
(`/?p=123`, `/?page_id=7`, `/?cat=4`, `/?tag=peace`, `/?attachment_id=5`). Only rows
of `old_address` answer (stored, never guessed): looked up when a path is not found
(404), and on the front page when its query holds one of those keys.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl, unquote, urlsplit

from flask import Flask, abort, redirect, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import NotFound
from werkzeug.routing import BuildError

from ngo.extensions import db
from ngo.models import Category, OldAddress, Page, Statement, Tag

KEY_MAX = 1000  # the length of old_address.path
# The query keys WordPress answers on its front page: post, page, category, tag,
# and an attachment's page.
QUERY_KEYS = ("p", "page_id", "cat", "tag", "attachment_id")
# Where each kind of target lives now: the model and the endpoint of its page.
TARGETS = {
    "statement": (Statement, "statements.detail"),
    "page": (Page, "pages.show"),
    "category": (Category, "statements.category"),
    "tag": (Tag, "tags.show"),
}


def address_key(path: str, query: str = "") -> str | None:
    """The key of a path and its query string, or None if it cannot be one.

    "/2023/09/19/%D5%A1%D5%A2/" and "/2023/09/19/աբ" have one key,
    "/2023/09/19/աբ"; "/?p=12&utm_source=x" has "/?p=12"; the query of any other
    path is left out.
    """
    path = unquote(path or "", errors="replace")
    path = unicodedata.normalize("NFC", path).casefold()
    parts = [part for part in path.split("/") if part]
    key = "/" + "/".join(parts)
    if key == "/" and query:
        pairs = sorted(
            (name, value.strip().casefold())
            for name, value in parse_qsl(query, keep_blank_values=False)
            if name in QUERY_KEYS and value.strip()
        )
        if pairs:
            name, value = pairs[0]
            key = f"/?{name}={unicodedata.normalize('NFC', value)}"
    if len(key) > KEY_MAX or not _storable(key):
        return None
    return key


def url_key(url: str, base_url: str = "") -> list[str]:
    """The keys of an old absolute address: its path relative to the old site's
    base address, and (when that base has a path, "/blog") its whole path too."""
    try:
        parts = urlsplit((url or "").strip())
        base_path = urlsplit((base_url or "").strip()).path.rstrip("/")
    except ValueError:
        return []
    keys = []
    path = parts.path or "/"
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        keys.append(address_key(path[len(base_path) :] or "/", parts.query))
    keys.append(address_key(path, parts.query))
    return [key for key in dict.fromkeys(keys) if key]


def _storable(key: str) -> bool:
    """Whether a key can be stored and compared in every database: no control
    characters (PostgreSQL refuses NUL), nothing that is not UTF-8."""
    if any(ord(char) < 32 or ord(char) == 127 for char in key):
        return False
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def target_url(kind: str, target_id: int) -> str | None:
    """The current address of a statement, page, category or tag, None if gone."""
    model, endpoint = TARGETS.get(kind, (None, None))
    if model is None:
        return None
    query = db.select(model.slug).where(model.id == target_id)
    if model is Statement:
        # A draft, or a scheduled statement before its date: no public address yet.
        query = query.where(Statement.public())
    slug = db.session.scalar(query)
    if slug is None:
        return None
    try:
        return url_for(endpoint, slug=slug)
    except BuildError:
        return None


# What an old address that nobody stored answers: nothing of ours.
UNKNOWN = None
# An old address whose page is not public (a draft; scheduled before its date).
NOT_PUBLIC = ""


def redirect_for(path: str, query: str = ""):
    """A 301 to where an old address went now; NOT_PUBLIC if it is stored but its
    page is not public; UNKNOWN if no address of the old site had this key."""
    key = address_key(path, query)
    if key is None:
        return UNKNOWN
    try:
        found = db.session.execute(
            db.select(OldAddress.target_kind, OldAddress.target_id).where(
                OldAddress.path == key
            )
        ).first()
        target = target_url(*found) if found is not None else None
    except SQLAlchemyError:  # never a 500 for an address nobody serves
        db.session.rollback()
        return UNKNOWN
    if found is None:
        return UNKNOWN
    if target is None:
        return NOT_PUBLIC
    return redirect(target, 301)


def _front_page_query():
    """`/?p=123` and the like on the front page: a 301 if it is an old address, a
    404 if that address's page is not public (as WordPress answered), else the
    front page."""
    if request.path != "/" or request.method not in ("GET", "HEAD"):
        return None
    if not any(name in request.args for name in QUERY_KEYS):
        return None
    moved = redirect_for("/", request.query_string.decode("latin-1"))
    if moved == NOT_PUBLIC:
        abort(404)
    return moved


def _not_found(error: NotFound):
    """A path nothing here serves: its old address's 301, else the 404 page."""
    from ngo.errors import render_error

    if request.method in ("GET", "HEAD"):
        moved = redirect_for(request.path)
        if moved not in (UNKNOWN, NOT_PUBLIC):  # not public (yet): still a 404
            return moved
    return render_error(error)


def init_app(app: Flask) -> None:
    """Answer old addresses: on the front page's query, and where a path is 404."""
    app.before_request(_front_page_query)
    app.register_error_handler(404, _not_found)
