"""Static files: URLs that carry a content hash, cached for a year, never per reader."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, request_finished, url_for

YEAR = 365 * 24 * 60 * 60
# A static URL without the file's current hash may change under the same address.
UNVERSIONED_MAX_AGE = 5 * 60
# Browsers ask for /favicon.ico by that name only, so it cannot carry a hash.
FAVICON_MAX_AGE = 7 * 24 * 60 * 60
FAVICON = "icons/favicon.ico"
STATIC_ENDPOINTS = frozenset({"static", "favicon"})
SERVED = frozenset({200, 206, 304})  # the file, a range of it, or "not modified"


@lru_cache(maxsize=256)
def _digest(path: str) -> str:
    """The first hex digits of a static file's SHA-256, computed once per process."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


def _version(filename: str) -> str:
    """The hash a static file's URL carries."""
    return _digest(str(Path(current_app.static_folder) / filename))


def asset_url(filename: str) -> str:
    """The URL of a static file with `?v=<hash>` for cache busting."""
    return url_for("static", filename=filename, v=_version(filename))


def favicon():
    """The site's icon at the address browsers ask for on every site."""
    return current_app.send_static_file(FAVICON)


def _static_file(response) -> bool:
    """Whether this response is a static file (not an error page in its place)."""
    return request.endpoint in STATIC_ENDPOINTS and response.status_code in SERVED


def cache_static(response):
    """A year, immutable, for a static URL with the file's current hash; else short.

    Only the hash of the file as served now earns the year: an old or made-up
    `v` may name other content, so it gets the short cache of a bare URL."""
    if not _static_file(response):
        return response
    if request.endpoint == "favicon":
        max_age = FAVICON_MAX_AGE
    elif request.args.get("v") == _version(request.view_args["filename"]):
        max_age = YEAR
    else:
        max_age = UNVERSIONED_MAX_AGE
    immutable = ", immutable" if max_age == YEAR else ""
    response.headers["Cache-Control"] = f"public, max-age={max_age}{immutable}"
    return response


def _not_per_reader(sender, response, **extra):
    """A static file is the same for every reader: no `Vary: Cookie` on it.

    Flask adds that header whenever the session was read, and Flask-Login reads
    it after every request; this runs after the session is saved. A response
    that does write the session (Set-Cookie) keeps the header."""
    if _static_file(response) and "Set-Cookie" not in response.headers:
        response.vary.discard("Cookie")


def init_app(app: Flask) -> None:
    """Expose asset_url to templates, serve /favicon.ico, and set static caching."""
    app.jinja_env.globals["asset_url"] = asset_url
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.after_request(cache_static)
    request_finished.connect(_not_per_reader, app)
    if app.debug:
        _digest.cache_clear()
