"""The one door for user-supplied HTML and URLs: the only module that calls bleach."""

import html
import re
from urllib.parse import urlsplit

import bleach
from markupsafe import Markup

STATEMENT_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
    "pre", "q", "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
})
STATEMENT_ATTRIBUTES = {
    "a": ["href", "title", "hreflang"],
    "abbr": ["title"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "ol": ["start"],
    "*": ["lang", "dir"],
}
LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose text is never reader content: dropped whole, not unwrapped.
_DROPPED_BLOCK = re.compile(
    r"<(script|style|template|iframe|object|noscript|textarea|title)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)

_statement_cleaner = bleach.Cleaner(
    tags=STATEMENT_TAGS,
    attributes=STATEMENT_ATTRIBUTES,
    protocols=LINK_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _drop_dangerous_blocks(html: str) -> str:
    """Remove script-like elements with their text, which strip=True would keep.

    Only cosmetic: whatever this misses, bleach still escapes or strips below.
    """
    return _DROPPED_BLOCK.sub("", html)


def clean_statement_html(html: str) -> Markup:
    """Reduce a statement body (already rendered from Markdown) to our allow-list."""
    cleaned = _statement_cleaner.clean(_drop_dangerous_blocks(html or ""))
    return Markup(cleaned.strip())


def safe_web_url(url: str | None) -> str | None:
    """Give back an absolute http(s) URL as typed, or None for anything else."""
    url = (url or "").strip()
    if not url or len(url) > 500 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def plain_text(markup: str) -> str:
    """The text of some HTML with every tag removed and whitespace collapsed."""
    text = bleach.clean(markup or "", tags=set(), strip=True)
    # Entities back to characters: the result is plain text, escaped by Jinja.
    return " ".join(html.unescape(text).split())
