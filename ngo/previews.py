"""Link previews: what a page tells search engines and the apps its address is shared
in: a description, the canonical address, Open Graph and Twitter card tags, and
structured data (JSON-LD: `NewsArticle` and `BreadcrumbList` on a statement, `WebSite`
on the front page).

base.html asks `link_preview()` once per page; it reads the page's own context (the
statement, category, organisation or page it shows, an error's code, `noindex`) and
a page may fill base.html's blocks instead. Every address is absolute
(ngo.urls.absolute_url): from NGO_SITE_URL, else the request's host, which the page
cache then keys (ngo.pagecache.serve).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context
from markupsafe import Markup

from ngo.i18n import (
    LOCALES,
    current_language,
    iso_datetime,
    localized,
    page_addresses,
    url_in,
)
from ngo.icons import icon_url, png_name
from ngo.urls import absolute_url

# The square PNG made from the logo that previews show (Open Graph takes no SVG).
IMAGE_SIZE = 512
# A description made from a text is cut at a word before this many characters...
EXCERPT_LENGTH = 160
# ...and an editor's summary only when longer than this.
SUMMARY_LENGTH = 300
# What JSON may hold that would end or open markup inside <script>: escaped as JSON.
_SCRIPT_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass
class Preview:
    """What base.html prints in the head of one page."""

    description: str
    canonical: str | None  # None: the page is not to be indexed (nor linked as such)
    locale: str
    alternate_locales: list[str]
    image: str
    image_alt: str
    structured_data: list[Markup] = field(default_factory=list)


def json_ld(data: dict) -> Markup:
    """A dict as JSON that is safe as the text of a `<script>` element: no `<`, `>`
    or `&` (each written as its \\u escape, which JSON parsers read back), so no
    title can close the element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_SAFE[m[0]], text))


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain text cut at a word before `length` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def html_text(html: str) -> str:
    """The text of stored (sanitised) HTML, tags dropped and entities read."""
    return Markup(html).striptags()


def statement_url(statement) -> str:
    """A statement's canonical address: at its own language's address, as its
    hreflang alternates give it (on /hy/… an English statement is the same text
    in an Armenian frame)."""
    return absolute_url(
        url_in(statement.language, "statements.detail", slug=statement.slug)
    )


def canonical_url() -> str:
    """This page's own address, absolute, in its language, without a query but for a
    list's page number past the first."""
    url = absolute_url(request.script_root + request.path)
    page = request.args.get("page", "")
    if page.isascii() and page.isdigit() and int(page) > 1:
        url += f"?page={int(page)}"
    return url


def site_image() -> str:
    """The absolute address of the logo's square PNG."""
    return absolute_url(icon_url(png_name(IMAGE_SIZE)))


def publisher() -> dict:
    """The site as schema.org's `Organization`: name, address and logo."""
    return {
        "@type": "Organization",
        "name": current_app.config["SITE_NAME"],
        "url": absolute_url(url_for("statements.index")),
        "logo": {
            "@type": "ImageObject",
            "url": site_image(),
            "width": IMAGE_SIZE,
            "height": IMAGE_SIZE,
        },
    }


def statement_description(statement) -> str:
    """A statement's summary, else the start of its text (else a sentence)."""
    if statement.summary and statement.summary.strip():
        return excerpt(statement.summary, SUMMARY_LENGTH)
    text = excerpt(html_text(statement.body or ""))
    if text:
        return text
    return _("A statement published on %(site)s.", site=current_app.config["SITE_NAME"])


def _iso(value: datetime) -> str:
    """A stored time in ISO 8601 with the site's offset."""
    return iso_datetime(value)


def modified_at(statement) -> datetime:
    """When a statement last changed what its page shows; never before it was
    published (an imported statement's date is older than its row)."""
    published = statement.published_at
    return max(statement.updated_at or published, published)


