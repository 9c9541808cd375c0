"""Static files: URLs that carry a content hash, cached for a year, never per reader.

How long each may be kept is declared to ngo.caching before it is served, which
writes the headers (and keeps `Vary: Cookie` off) for a success or a 304; a 404
in a file's place is the site's error page, with the headers of any page.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for

from ngo import caching

YEAR = 365 * 24 * 60 * 60
# A static URL without the file's current hash may change under the same address.
UNVERSIONED_MAX_AGE = 5 * 60


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


def cache_static():
    """A year, immutable, for a static URL with the file's current hash; else short.

    Only the hash of the file as served now earns the year: an old or made-up
    `v` may name other content, so it gets the short cache of a bare URL."""
    if request.endpoint != "static":
        return
    if request.args.get("v") == _version(request.view_args["filename"]):
        caching.cache_for(YEAR, immutable=True)
    else:
        caching.cache_for(UNVERSIONED_MAX_AGE)


def init_app(app: Flask) -> None:
    """Expose asset_url to templates and set the caching of static files."""
    app.jinja_env.globals["asset_url"] = asset_url
    app.before_request(cache_static)
    if app.debug:
        _digest.cache_clear()
