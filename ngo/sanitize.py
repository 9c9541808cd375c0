"""The one door for user-supplied HTML and URLs: the only module calling a sanitiser."""

import html
import re
import threading
from urllib.parse import SplitResult, urlsplit

import bleach
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
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
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
    # Images only from this site's own files (imported WordPress media: /media/…);
    # any other source is dropped with its image, so a page never fetches a third
    # party's file.
    "img": ["src", "alt", "width", "height"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "ol": ["start"],
    "*": ["lang", "dir"],
}
LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements whose text is never reader content: dropped whole, not unwrapped.
_DROPPED = frozenset(
    {"script", "style", "template", "iframe", "object", "noscript", "textarea", "title"}
)
_DROPPED_START = re.compile(rf"<({'|'.join(sorted(_DROPPED))})(?=[\t\n\f\r />])", re.I)
_DROPPED_END = {
    name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in _DROPPED
}
_ABSOLUTE_LINK = re.compile(r"(?:https?://[^/\s]|mailto:[^\s])", re.IGNORECASE)
_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f]")

_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)

_cleaners = threading.local()


def _statement_attribute(tag: str, name: str, value: str) -> bool:
    """Whether a statement keeps this attribute; a link's scheme must be allowed.

    bleach's own check misses `javascript:1`: Python's URL parser reads a colon
    followed by digits alone as a port, not a scheme. Browsers drop white space
    and control characters inside a scheme, so the check does too.
    """
    if name not in STATEMENT_ATTRIBUTES.get(tag, ()) and (
        name not in STATEMENT_ATTRIBUTES["*"]
    ):
        return False
    if tag == "a" and name == "href":
        scheme = _SCHEME.match(_WHITESPACE.sub("", value))
        return scheme is None or scheme.group(1).lower() in LINK_PROTOCOLS
    if tag == "img" and name == "src":
        return local_source(value)
    if tag == "img" and name in ("width", "height"):
        return value.isdigit() and len(value) <= 5
    return True


_LOCAL_SOURCE = re.compile(r"/(?![/\\])[^\s\x00-\x1f\x7f\\:]*\Z")


def local_source(value: str | None) -> bool:
    """Whether an image source is a path on this site ("/media/2023/09/a.jpg"): no
    scheme, no other host ("//x.org/…", "/\\x.org"), no white space or controls."""
    return bool(value) and _LOCAL_SOURCE.match(value) is not None


def _thread_cleaner(name: str, make) -> bleach.Cleaner:
    """This thread's cleaner of that name, made once (a bleach Cleaner is not
    thread-safe)."""
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
            attributes=_statement_attribute,
            protocols=LINK_PROTOCOLS,
            strip=True,
            strip_comments=True,
        ),
    )


def _end_of_dropped(text: str, name: str, pos: int, ends: dict) -> int | None:
    """Where the element `name` whose start tag ends before pos ends, or None.

    ends remembers, per name, the next end tag found, so that many start tags
    without an end tag cost one search, not one each.
    """
    found = ends.get(name)
    if found is None or (found >= 0 and found < pos):
        match = _DROPPED_END[name].search(text, pos)
        found = ends[name] = match.start() if match else -1
    if found < 0:
        return None
    close = text.find(">", found)
    return len(text) if close < 0 else close + 1


def clean_statement_html(html: str) -> Markup:
    """Reduce a statement body (already rendered from Markdown) to our allow-list."""
    cleaner = _statement_cleaner()
    cleaned = "".join(cleaner.clean(part) for part in _balanced_statement(html or ""))
    return Markup(cleaned.strip())


