"""Atom 1.0 documents (RFC 4287) built with xml.etree, so every name, title and
body is escaped by the serialiser, never by hand.

Text that XML 1.0 cannot carry (control characters, lone surrogates) is dropped
on the way in: a feed is well-formed whatever an editor or a commenter typed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlsplit

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# What XML 1.0 does not allow in a document: C0 controls but tab, newline and
# carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A tag URI's authority (RFC 4151): a DNS name, without a port.
_DNS_NAME = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def xml_text(value) -> str:
    """A value as text XML can carry."""
    return _NOT_XML.sub("", str(value))


def rfc3339(moment: datetime) -> str:
    """A stored time in UTC, RFC 3339: "2023-09-19T10:00:00Z"."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat("T", "seconds") + "Z"


def tag_uri(origin: str, minted: datetime, specific: str) -> str | None:
    """A tag URI (RFC 4151) for something of this site: "tag:example.org,2023-09-19:
    statement/42"; None where the site's host is no DNS name (an IPv6 address)."""
    host = urlsplit(origin).hostname or ""
    if not _DNS_NAME.match(host):
        return None
    return f"tag:{host.lower()},{minted.astimezone(UTC).date().isoformat()}:{specific}"


def element(parent: ET.Element, tag: str, text=None, **attributes) -> ET.Element:
    """A child element with this text and these attributes (None ones left out)."""
    child = ET.SubElement(
        parent,
        tag,
        {
            key: xml_text(value)
            for key, value in attributes.items()
            if value is not None
        },
    )
    if text is not None:
        child.text = xml_text(text)
    return child


def person(parent: ET.Element, tag: str, name: str, uri: str | None = None) -> None:
    """An atom:author (or contributor): a name and, if given, an address."""
    who = element(parent, tag)
    element(who, "name", name)
    if uri:
        element(who, "uri", uri)


def link(parent: ET.Element, href: str, rel: str, type: str, **attributes) -> None:
    """An atom:link."""
    element(parent, "link", href=href, rel=rel, type=type, **attributes)


def new_feed(
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    self_url: str,
    page_url: str,
    language: str,
    author: str,
    author_uri: str,
    subtitle: str | None = None,
) -> ET.Element:
    """An atom:feed with everything RFC 4287 requires of it and its two links."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: language})
    element(feed, "id", feed_id)
    element(feed, "title", title, type="text")
    if subtitle:
        element(feed, "subtitle", subtitle, type="text")
    element(feed, "updated", rfc3339(updated))
    link(feed, self_url, "self", ATOM_TYPE)
    link(feed, page_url, "alternate", "text/html")
    person(feed, "author", author, author_uri)
    return feed


def new_entry(
    feed: ET.Element,
    *,
    entry_id: str,
    title: str,
    url: str,
    published: datetime,
    updated: datetime,
    language: str | None = None,
    hreflang: str | None = None,
) -> ET.Element:
    """An atom:entry with its id, title, link and dates; the caller adds the rest."""
    entry = element(feed, "entry", **({XML_LANG: language} if language else {}))
    element(entry, "id", entry_id)
    element(entry, "title", title, type="text")
    link(entry, url, "alternate", "text/html", hreflang=hreflang)
    element(entry, "published", rfc3339(published))
    element(entry, "updated", rfc3339(max(updated, published)))
    return entry


def html_content(entry: ET.Element, html: str, base: str) -> None:
    """The entry's content: HTML (already sanitised) as escaped text, relative
    addresses in it read against `base`."""
    element(entry, "content", html, type="html", **{XML_BASE: base})


def serialise(feed: ET.Element) -> str:
    """The document, with its XML declaration."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        feed, encoding="unicode"
    )
