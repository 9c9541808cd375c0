"""/sitemap.xml and /robots.txt, for crawlers: one address for every language.

The sitemap lists every published statement once, at its own language's address,
and in every language the pages around them: the front page, the lists of
statements and organisations, the archive, each category, organisation and tag
that has a published statement, and each simple page; each with `lastmod`. Past
`SITEMAP_LIMIT` addresses (the protocol's 50,000) /sitemap.xml becomes a sitemap
index of parts at /sitemap-1.xml, /sitemap-2.xml…: the pages first, then the
statements, oldest first. Every part comes from the page cache
under the site revision, with validators (ngo.feeds.documents).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote

from flask import Response, abort, current_app, redirect, request, url_for
from sqlalchemy import func, type_coerce

from ngo import caching
from ngo.extensions import db
from ngo.feeds.atom import xml_text
from ngo.feeds.documents import cached_document
from ngo.feeds.views import bp, site_head
from ngo.i18n import LANGUAGES, current_language, root_url, url_in
from ngo.models import (
    Organisation,
    Page,
    Signature,
    Statement,
    StatementCategory,
    StatementTag,
    Tag,
)
from ngo.statements.tree import category_tree
from ngo.urls import absolute_url

# The most addresses one sitemap may hold (sitemaps.org); past it, an index.
SITEMAP_LIMIT = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# How long a crawler may keep the sitemap and robots.txt before asking again.
SITEMAP_MAX_AGE = 60 * 60
ROBOTS_MAX_AGE = 24 * 60 * 60
# Where staff work (ngo.admin), kept out of crawlers in every language.
ADMIN_PATH = "/admin/"
# How werkzeug writes a path segment (its default converter's `to_url`), and a
# slug it writes as it is.
_SEGMENT_SAFE = "!$&'()*+,/:;=@"
_PLAIN_SLUG = re.compile(r"[A-Za-z0-9_.~-]+\Z")


class Address(NamedTuple):
    """One address of the sitemap and when what it shows last changed."""

    loc: str
    lastmod: datetime | None


def _changed(*moments: datetime | None) -> datetime | None:
    """The latest of some times, None if none is known."""
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def _newest_public(model, link_column):
    """(slug, newest public date) of each organisation or tag (`model`) that has a
    public statement, through its link table's `link_column` (a covering index)."""
    link = link_column.class_
    newest = (
        db.select(
            link_column.label("id"), func.max(Statement.published_at).label("newest")
        )
        .join(Statement, Statement.id == link.statement_id)
        .where(Statement.public())
        .group_by(link_column)
        .subquery()
    )
    return db.session.execute(
        db.select(model.slug, newest.c.newest)
        .join(newest, newest.c.id == model.id)
        .order_by(model.id)
    )


def page_addresses(site_changed: datetime | None) -> list[Address]:
    """Every address but the statements': each page in every language.

    The lists change with the site revision (`site_changed`); a category or an
    organisation when one of its statements is published; a page when edited.
    The groupings read indexes only (status, published_at, id and the link
    tables' keys), never the statements' rows.
    """
    addresses = []

    def everywhere(endpoint: str, lastmod: datetime | None, **values) -> None:
        """The page in every language."""
        for code in LANGUAGES:
            addresses.append(
                Address(absolute_url(url_in(code, endpoint, **values)), lastmod)
            )

    for endpoint in (
        "statements.index",
        "statements.all_statements",
        "statements.organisations",
        "statements.archive",
    ):
        everywhere(endpoint, site_changed)
    for slug, lastmod in category_changes():
        everywhere("statements.category", lastmod, slug=slug)
    for slug, newest in _newest_public(Organisation, Signature.organisation_id):
        everywhere("statements.organisation", newest, slug=slug)
    for slug, newest in _newest_public(Tag, StatementTag.tag_id):
        everywhere("tags.show", newest, slug=slug)
    for slug, updated in db.session.execute(
        db.select(Page.slug, Page.updated_at).order_by(Page.id)
    ):
        everywhere("pages.show", updated, slug=slug)
    return addresses


def category_changes() -> list[tuple[str, datetime]]:
    """Each category with a published statement in its branch, and when the newest
    of them was published: one grouped query, rolled up the tree in Python."""
    own = dict(
        db.session.execute(
            db.select(StatementCategory.category_id, func.max(Statement.published_at))
            .join(Statement, Statement.id == StatementCategory.statement_id)
            .where(Statement.public())
            .group_by(StatementCategory.category_id)
        ).all()
    )
    tree = category_tree()
    found = []
    for category in sorted(tree.by_id.values(), key=lambda c: c.id):
        lastmod = _changed(*(own.get(i) for i in tree.descendant_ids(category.id)))
        if lastmod is not None:
            found.append((category.slug, lastmod))
    return found


def published_count() -> int:
    """How many statements the sitemap lists."""
    return db.session.scalar(
        db.select(func.count()).select_from(Statement).where(Statement.public())
    )