# Statement markup is balanced before bleach reads it: html5lib's tree building
# is quadratic in the elements left open (every "<b>x" or "<ul><li>x" without
# its end tag), so nesting is capped and every element closed, in one pass. Its
# tree walker is quadratic in the children of one element (a long body's
# paragraphs), so the balanced body goes to bleach in parts of a few hundred
# top-level elements, cut where nothing is open.
STATEMENT_DEPTH = 32
_STATEMENT_PART = 200
_STATEMENT_VOID = frozenset({"br", "hr", "img"})
_CLOSES_P = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre"}
    | {"table", "hr", "figure", "figcaption"}
)
_P_SCOPE = frozenset({"table", "td", "th", "caption"})
# A start tag closes the nearest open element of the first set, unless an
# element of the second set comes first (HTML's implied end tags).
_IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "thead": ({"thead", "tbody", "tfoot"}, {"table"}),
    "tbody": ({"thead", "tbody", "tfoot"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tfoot"}, {"table"}),
    "p": ({"p"}, _P_SCOPE),
}


def _balanced_statement(markup: str) -> list[str]:
    """The statement's allowed elements, nested at most STATEMENT_DEPTH deep and
    every one closed, in parts cut at the top level; comments and script-like
    elements gone, text kept."""
    out: list[str] = []
    stack: list[str] = []
    parts: list[str] = []
    part_start = 0
    everywhere = STATEMENT_ATTRIBUTES["*"]

    def find(names, stops) -> int:
        """The index of the nearest open element named in names, or -1."""
        for index in range(len(stack) - 1, -1, -1):
            if stack[index] in names:
                return index
            if stack[index] in stops:
                break
        return -1

    def close_from(index: int):
        """Close the open elements from the top down to index."""
        if index >= 0:
            out.extend(f"</{name}>" for name in reversed(stack[index:]))
            del stack[index:]

    def cut():
        """End a part here when nothing is open and the part is long enough."""
        nonlocal part_start
        if not stack and len(out) - part_start >= _STATEMENT_PART:
            parts.append("".join(out[part_start:]))
            part_start = len(out)

    def on_start(name: str, attrs: dict[str, str]):
        if name not in STATEMENT_TAGS:
            return
        if name == "img" and not local_source(_attribute(attrs.get("src") or "")):
            return
        if name in _CLOSES_P:
            close_from(find({"p"}, _P_SCOPE))
        if name in _IMPLIED_END:
            close_from(find(*_IMPLIED_END[name]))
        cut()
        written = [name]
        for attr in (*STATEMENT_ATTRIBUTES.get(name, ()), *everywhere):
            if attr in attrs:
                written.append(f'{attr}="{html.escape(_attribute(attrs[attr]))}"')
        if name in _STATEMENT_VOID:
            out.append(f"<{' '.join(written)}>")
            cut()
        elif len(stack) < STATEMENT_DEPTH:
            stack.append(name)
            out.append(f"<{' '.join(written)}>")

    def on_end(name: str):
        if name == "br":
            out.append("<br>")
        elif name in STATEMENT_TAGS and name not in _STATEMENT_VOID:
            close_from(find({name}, ()))
        cut()

    def on_text(data: str):
        out.append(data.replace("<", "&lt;"))
        cut()

    _read_html(markup, on_text, on_start, on_end, STATEMENT_TAGS)
    close_from(0)
    parts.append("".join(out[part_start:]))
    return parts


def _http_parts(url: str) -> SplitResult | None:
    """The parts of an absolute http(s) URL with a host, or None; never raises."""
    if not url or _WHITESPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises for "x.org:99999"
    except ValueError:  # "http://[example.org]", "https://[::1", ...
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return parts


def safe_web_url(url: str | None) -> str | None:
    """Give back an absolute http(s) URL as typed, or None for anything else."""
    url = (url or "").strip()
    if len(url) > 500 or _http_parts(url) is None:
        return None
    return url


# The tokens of HTML as a browser reads it (the HTML standard's tokenizer,
# reduced to what sanitising needs): text, start tags, end tags. Comments,
# doctypes and processing instructions vanish; so do the dropped elements with
# their text. Every step moves forward, so a text is read in time linear in its
# length, whatever it holds.
_NO_ATTRIBUTES: dict[str, str] = {}
# A whole tag whose attributes read one way only (most tags): one regex match.
# Anything else (a quote right after a value, "=" first, no ">" ...) is read
# attribute by attribute below. An unquoted value must be followed by a space
# or ">", so that no way of splitting "a=x/y/z" ever has to be tried twice.
_SIMPLE_TAG = (
    r"<(?P<slash>/?)(?P<name>[A-Za-z][^\t\n\f\r />]*)"
    r"(?P<attrs>(?:[\t\n\f\r /]+[^\t\n\f\r />\"'=][^\t\n\f\r />=]*"
    r"(?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:\"[^\"]*\"|'[^']*'"
    r"|[^\t\n\f\r >\"'][^\t\n\f\r >]*(?=[\t\n\f\r >])))?)*)"
    r"[\t\n\f\r /]*>"
)
_MARKUP = re.compile(
    _SIMPLE_TAG
    + r"|<(?P<hard_slash>/?)(?P<hard_name>[A-Za-z][^\t\n\f\r />]*)"
    + r"|<(?P<comment>!--)|<[!?/]"
)
# Tags without "<" or ">" in them: each try stops at the next "<", so the
# scan is linear even where no tag ever ends.
_PLAIN_TAGS = re.compile(r"</?[A-Za-z][^<>]*>")
_ATTRIBUTE = re.compile(
    r"[\t\n\f\r /]*(?:([^\t\n\f\r />][^\t\n\f\r />=]*)[\t\n\f\r ]*"
    r"""(?:=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?)?"""
)
_COMMENT_END = re.compile(r"--!?>")
# Character references ending in ";" (as bleach kept them); a bare & is an &.
_CHARREF = re.compile(
    r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});"
)


