"""Read a WordPress export (WXR) as a stream of terms and items, large or messy."""

import html
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

# Recoveries kept word for word; past this many only their number grows.
MAX_RECOVERIES_LISTED = 1000
_CHUNK = 1 << 20


@dataclass
class Site:
    """The <channel>'s own fields: the old site's name and addresses."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    language: str = ""


@dataclass
class Term:
    """A category, tag or other term of the export's term list."""

    kind: str
    term_id: int
    slug: str
    name: str
    parent_slug: str | None
    description: str


@dataclass
class Comment:
    """One comment of an item, as WordPress had it."""

    comment_id: int
    parent_id: int | None
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date_gmt: datetime | None
    date_local: datetime | None
    content: str
    approved: str
    comment_type: str
    line: int


@dataclass
class Item:
    """One post, page, attachment or other post-type entry of the export."""

    post_id: int
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    content: str
    excerpt: str
    date_gmt: datetime | None
    date_local: datetime | None
    post_name: str
    parent_id: int | None
    menu_order: int
    password: str
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    attachment_url: str = ""
    line: int = 0
    sticky: bool = False
    # "closed" in WordPress (Discussion: Allow comments unticked); open otherwise.
    comments_open: bool = True


def decode_slug(slug: str) -> str:
    """A slug as WordPress meant it: percent-decoded (UTF-8) and NFC."""
    return unicodedata.normalize("NFC", unquote(slug or "", errors="replace")).strip()


def unescape_name(name: str) -> str:
    """A term name with WordPress's one level of HTML escaping undone."""
    return html.unescape(name or "").strip()


def parse_date(text: str | None) -> datetime | None:
    """A WordPress "YYYY-MM-DD HH:MM:SS" date, naive; None for 0000-00-00 or junk."""
    text = (text or "").strip()
    if not text or text.startswith("0000"):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


# The byte stream's repairs: a bare "&" (WordPress writes commenters' websites
# unescaped) becomes "&amp;" and characters XML forbids are dropped, outside
# CDATA sections and comments; inside CDATA only the forbidden characters go.
_ENTITY = re.compile(rb"&(?:amp|lt|gt|quot|apos|#[0-9]{1,8}|#x[0-9a-fA-F]{1,8});")
_OUTSIDE = re.compile(rb"<!\[CDATA\[|<!--|&")
_ENDS = {b"cdata": b"]]>", b"comment": b"-->"}
_FORBIDDEN = bytes(c for c in range(32) if c not in (9, 10, 13))
_LOOKAHEAD = 16


class _RepairingReader:
    """A file-like reader over the export that escapes bare "&" and drops forbidden
    control characters in a single streaming pass, noting what it changed."""

    def __init__(self, raw, note):
        self.raw = raw
        self.note = note
        self.position = 0
        self.line = 1
        self.state = None  # None (markup), b"cdata" or b"comment"
        self._counted = 0  # parts of this read whose lines _noted_line counts
        self._noted_line = 1
        self.pending = b""
        self.done = False

    def read(self, size: int = -1) -> bytes:
        while not self.done:
            chunk = self.raw.read(_CHUNK)
            self.position += len(chunk)
            if not chunk:
                self.done = True
                out = self._repair(self.pending, final=True)
                self.pending = b""
                return out
            buffer = self.pending + chunk
            out = self._repair(buffer, final=False)
            if out:
                return out
        return b""

    def _repair(self, buffer: bytes, final: bool) -> bytes:
        """Repair buffer up to where the rest could still be an unfinished token;
        keep that rest pending."""
        limit = len(buffer) if final else max(0, len(buffer) - _LOOKAHEAD)
        out: list[bytes] = []
        self._counted, self._noted_line = 0, self.line
        pos = 0
        while pos < limit:
            if self.state is None:
                match = _OUTSIDE.search(buffer, pos)
                if match is None or match.start() >= limit:
                    out.append(buffer[pos:limit])
                    pos = limit
                    break
                start = match.start()
                out.append(buffer[pos:start])
                token = match.group()
                if token == b"&":
                    if _ENTITY.match(buffer, start):
                        out.append(b"&")
                    else:
                        out.append(b"&amp;")
                        self._noted(buffer, out, "a bare & escaped")
                    pos = start + 1
                else:
                    self.state = b"cdata" if token.startswith(b"<![") else b"comment"
                    out.append(token)
                    pos = match.end()
            else:
                end = buffer.find(_ENDS[self.state], pos)
                if end < 0 or end >= limit:
                    # The end marker may straddle the limit: it stays pending.
                    out.append(buffer[pos:limit])
                    pos = limit
                    break
                out.append(buffer[pos : end + 3])
                pos = end + 3
                self.state = None
        self.pending = buffer[pos:]
        text = b"".join(out)
        cleaned = text.translate(None, _FORBIDDEN)
        if len(cleaned) != len(text):
            self.note(
                f"line {self.line}: {len(text) - len(cleaned)} control "
                "character(s) XML forbids dropped (in this part of the file)"
            )
        self.line += text.count(b"\n")
        return cleaned

    def _noted(self, buffer: bytes, out: list[bytes], what: str):
        """Note a repair at the end of what is written so far (lines counted once)."""
        for part in out[self._counted :]:
            self._noted_line += part.count(b"\n")
        self._counted = len(out)
        self.note(f"line {self._noted_line}: {what}")


_ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "encoded": None,  # content:encoded / excerpt:encoded, told apart by namespace
    "post_id": "post_id",
    "post_date": "post_date",
    "post_date_gmt": "post_date_gmt",
    "post_name": "post_name",
    "status": "status",
    "post_parent": "post_parent",
    "menu_order": "menu_order",
    "post_type": "post_type",
    "post_password": "post_password",
    "is_sticky": "is_sticky",
    "comment_status": "comment_status",
    "attachment_url": "attachment_url",
}


def _local(tag) -> str:
    """An element's name without its namespace ("" for comments and the like)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _text(element) -> str:
    return element.text or ""


class Export:
    """A WXR file read as a stream: iterate for its Terms and Items, in file order.

    Memory stays flat however large the file: each element is cleared once read.
    Bare "&" are escaped and forbidden control characters dropped before the
    parser reads the bytes, and lxml recovers from anything else still broken;
    every repair is listed in `recoveries` ("line 123: …").
    """

    def __init__(self, path):
        self.path = Path(path)
        self.size = os.path.getsize(self.path)
        self.recoveries: list[str] = []
        self.recovered = 0  # all repairs, listed or not
        self._site: Site | None = None
        self._reader: _RepairingReader | None = None

    @property
    def position(self) -> int:
        """Bytes of the file read so far (for a progress bar up to `size`)."""
        return self._reader.position if self._reader else 0

    @property
    def site(self) -> Site:
        """The <channel>'s fields; read from the head of the file when asked before
        iterating."""
        if self._site is None:
            self._site = self._read_site()
        return self._site

    def _note(self, message: str):
        self.recovered += 1
        if len(self.recoveries) < MAX_RECOVERIES_LISTED:
            self.recoveries.append(message)

    def _read_site(self) -> Site:
        """The channel's fields, from a parse that stops at the first term or item."""
        site = Site()
        with open(self.path, "rb") as raw:
            reader = _RepairingReader(raw, lambda message: None)
            parser = etree.iterparse(
                reader, events=("start", "end"), recover=True, huge_tree=True
            )
            try:
                for event, element in parser:
                    name = _local(element.tag)
                    if event == "start":
                        if name in ("item", "category", "tag", "term") and (
                            name == "item" or _is_wp(element)
                        ):
                            break
                        continue
                    self._site_field(site, element, name)
            except etree.XMLSyntaxError:
                pass
        return site

    @staticmethod
    def _site_field(site: Site, element, name: str):
        parent = element.getparent()
        if parent is None or _local(parent.tag) != "channel":
            return
        value = _text(element).strip()
        if name == "title" and not _is_wp(element):
            site.title = html.unescape(value)
        elif name == "link" and not _is_wp(element):
            site.link = value
        elif name == "language":
            site.language = value
        elif name == "base_site_url":
            site.base_site_url = value
        elif name == "base_blog_url":
            site.base_blog_url = value

    def __iter__(self) -> Iterator[Term | Item]:
        site = Site()
        with open(self.path, "rb") as raw:
            self._reader = reader = _RepairingReader(raw, self._note)
            parser = etree.iterparse(
                reader, events=("end",), recover=True, huge_tree=True
            )
            log_seen = 0
            # WordPress 6.x writes each category and tag twice: as <wp:category> or
            # <wp:tag>, and again as <wp:term>; each is given once.
            terms_seen: set[tuple[str, int]] = set()
            try:
                for _event, element in parser:
                    errors = parser.error_log
                    if len(errors) > log_seen:
                        for entry in list(errors)[log_seen:]:
                            self._note(f"line {entry.line}: {entry.message.strip()}")
                        log_seen = len(errors)
                    name = _local(element.tag)
                    parent = element.getparent()
                    parent_name = _local(parent.tag) if parent is not None else ""
                    if parent_name != "channel":
                        continue
                    if name == "item" and not _is_wp(element):
                        if self._site is None:
                            self._site = site
                        yield _item(element)
                        _forget(element)
                    elif name in ("category", "tag", "term") and _is_wp(element):
                        if self._site is None:
                            self._site = site
                        term = _term(element, name)
                        _forget(element)
                        if (term.kind, term.term_id) not in terms_seen:
                            terms_seen.add((term.kind, term.term_id))
                            yield term
                    else:
                        self._site_field(site, element, name)
                        if name == "author" and _is_wp(element):
                            _forget(element)
            except etree.XMLSyntaxError as error:
                self._note(f"line {error.lineno}: {error.msg} (reading stopped)")
            errors = parser.error_log
            for entry in list(errors)[log_seen:]:
                self._note(f"line {entry.line}: {entry.message.strip()}")
            if self._site is None:
                self._site = site