def statement_addresses(offset: int, limit: int) -> list[Address]:
    """Published statements, oldest first, each at its own language's address."""
    if limit <= 0:
        return []
    prefixes = {}
    for code in LANGUAGES:
        # The address of a statement whose slug is "-", cut before the slug.
        prefixes[code] = absolute_url(url_in(code, "statements.detail", slug="-"))[:-1]
    default = current_app.config["DEFAULT_LANGUAGE"]
    rows = db.session.execute(
        db.select(Statement.slug, Statement.language, _last_change())
        .where(Statement.public())
        # Along the (status, published_at, id) index: an offset skips index entries.
        .order_by(Statement.published_at, Statement.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        Address(
            prefixes.get(language, prefixes[default])
            + (slug if _PLAIN_SLUG.match(slug) else quote(slug, safe=_SEGMENT_SAFE)),
            changed,
        )
        for slug, language, changed in rows
    ]


def _last_change():
    """The later of a statement's publication and last change, as one column."""
    later = func.greatest if db.engine.dialect.name == "postgresql" else func.max
    return type_coerce(
        later(Statement.updated_at, Statement.published_at), Statement.updated_at.type
    )


def part_addresses(part: int, pages: list[Address]) -> list[Address]:
    """The addresses of one part (1, 2…) of the sitemap: the pages first, then the
    statements."""
    start, end = (part - 1) * SITEMAP_LIMIT, part * SITEMAP_LIMIT
    chosen = pages[start:end]
    first_statement = max(0, start - len(pages))
    return chosen + statement_addresses(first_statement, end - start - len(chosen))


def urlset(addresses: list[Address]) -> str:
    """A sitemap of these addresses."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for address in addresses:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = xml_text(address.loc)
        if address.lastmod is not None:
            ET.SubElement(url, "lastmod").text = w3c_datetime(address.lastmod)
    return _document(root)


def sitemap_index(parts: int) -> str:
    """A sitemap index of the parts."""
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for part in range(1, parts + 1):
        sitemap = ET.SubElement(root, "sitemap")
        ET.SubElement(sitemap, "loc").text = absolute_url(
            url_for("feeds.sitemap_part", part=str(part))
        )
    return _document(root)


def w3c_datetime(moment: datetime) -> str:
    """A time as the sitemap protocol writes it: "2023-09-19T10:00:00+00:00"."""
    return moment.replace(microsecond=0).isoformat()


def _document(root: ET.Element) -> str:
    """The XML document, with its declaration."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        root, encoding="unicode"
    )


def parts_of(total: int) -> int:
    """How many parts a sitemap of this many addresses has (1: no index)."""
    return max(1, -(-total // SITEMAP_LIMIT))


def in_default_language():
    """A 301 to the one address of a language-free document asked for under a
    language prefix (/hy/sitemap.xml), else None."""
    if current_language() == current_app.config["DEFAULT_LANGUAGE"]:
        return None
    caching.cache_for(ROBOTS_MAX_AGE)
    return redirect(url_for(request.endpoint, **request.view_args), code=301)


@bp.get("/sitemap.xml")
def sitemap():
    """The sitemap, or the index of its parts past SITEMAP_LIMIT addresses."""
    if (moved := in_default_language()) is not None:
        return moved
    revision, changed = site_head()

    def build() -> str:
        """Every address, or the index when there are too many for one sitemap."""
        pages = page_addresses(changed)
        total = len(pages) + published_count()
        if total > SITEMAP_LIMIT:
            return sitemap_index(parts_of(total))
        return urlset(part_addresses(1, pages))

    return cached_document(
        ("sitemap", revision, SITEMAP_LIMIT),
        changed,
        build,
        "application/xml",
        SITEMAP_MAX_AGE,
    )


@bp.get("/sitemap-<part>.xml")
def sitemap_part(part: str):
    """One part of a sitemap too long for one file; 404 when there is no index."""
    if not (part.isascii() and part.isdigit()) or part.startswith("0") or len(part) > 6:
        abort(404)
    if (moved := in_default_language()) is not None:
        return moved
    number = int(part)
    revision, changed = site_head()

    def build() -> str:
        """The part's addresses; 404 for a part the sitemap has not."""
        pages = page_addresses(changed)
        total = len(pages) + published_count()
        if total <= SITEMAP_LIMIT or number > parts_of(total):
            abort(404)
        return urlset(part_addresses(number, pages))

    return cached_document(
        ("sitemap", revision, SITEMAP_LIMIT),
        changed,
        build,
        "application/xml",
        SITEMAP_MAX_AGE,
    )


@bp.get("/robots.txt")
def robots():
    """Crawlers: everything but the admin (in every language), and the sitemap."""
    if (moved := in_default_language()) is not None:
        return moved
    lines = ["User-agent: *"]
    lines += [f"Disallow: {root_url(ADMIN_PATH, code)}" for code in LANGUAGES]
    lines += ["", f"Sitemap: {absolute_url(url_for('feeds.sitemap'))}", ""]
    caching.cache_for(ROBOTS_MAX_AGE)
    return Response("\n".join(lines), mimetype="text/plain")
