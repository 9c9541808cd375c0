"""Addresses: where a form may send the reader next (same-site paths only), and the
site's absolute addresses (feeds, the sitemap, canonical links)."""

from urllib.parse import quote, urlsplit

from flask import current_app, request

# Characters a same-site path may keep as they are; anything else is %-encoded.
_PATH_SAFE = "/?&=%#:@!$'()*+,;~-._[]"


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go to next, %-encoded; `default` for anything else.

    Refused: other hosts (`//host`, `https://…`, `/\\host`), backslashes, spaces
    and control characters (browsers drop tabs and newlines and read "\\" as
    "/"), paths that do not start with "/", and overlong ones.
    """
    if not target or len(target) > current_app.config["MAX_PATH_LENGTH"]:
        return default
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # e.g. an unclosed "[" where a host would be
        return default
    if parts.scheme or parts.netloc:
        return default
    return quote(target, safe=_PATH_SAFE)


def site_origin() -> str:
    """The site's scheme and host, "https://example.org": those of `NGO_SITE_URL`
    (config SITE_URL) when set, else of this request."""
    configured = current_app.config.get("SITE_URL")
    if configured:
        parts = urlsplit(configured)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return request.host_url.rstrip("/")


def absolute_url(path: str) -> str:
    """The absolute address of a path `url_for` made (script root and language
    prefix included): "/hy/statements/x" -> "https://example.org/hy/statements/x"."""
    return site_origin() + path