def statement_structured_data(statement, categories) -> list[Markup]:
    """JSON-LD of a statement page: the `NewsArticle` and one `BreadcrumbList` per
    path of categories it is in (`categories`: the page's category tree).

    The signatories are the article's `author`s: a joint statement is issued by the
    organisations that sign it, and the site that carries it is its `publisher`. A
    statement no one signed is the publisher's own.
    """
    address = statement_url(statement)
    published = statement.published_at
    modified = modified_at(statement)
    signatories = [
        {
            "@type": "Organization",
            "name": signature.organisation.name,
            "url": absolute_url(
                url_for("statements.organisation", slug=signature.organisation.slug)
            ),
            **(
                {"sameAs": signature.organisation.website}
                if signature.organisation.website
                else {}
            ),
        }
        for signature in statement.signatures
    ]
    trail = categories.trail(statement.category_ids)
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": statement.title,
        "description": statement_description(statement),
        "url": address,
        "mainEntityOfPage": address,
        "inLanguage": statement.language,
        "datePublished": _iso(published),
        "dateModified": _iso(modified),
        "image": [site_image()],
        "publisher": publisher(),
        "author": signatories or [publisher()],
    }
    if trail:
        article["articleSection"] = [c.name for c in trail]
    found = [json_ld(article)]
    paths = [categories.ancestors(cid) for cid in statement.category_ids]
    ids = [[c.id for c in path] for path in paths]
    for path, path_ids in zip(paths, ids, strict=True):
        # A category given along with one below it is in that one's path already.
        if not path or any(
            len(other) > len(path_ids) and other[: len(path_ids)] == path_ids
            for other in ids
        ):
            continue
        items = [
            {
                "@type": "ListItem",
                "position": position,
                "name": category.name,
                "item": absolute_url(
                    url_for("statements.category", slug=category.slug)
                ),
            }
            for position, category in enumerate(path, start=1)
        ]
        items.append(
            {
                "@type": "ListItem",
                "position": len(items) + 1,
                "name": statement.title,
                "item": address,
            }
        )
        found.append(
            json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "BreadcrumbList",
                    "itemListElement": items,
                }
            )
        )
    return found


def website_structured_data() -> list[Markup]:
    """JSON-LD of the front page: the site as schema.org's `WebSite`."""
    site = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": current_app.config["SITE_NAME"],
        "url": absolute_url(url_for("statements.index")),
        "inLanguage": current_language(),
        "publisher": publisher(),
    }
    tagline = localized(current_app.config["SITE_TAGLINE"])
    if tagline:
        site["description"] = tagline
    return [json_ld(site)]


@dataclass(frozen=True)
class ShareLink:
    """A plain link that passes a statement on: no script, nothing loaded until
    the reader follows it."""

    network: str  # what the link shows
    label: str  # its accessible name, which contains what it shows
    href: str
    external: bool  # to another site (rel="noopener noreferrer")


def share_links(title: str, url: str) -> list[ShareLink]:
    """Links that share a statement's address and title by email, Facebook, X,
    Telegram and WhatsApp, in the page's language."""

    def q(text: str) -> str:
        return quote(text, safe="")

    def on(network: str, href: str) -> ShareLink:
        # Translators: the name screen readers read for a link that shares the
        # statement on a social network or messenger; %(network)s is its name as
        # the link shows it.
        return ShareLink(
            network, _("Share on %(network)s", network=network), href, True
        )

    return [
        ShareLink(
            # Translators: the link that shares the statement by email (it opens
            # the reader's mail program), as it shows under "Share".
            _("By email"),
            # Translators: the name screen readers read for that link; keep the
            # words it shows ("By email") in it.
            _("Share by email"),
            f"mailto:?subject={q(title)}&body={q(url)}",
            False,
        ),
        # Translators: the names of the networks on the share links: keep each as
        # readers of your language know it (most often as it is, in Latin letters).
        on(_("Facebook"), f"https://www.facebook.com/sharer/sharer.php?u={q(url)}"),
        on(_("X"), f"https://x.com/intent/tweet?url={q(url)}&text={q(title)}"),
        on(_("Telegram"), f"https://t.me/share/url?url={q(url)}&text={q(title)}"),
        on(_("WhatsApp"), f"https://wa.me/?text={q(title + ' ' + url)}"),
    ]