def _decode(text: str) -> str:
    """Text with its character references (&amp; &#233; &eacute;) as characters."""
    if "&" not in text:
        return text
    return _CHARREF.sub(_charref, text)


def _charref(match: re.Match) -> str:
    """One character reference as its character (html.unescape's rules)."""
    return html.unescape(match.group())


def _read_html(text: str, on_text, on_start, on_end, wanted: frozenset = frozenset()):
    """Read HTML as a browser does, calling on_text(text), on_start(name,
    {attribute: raw value}) and on_end(name) in order, names in lower case.

    Attributes are read only for the elements named in wanted. Text keeps its
    character references; a tag that never ends is text.
    """
    size, pos, ends = len(text), 0, {}
    search = _MARKUP.search
    while pos < size:
        found = search(text, pos)
        if found is None:
            break
        start = found.start()
        if start > pos:
            on_text(text[pos:start])
        pos = found.end()
        slash, name, attrs, hard_slash, hard_name, comment = found.groups()
        if name is not None:
            name = name.lower()
            if attrs and name in wanted and not slash:
                attrs = _read_attributes(attrs + ">", 0)[0]
            else:
                attrs = _NO_ATTRIBUTES
        elif hard_name is not None:
            slash, name = hard_slash, hard_name.lower()
            attrs, pos = _read_attributes(text, pos)
            if pos < 0:  # no ">": what looked like a tag is text
                on_text(text[start:])
                return
        else:
            pos = _skip_markup(text, start, pos, comment)
            if pos < 0:  # a lone "<!" or "</" at the very end
                on_text(text[start:])
                return
            continue
        if slash:
            on_end(name)
        elif name in _DROPPED:
            pos = _end_of_dropped(text, name, pos, ends) or pos
        else:
            on_start(name, attrs)
    if pos < size:
        on_text(text[pos:])


def _ignore(*args):
    """A tag plain text has no use for."""


def _skip_markup(text: str, start: int, after: int, comment: str | None) -> int:
    """Where a comment, doctype or other bogus markup ends (-1: text at the end)."""
    if comment:  # <!-- a comment -->, or <!--> and <!---> that end at once
        if text.startswith(">", after):
            return after + 1
        if text.startswith("->", after):
            return after + 2
        close = _COMMENT_END.search(text, after)
        return close.end() if close else len(text)
    if text.startswith("/>", start + 1):  # </> is nothing
        return after + 1
    if after >= len(text):
        return -1
    close = text.find(">", after)  # <!doctype>, <?php ?>, </ x>
    return len(text) if close < 0 else close + 1


def _read_attributes(text: str, pos: int) -> tuple[dict[str, str], int]:
    """The attributes of a tag from pos, and where the tag ends (-1: it does not)."""
    attrs: dict[str, str] = {}
    size = len(text)
    while True:
        found = _ATTRIBUTE.match(text, pos)
        name = found.group(1)
        if name is not None:
            name = name.lower()
            if name not in attrs:
                value = found.group(2)
                if value is None:
                    value = found.group(3)
                    if value is None:
                        value = found.group(4) or ""
                attrs[name] = value
        pos = found.end()
        if pos >= size:
            return attrs, -1
        if text[pos] == ">":
            return attrs, pos + 1


