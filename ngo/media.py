"""Files of the media folder (imported WordPress uploads) served at /media/<path>.

A file is copied there once under its old year/month path and never changed, so
its address always means the same bytes: it is kept for a year by anyone. Only
types a browser shows without running anything (images, PDF, audio, video) are
shown inline; anything else (SVG, HTML, office files …) is a download.
"""

import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, current_app, send_from_directory

from ngo import caching
from ngo.assets import YEAR

bp = Blueprint("media", __name__)

INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/avif",
        "application/pdf",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/x-wav",
        "audio/mp4",
        "video/mp4",
        "video/webm",
        "video/ogg",
    }
)
# Types a browser could run or render as a page of this site: sent as bytes.
_ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/css",
    }
)


def media_folder(app: Flask) -> Path:
    """The media folder: NGO_MEDIA_FOLDER, relative to the instance folder, or
    instance/media."""
    return Path(app.instance_path) / (app.config.get("MEDIA_FOLDER") or "media")


@bp.get("/media/<path:name>")
def file(name: str):
    """One media file, a download unless its type is safe to show."""
    mimetype = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    inline = mimetype in INLINE_TYPES
    if mimetype in _ACTIVE_TYPES:
        mimetype = "application/octet-stream"
    caching.cache_for(YEAR)
    response = send_from_directory(
        media_folder(current_app),
        name,
        mimetype=mimetype,
        as_attachment=not inline,
        max_age=YEAR,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