def _description(context) -> str:
    """A sentence about the page in its language, from what the page shows."""
    site = current_app.config["SITE_NAME"]
    endpoint = request.endpoint
    statement = context.get("statement")
    if statement is not None:  # its page, or the page a refused comment gets back
        return statement_description(statement)
    if context.get("code") is not None and context.get("message"):
        return str(context["message"])
    category = context.get("category")
    if category is not None and endpoint == "statements.category":
        return _(
            "Statements and appeals in the category “%(category)s” on %(site)s.",
            category=category.name,
            site=site,
        )
    tag = context.get("tag")
    if tag is not None and endpoint == "tags.show":
        return _(
            "Statements and appeals tagged “%(tag)s” on %(site)s.",
            tag=tag.name,
            site=site,
        )
    organisation = context.get("organisation")
    if organisation is not None and endpoint == "statements.organisation":
        return _(
            "Statements and appeals signed by %(organisation)s, on %(site)s.",
            organisation=organisation.name,
            site=site,
        )
    page = context.get("page")
    if page is not None and endpoint == "pages.show":
        text = html_text(page.body)
        if text.strip():
            return excerpt(text)
        return _("%(title)s: a page of %(site)s.", title=page.title, site=site)
    if endpoint == "statements.organisations":
        return _(
            "The organisations that signed statements on %(site)s, from A to Z.",
            site=site,
        )
    if endpoint == "statements.all_statements":
        return _(
            "Every statement and appeal published on %(site)s, newest first.",
            site=site,
        )
    tagline = localized(current_app.config["SITE_TAGLINE"])
    if endpoint == "statements.index" and tagline:
        return tagline
    return _("Statements and appeals published on %(site)s.", site=site)


def _indexable(context) -> bool:
    """Whether the page is one to index: not an error, not marked `noindex`, not a
    draft."""
    if context.get("noindex") or context.get("code") is not None:
        return False
    statement = context.get("statement")
    return statement is None or statement.is_published


@pass_context
def link_preview(context) -> Preview:
    """The link preview of the page being rendered, from its context."""
    language = current_language()
    alternates = context.get("alternates")
    addresses = page_addresses(alternates if isinstance(alternates, dict) else None)
    structured = []
    pagination = context.get("pagination")
    if (
        request.endpoint == "statements.index"
        and context.get("code") is None
        and getattr(pagination, "page", 1) == 1
    ):
        structured = website_structured_data()
    statement = context.get("statement")
    if not _indexable(context):
        canonical = None
    elif statement is not None:
        canonical = statement_url(statement)
    else:
        canonical = canonical_url()
    return Preview(
        description=_description(context),
        canonical=canonical,
        locale=LOCALES[language],
        alternate_locales=[
            LOCALES[code] for code in addresses if code != language and code in LOCALES
        ],
        image=site_image(),
        image_alt=_("Logo of %(site)s", site=current_app.config["SITE_NAME"]),
        structured_data=structured,
    )


def _check_site_url(app: Flask) -> None:
    """Stop start-up on an NGO_SITE_URL that is not an http(s) address with a host."""
    value = app.config["SITE_URL"]
    if not value:
        return
    parts = urlsplit(str(value))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RuntimeError(
            f"NGO_SITE_URL is {value!r}: it must be the site's address, "
            "such as https://rights.example.org"
        )


def init_app(app: Flask) -> None:
    """Check NGO_SITE_URL and give templates the preview helpers."""
    _check_site_url(app)
    app.jinja_env.globals.update(
        link_preview=link_preview,
        absolute_url=absolute_url,
        statement_structured_data=statement_structured_data,
        share_links=share_links,
        modified_at=modified_at,
    )
