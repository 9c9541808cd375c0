"""XML and text documents for machines (feeds, the sitemap) served like list pages:
from the worker's page cache (ngo.pagecache), keyed by the revision that every
change they show moves on (ngo.revisions), with an `ETag` and a `Last-Modified`
that let a feed reader's next poll cost one query and a 304.

The validators are made from the key, before anything is rendered: the revision
(read first, so the document is never older than its key), the language, the
path, the site's origin (addresses in these documents are absolute) and the
settings a document shows. `FORMAT` moves on when the code writes documents
differently, so a reader never keeps an old one for a new release.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from hashlib import sha256

from flask import Response, current_app, request
from werkzeug.http import is_resource_modified

from ngo import caching
from ngo.i18n import current_language
from ngo.pagecache import Page, serve
from ngo.urls import site_origin

# Moves on whenever the documents' bytes change for the same data.
FORMAT = 1
# The settings documents show (titles, the languages they list).
_SHOWN_SETTINGS = ("SITE_NAME", "SITE_TAGLINE", "DEFAULT_LANGUAGE", "OTHER_LANGUAGES")


def cached_document(
    revision: tuple,
    last_modified: datetime | None,
    build: Callable[[], str],
    mimetype: str,
    max_age: int,
) -> Response:
    """This request's document: a 304 when the reader's copy is current, else the
    cached one (built by `build` on a miss), with its validators.

    `revision` holds what moves on with every change the document shows.
    """
    settings = tuple(repr(current_app.config.get(name)) for name in _SHOWN_SETTINGS)
    key = ("document", request.path, site_origin(), settings, *revision)
    fingerprint = repr((FORMAT, current_language(), key)).encode()
    etag = sha256(fingerprint).hexdigest()[:32]
    if last_modified is not None:
        last_modified = last_modified.replace(microsecond=0)
    caching.cache_for(max_age)
    if is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        body = serve(key, lambda: Page([build()]))
        response = Response(body, mimetype=mimetype)
    else:
        response = Response(status=304)
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    return response