def _is_wp(element) -> bool:
    """Whether an element is in WordPress's export namespace (any WXR version)."""
    tag = element.tag
    return isinstance(tag, str) and tag.startswith("{http://wordpress.org/export/")


def _forget(element):
    """Free a read element and the siblings before it (iterparse keeps them)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _term(element, kind_tag: str) -> Term:
    """A Term from <wp:category>, <wp:tag> or <wp:term>."""
    fields = {_local(child.tag): _text(child) for child in element}
    if kind_tag == "category":
        kind, slug, name = "category", "category_nicename", "cat_name"
        parent, description = "category_parent", "category_description"
    elif kind_tag == "tag":
        kind, slug, name = "post_tag", "tag_slug", "tag_name"
        parent, description = None, "tag_description"
    else:
        kind = fields.get("term_taxonomy", "").strip()
        slug, name = "term_slug", "term_name"
        parent, description = "term_parent", "term_description"
    parent_slug = decode_slug(fields.get(parent, "")) if parent else ""
    return Term(
        kind=kind,
        term_id=_int(fields.get("term_id")),
        slug=decode_slug(fields.get(slug, "")),
        name=unescape_name(fields.get(name, "")),
        parent_slug=parent_slug or None,
        description=fields.get(description, ""),
    )


def _item(element) -> Item:
    """An Item from <item>, its terms, meta and comments."""
    fields: dict[str, str] = {}
    terms: list[tuple[str, str, str]] = []
    meta: dict[str, str] = {}
    comments: list[Comment] = []
    content = excerpt = ""
    for child in element:
        name = _local(child.tag)
        if name == "encoded":
            if "excerpt" in child.tag:
                excerpt = _text(child)
            else:
                content = _text(child)
        elif name == "category" and not _is_wp(child):
            terms.append(
                (
                    child.get("domain", "category"),
                    decode_slug(child.get("nicename", "")),
                    unescape_name(_text(child)),
                )
            )
        elif name == "postmeta":
            parts = {_local(part.tag): _text(part) for part in child}
            if parts.get("meta_key"):
                meta[parts["meta_key"]] = parts.get("meta_value", "")
        elif name == "comment":
            comments.append(_comment(child))
        elif name:
            fields[name] = _text(child)
    parent_id = _int(fields.get("post_parent"))
    return Item(
        post_id=_int(fields.get("post_id")),
        post_type=fields.get("post_type", "").strip(),
        status=fields.get("status", "").strip(),
        title=html.unescape(fields.get("title", "")).strip(),
        link=fields.get("link", "").strip(),
        guid=fields.get("guid", "").strip(),
        content=content,
        excerpt=excerpt,
        date_gmt=_utc(parse_date(fields.get("post_date_gmt"))),
        date_local=parse_date(fields.get("post_date")),
        post_name=decode_slug(fields.get("post_name", "")),
        parent_id=parent_id or None,
        menu_order=_int(fields.get("menu_order")),
        password=fields.get("post_password", ""),
        terms=terms,
        meta=meta,
        comments=comments,
        attachment_url=fields.get("attachment_url", "").strip(),
        line=element.sourceline or 0,
        sticky=fields.get("is_sticky", "").strip() == "1",
        comments_open=fields.get("comment_status", "open").strip() != "closed",
    )


def _comment(element) -> Comment:
    """A Comment from <wp:comment>."""
    fields = {_local(child.tag): _text(child) for child in element}
    return Comment(
        comment_id=_int(fields.get("comment_id")),
        parent_id=_int(fields.get("comment_parent")) or None,
        author=html.unescape(fields.get("comment_author", "")).strip(),
        author_email=fields.get("comment_author_email", "").strip(),
        author_url=fields.get("comment_author_url", "").strip(),
        author_ip=fields.get("comment_author_IP", "").strip(),
        date_gmt=_utc(parse_date(fields.get("comment_date_gmt"))),
        date_local=parse_date(fields.get("comment_date")),
        content=fields.get("comment_content", ""),
        approved=fields.get("comment_approved", "").strip(),
        comment_type=fields.get("comment_type", "").strip(),
        line=element.sourceline or 0,
    )
