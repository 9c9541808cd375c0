"""The one door for user-supplied HTML and URLs: the only module that calls bleach."""

import html
import re
import threading
from functools import partial
from urllib.parse import urlsplit

import bleach
import bleach.html5lib_shim
import bleach.linkifier
from markupsafe import Markup

STATEMENT_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
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

_cleaners = threading.local()


def _thread_cleaner(name: str, make) -> bleach.Cleaner:
    """This thread's own cleaner of that name (a bleach Cleaner is not thread-safe)."""
    cleaner = getattr(_cleaners, name, None)
    if cleaner is None:
        cleaner = make()
        setattr(_cleaners, name, cleaner)
    return cleaner


def _statement_cleaner() -> bleach.Cleaner:
    """This thread's statement cleaner."""
    return _thread_cleaner(
        "statement",
        lambda: bleach.Cleaner(
            tags=STATEMENT_TAGS,
            attributes=STATEMENT_ATTRIBUTES,
            protocols=LINK_PROTOCOLS,
            strip=True,
            strip_comments=True,
        ),
    )


def _drop_dangerous_blocks(html: str) -> str:
    """Remove script-like elements with their text, which strip=True would keep.

    Only cosmetic: whatever this misses, bleach still escapes or strips below.
    """
    return _DROPPED_BLOCK.sub("", html)


def clean_statement_html(html: str) -> Markup:
    """Reduce a statement body (already rendered from Markdown) to our allow-list."""
    cleaned = _statement_cleaner().clean(_drop_dangerous_blocks(html or ""))
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