def plain_text(markup: str) -> str:
    """The text of some HTML with every tag removed and whitespace collapsed."""
    markup = markup or ""
    # All it takes for the HTML made here; anything odder is read token by token.
    text = _PLAIN_TAGS.sub("", markup)
    if "<" in text or ">" in text or _DROPPED_START.search(markup):
        parts: list[str] = []
        _read_html(markup, parts.append, _ignore, _ignore)
        text = "".join(parts)
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
    "a": ["href", "title"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "del": ["datetime"],
    "q": ["cite"],
}
COMMENT_LINK_REL = "nofollow ugc noopener"
# Bare addresses linked in one comment; the rest stay text (a comment with more
# than a couple of links is held for moderation anyway).
COMMENT_AUTOLINK_MAX = 50
# Nesting a reader's markup may reach: deeper start tags are dropped (their text
# stays), so that no input makes the work or the output grow faster than its length.
COMMENT_INLINE_DEPTH = 8
COMMENT_QUOTE_DEPTH = 8
_COMMENT_ATTRIBUTE_TAGS = frozenset(COMMENT_ATTRIBUTES)
_INLINE = COMMENT_TAGS - {"blockquote"}
# The start tag of an inline element written without attributes.
_PLAIN_START = {name: f"<{name}>" for name in _INLINE - {"a"}}
_NO_AUTOLINK = frozenset({"a", "code"})
_NEWLINES = re.compile(r"(\n[^\S\n]*\n\s*|\n)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK_START = re.compile(r"<a\s")
# Bare addresses the reader typed in full: http(s)://… or www.…
_URL_START = re.compile(r"(?<![\w@.:/-])(?:https?://|www\.)", re.IGNORECASE)
_URL_BODY = re.compile(r"""[^\s{}|\\^`<>"]*""")
_HOST_CHARS = re.compile(r"[\w.-]+")
_URL_TRAILER = frozenset(".,;:!?'")
_TLDS = frozenset(tld.lower() for tld in bleach.linkifier.TLDS)


def strip_control_characters(text: str) -> str:
    """Text without NUL and other control characters (tab and newlines stay)."""
    return _CONTROL.sub("", text or "")


def _attribute(value: str) -> str:
    """An attribute value as the reader meant it: references decoded, no controls."""
    return strip_control_characters(_decode(value))


def _link_target(href: str | None) -> str | None:
    """An <a href> kept in a comment: absolute http(s) or mailto only."""
    if not href:
        return None
    href = _attribute(href).strip(" \t\n\f")
    if href[:7].lower() == "mailto:":
        return href if len(href) > 7 and not _WHITESPACE.search(href) else None
    return href if _http_parts(href) else None


def _link(href: str, text: str, title: str | None = None) -> tuple[str, str]:
    """The start tag of a comment link, and its text, both escaped."""
    title = f' title="{html.escape(title)}"' if title else ""
    return (
        f'<a href="{html.escape(href)}"{title} rel="{COMMENT_LINK_REL}">',
        html.escape(text, quote=False),
    )


def _start_tag(name: str, attrs: dict[str, str]) -> str | None:
    """The start tag written for an allowed element, or None for a link unwrapped.

    Tag and attribute names come from the allow-list and every value is
    escaped, so what is written is exactly what the allow-list permits.
    """
    if name == "a":
        href = _link_target(attrs.get("href"))
        if href is None:
            return None
        return _link(href, "", _attribute(attrs.get("title") or ""))[0]
    written = [name]
    for attr in COMMENT_ATTRIBUTES.get(name, ()):
        value = attrs.get(attr)
        if value is None:
            continue
        value = _attribute(value)
        if attr == "cite" and not _http_parts(value.strip()):
            continue
        written.append(f'{attr}="{html.escape(value)}"')
    return f"<{' '.join(written)}>"


def _autolink(text: str, allowed: int) -> tuple[str, int]:
    """Escaped text with the http(s):// and www. addresses typed in it linked,
    at most `allowed` of them, and how many were linked."""
    found = _URL_START.search(text) if allowed > 0 else None
    if found is None:
        return html.escape(text, quote=False), 0
    out = []
    done = linked = 0
    while found is not None and linked < allowed:
        start = found.start()
        end = _URL_BODY.match(text, start).end()
        url = _trim_url(text[start:end])
        href = url if url[:4].lower() == "http" else "http://" + url
        if _linkable(href):
            out.append(html.escape(text[done:start], quote=False))
            out.extend(_link(href, url))
            out.append("</a>")
            done = start + len(url)
            linked += 1
            found = _URL_START.search(text, done)
        else:
            found = _URL_START.search(text, found.end())
    out.append(html.escape(text[done:], quote=False))
    return "".join(out), linked


def _trim_url(url: str) -> str:
    """An address without the punctuation that ends the sentence around it.

    A closing parenthesis stays when it closes one opened inside the address
    (https://en.wikipedia.org/wiki/Tbilisi_(city)).
    """
    opened, closed = url.count("("), url.count(")")
    end = len(url)
    while end:
        last = url[end - 1]
        if last == ")" and closed > opened:
            closed -= 1
        elif last not in _URL_TRAILER:
            break
        end -= 1
    return url[:end]


def _linkable(href: str) -> bool:
    """Whether a typed address names a real host under a known top-level domain."""
    parts = _http_parts(href)
    if parts is None:
        return False
    host = parts.hostname.rstrip(".")
    if len(host) > 253 or not _HOST_CHARS.fullmatch(host) or ".." in host:
        return False
    return "." in host and host.rsplit(".", 1)[1] in _TLDS


class _CommentWriter:
    """Paragraphs, line breaks, balanced inline markup and links, in one pass.

    Reads the tokens of a reader's text and writes well-formed HTML: blank
    lines (and the reader's <p>) make paragraphs, single newlines (and <br>)
    line breaks. Inline elements left open at a paragraph break are closed and
    opened again in the next paragraph, and those a misnested end tag closes
    are opened again after it, as browsers do; every tag written again is paid
    for from a budget as long as the input, so that no input can make the
    output grow with the square of its length. Past the budget they just end.
    """

    def __init__(self, budget: int):
        self.out: list[str] = []
        # [name, start tag (None: an unwrapped link), written now, written before]
        self.inline: list[list] = []
        self.outer: list[tuple] = []  # inline state outside each open blockquote
        self.skipped_quotes = 0
        self.unopened = 0  # inline elements with a start tag, not written now
        self.no_autolink = 0  # open <a> and <code>
        self.links = 0  # open <a>
        self.in_paragraph = False
        self.pending_break = self.pending_space = False
        self.budget = budget
        self.autolinks = COMMENT_AUTOLINK_MAX

    def start(self, name: str, attrs: dict[str, str]):
        """A start tag of the reader's."""
        if name in _INLINE:
            if name == "a" and self.links:
                self.end("a")  # a link inside a link ends the first one
            if len(self.inline) >= COMMENT_INLINE_DEPTH:
                return
            tag = _PLAIN_START.get(name) if attrs is _NO_ATTRIBUTES else None
            if tag is None:
                tag = _start_tag(name, attrs)
            self.inline.append([name, tag, False, False])
            if tag is not None:
                self.unopened += 1
            if name in _NO_AUTOLINK:
                self.no_autolink += 1
                self.links += name == "a"
        elif name == "p":
            self.close_paragraph()
        elif name == "br":
            self.pending_break = self.in_paragraph
        elif name == "blockquote":
            self.open_quote(attrs)

    def end(self, name: str):
        """An end tag of the reader's; one that closes nothing is ignored."""
        if name in _INLINE:
            inline = self.inline
            index = len(inline) - 1
            while index >= 0 and inline[index][0] != name:
                index -= 1
            if index < 0:
                return
            self._close_inline(index)
            if inline.pop(index)[1] is not None:
                self.unopened -= 1
            if name in _NO_AUTOLINK:
                self.no_autolink -= 1
                self.links -= name == "a"
        elif name == "p":
            self.close_paragraph()
        elif name == "br":
            self.pending_break = self.in_paragraph
        elif name == "blockquote":
            self.close_quote()

    def text(self, data: str):
        """Characters: newlines into paragraphs and breaks, the rest written out."""
        if "&" in data:
            data = _decode(data)
        for part in _NEWLINES.split(data) if "\n" in data else (data,):
            if not part:
                continue
            if part[0] == "\n":
                if "\n" in part[1:]:
                    self.close_paragraph()
                else:
                    self.pending_break = self.in_paragraph
            elif not part.isspace():
                if not self.in_paragraph:
                    part = part.lstrip()
                self._content()
                if self.autolinks and not self.no_autolink and _URL_START.search(part):
                    part, linked = _autolink(part, self.autolinks)
                    self.autolinks -= linked
                    self.out.append(part)
                else:
                    self.out.append(
                        part.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                    )
            elif self.in_paragraph:
                self.pending_space = True

    def open_quote(self, attrs: dict[str, str]):
        """A <blockquote>: paragraphs inside it, its own inline elements."""
        if len(self.outer) >= COMMENT_QUOTE_DEPTH:
            self.skipped_quotes += 1
            return
        self.close_paragraph()
        state = (self.inline, self.unopened, self.no_autolink, self.links)
        self.outer.append(state)
        self.inline, self.unopened, self.no_autolink, self.links = [], 0, 0, 0
        self.out.append(_start_tag("blockquote", attrs))

    def close_quote(self):
        """A </blockquote>: the inline elements open before it apply again."""
        if self.skipped_quotes:
            self.skipped_quotes -= 1
        elif self.outer:
            self.close_paragraph()
            self.out.append("</blockquote>")
            self.inline, self.unopened, self.no_autolink, self.links = self.outer.pop()

    def close_paragraph(self):
        """End the current paragraph, closing the inline elements open in it."""
        self.pending_break = self.pending_space = False
        if self.in_paragraph:
            self._close_inline(0)
            self.in_paragraph = False
            self.out.append("</p>")

    def finish(self) -> str:
        """The HTML written, every element closed."""
        self.close_paragraph()
        self.skipped_quotes = 0
        while self.outer:
            self.close_quote()
        return "".join(self.out)

    def _close_inline(self, index: int):
        """Write the end tags of the inline elements from the top down to index."""
        for entry in reversed(self.inline[index:]):
            if entry[2]:
                entry[2] = False
                self.unopened += 1
                self.out.append(f"</{entry[0]}>")

    def _content(self):
        """Open a paragraph (and the inline elements) for what follows."""
        if not self.in_paragraph:
            self.in_paragraph = True
            self.out.append("<p>")
        elif self.pending_break:
            self.out.append("<br>")
        elif self.pending_space:
            self.out.append(" ")
        self.pending_break = self.pending_space = False
        if self.unopened:
            self._open_inline()

    def _open_inline(self):
        """Write the start tags of inline elements not open in the output now."""
        for entry in self.inline:
            name, tag, written, before = entry
            if written or tag is None:
                continue
            self.unopened -= 1
            if before:
                cost = len(tag) + len(name) + 3
                if cost > self.budget:
                    entry[1] = None  # out of budget: it ends here for good
                    continue
                self.budget -= cost
            entry[2] = entry[3] = True
            self.out.append(tag)


def clean_comment_html(text: str) -> Markup:
    """A reader's comment as safe HTML: allowed tags, paragraphs, linked URLs.

    Only the WordPress comment tags survive; links keep http, https and mailto
    URLs only and all carry rel="nofollow ugc noopener"; bare http(s):// and
    www. addresses are linked. Run once, when the comment is written.

    One pass over the text writes well-formed HTML of bounded nesting: every
    tag and attribute written is from the allow-list and every value escaped,
    and the time and the size of the result grow in step with the text (at
    most about six times it: "&" is written "&amp;").
    """
    text = strip_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")
    writer = _CommentWriter(budget=len(text))
    _read_html(text, writer.text, writer.start, writer.end, _COMMENT_ATTRIBUTE_TAGS)
    return Markup(writer.finish())


def count_links(markup: str) -> int:
    """How many links some HTML made by clean_comment_html holds."""
    return len(_LINK_START.findall(markup or ""))
