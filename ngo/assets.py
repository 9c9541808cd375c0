"""Static asset URLs that carry a content hash, so browsers may cache them for a year."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, url_for

YEAR = 365 * 24 * 60 * 60


@lru_cache(maxsize=256)
def _digest(path: str) -> str:
    """The first hex digits of a static file's SHA-256, computed once per process."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


def asset_url(filename: str) -> str:
    """The URL of a static file with `?v=<hash>` for cache busting."""
    version = _digest(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


def init_app(app: Flask) -> None:
    """Expose asset_url to templates and let static files be cached long."""
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", YEAR)
    app.jinja_env.globals["asset_url"] = asset_url
    if app.debug:
        _digest.cache_clear()