# Comments: the tags WordPress lets commenters use; paragraphs and line breaks
# come from the text's own blank lines and newlines (as wpautop does).
COMMENT_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "q",
        "s",
        "strike",
        "strong",
    }
)
COMMENT_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "del": ["datetime"],
    "q": ["cite"],
}
COMMENT_LINK_REL = "nofollow ugc noopener"
_COMMENT_INPUT_TAGS = COMMENT_TAGS | {"p", "br"}
_EXPLICIT_URL = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
# Links in comments are absolute: no relative paths into the site.
_ABSOLUTE_LINK = re.compile(r"(?:https?://[^/\s]|mailto:[^\s])", re.IGNORECASE)
_COMMENT_URL_RE = bleach.linkifier.build_url_re(protocols=["http", "https"])
_NEWLINES = re.compile(r"(\n[^\S\n]*\n\s*|\n)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK_START = re.compile(r"<a\s")


def _comment_link(attrs, new=False):
    """Give every link rel="nofollow ugc noopener"; unlink what is not a real URL.

    An <a> whose href the sanitiser removed (javascript:, data:) or that is not
    an absolute http(s) or mailto URL keeps only its text, and bare words that
    merely look like domains ("report.py") stay text: only http(s):// and www.
    addresses typed by the reader become links.
    """
    if not _ABSOLUTE_LINK.match(attrs.get((None, "href")) or ""):
        return None
    if new and not _EXPLICIT_URL.match(attrs.get("_text", "")):
        return None
    attrs[(None, "rel")] = COMMENT_LINK_REL
    return attrs


class _Paragraphs(bleach.html5lib_shim.Filter):
    """Blank lines into <p>, single newlines into <br>, on already sanitised tokens.

    Works on the token stream, so a newline inside an attribute is never touched.
    The reader's own <p> and <br> count as a blank line and a newline. Inline
    elements left open across a paragraph break are closed and reopened, so the
    output stays well formed.
    """

    def __iter__(self):
        self.open_inline = []  # [start token, emitted in the current paragraph]
        self.saved = []  # inline stacks outside each open <blockquote>
        self.in_paragraph = False
        self.pending_break = self.pending_space = False
        for token in self.source:
            kind, name = token["type"], token.get("name")
            if kind in ("Characters", "SpaceCharacters"):
                yield from self._text(token["data"])
            elif kind == "Entity":
                yield from self._content()
                yield token
            elif name == "p" and kind in ("StartTag", "EndTag", "EmptyTag"):
                yield from self._close()
            elif name == "br":
                self.pending_break = self.in_paragraph
            elif name == "blockquote" and kind == "StartTag":
                yield from self._close()
                self.saved.append(self.open_inline)
                self.open_inline = []
                yield token
            elif name == "blockquote" and kind == "EndTag":
                yield from self._close()
                self.open_inline = self.saved.pop() if self.saved else []
                yield token
            elif kind == "StartTag":
                entry = [token, False]
                self.open_inline.append(entry)
                if self.in_paragraph:
                    yield from self._flush_break()
                    entry[1] = True
                    yield _copy(token)
            elif kind == "EndTag":
                entry = self.open_inline.pop() if self.open_inline else None
                if entry is not None and entry[1]:
                    yield token
            else:
                yield token
        yield from self._close()

    def _text(self, data):
        """Split text at newlines into paragraphs, line breaks and content."""
        for part in _NEWLINES.split(data):
            if not part:
                continue
            if part.startswith("\n"):
                if "\n" in part[1:]:
                    yield from self._close()
                else:
                    self.pending_break = self.in_paragraph
            elif part.strip():
                if not self.in_paragraph:
                    part = part.lstrip()
                yield from self._content()
                yield {"type": "Characters", "data": part}
            elif self.in_paragraph:
                self.pending_space = True

    def _content(self):
        """Make sure a paragraph (with the open inline elements) is open for content."""
        if not self.in_paragraph:
            self.in_paragraph = True
            yield {"type": "StartTag", "name": "p", "namespace": None, "data": {}}
            for entry in self.open_inline:
                entry[1] = True
                yield _copy(entry[0])
        yield from self._flush_break()

    def _flush_break(self):
        """Emit the line break or space held back until more content followed."""
        if self.pending_break:
            self.pending_break = self.pending_space = False
            yield {"type": "EmptyTag", "name": "br", "namespace": None, "data": {}}
        elif self.pending_space:
            self.pending_space = False
            yield {"type": "SpaceCharacters", "data": " "}

    def _close(self):
        """End the current paragraph, closing the inline elements open in it."""
        self.pending_break = self.pending_space = False
        if not self.in_paragraph:
            return
        for entry in reversed(self.open_inline):
            if entry[1]:
                entry[1] = False
                yield {"type": "EndTag", "name": entry[0]["name"], "namespace": None}
        self.in_paragraph = False
        yield {"type": "EndTag", "name": "p", "namespace": None}


def _copy(token: dict) -> dict:
    """A start token that can be emitted again without sharing its attributes."""
    return {**token, "data": dict(token.get("data") or {})}


def _comment_cleaner() -> bleach.Cleaner:
    """This thread's comment cleaner: allow-list, paragraphs, linked URLs."""
    return _thread_cleaner(
        "comment",
        lambda: bleach.Cleaner(
            tags=_COMMENT_INPUT_TAGS,
            attributes=COMMENT_ATTRIBUTES,
            protocols=LINK_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[
                _Paragraphs,
                partial(
                    bleach.linkifier.LinkifyFilter,
                    callbacks=[_comment_link],
                    skip_tags={"code"},
                    parse_email=False,
                    url_re=_COMMENT_URL_RE,
                ),
            ],
        ),
    )


def strip_control_characters(text: str) -> str:
    """Text without NUL and other control characters (tab and newlines stay)."""
    return _CONTROL.sub("", text or "")


def clean_comment_html(text: str) -> Markup:
    """A reader's comment as safe HTML: allowed tags, paragraphs, linked URLs.

    Only the WordPress comment tags survive; links keep http, https and mailto
    URLs only and all carry rel="nofollow ugc noopener"; bare http(s):// and
    www. addresses are linked. Run once, when the comment is written.
    """
    text = strip_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _comment_cleaner().clean(_drop_dangerous_blocks(text))
    return Markup(cleaned.strip())


def count_links(markup: str) -> int:
    """How many links some HTML made by clean_comment_html holds."""
    return len(_LINK_START.findall(markup or ""))
