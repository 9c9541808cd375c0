"""Atom feeds: the site's, each category's (with its sub-categories), each
organisation's, and each statement's approved comments; in every language.

A feed lists the newest statements, each once: in the feed's language where it has
a published version there, else as written (NGO_OTHER_LANGUAGES "hidden": only
those in the feed's language). Unlike the list pages, a feed keeps to the order of
publication and does not put the page's language first: a reader shows entries by
date and sees only the newest, so a statement in another language must not fall
off the end. Each entry links the statement at its own language's address.

Feeds hold nothing personal: never a commenter's email, never a comment that is
pending, spam or trash, never a draft. They are served from the page cache with
validators (ngo.feeds.documents), the same for every reader.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import load_only, selectinload

from ngo import caching
from ngo.extensions import db
from ngo.feeds import atom
from ngo.feeds.documents import cached_document
from ngo.i18n import current_language, localized, url_in
from ngo.models import (
    Comment,
    Organisation,
    Signature,
    SiteRevision,
    SlugRedirect,
    Statement,
    StatementCategory,
    utcnow,
)
from ngo.pagecache import HeadQuery
from ngo.revisions import head_now, newest_public_column, site_revision_column
from ngo.statements.tree import local_category_tree
from ngo.statements.views import in_language_or_untranslated, others_hidden, published
from ngo.urls import absolute_url, site_origin

bp = Blueprint("feeds", __name__)
# Statements in a feed, and comments in a statement's comment feed.
STATEMENTS_PER_FEED = 20
COMMENTS_PER_FEED = 50
# How long a reader or proxy may keep a feed before asking again (with validators).
FEED_MAX_AGE = 5 * 60
MIMETYPE = "application/atom+xml"
# A feed of a site, category or organisation without any statement is as old as this.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# What a feed shows of a comment: never the email, which is not even loaded.
_SHOWN_OF_COMMENT = (
    Comment.id,
    Comment.author_name,
    Comment.author_url,
    Comment.body,
    Comment.created_at,
)
# The one query of a feed answered with a 304 or from the cache.
# The newest public date moves on by itself when a scheduled statement's date comes
# (ngo.revisions): feeds and the sitemap are keyed on it too.
_SITE_HEAD = HeadQuery(
    select(
        site_revision_column(),
        select(SiteRevision.updated_at)
        .where(SiteRevision.id == 1)
        .scalar_subquery()
        .label("updated_at"),
        newest_public_column(),
    )
)
_STATEMENT_HEAD = HeadQuery(
    select(
        Statement.id,
        Statement.status,
        Statement.published_at,
        Statement.revision,
        select(SiteRevision.updated_at)
        .where(SiteRevision.id == 1)
        .scalar_subquery()
        .label("site_updated_at"),
    ).where(Statement.slug == bindparam("slug"))
)


def site_head():
    """What the site's documents are keyed on (the site revision and the newest
    public date) and when they last changed: ((0, None), None) before any change."""
    head = _SITE_HEAD.first(db.engine, **head_now(db.engine.dialect))
    changed = [m for m in (head.updated_at, head.newest_public) if m is not None]
    return (head.site_revision, head.newest_public), max(changed, default=None)


def own_url() -> str:
    """This feed's absolute address, in its language."""
    return absolute_url(url_for(request.endpoint, **request.view_args))


def statements_feed(kind: str, describe: Callable[[], tuple[str, str, Select]]):
    """A feed of the newest statements of a query.

    `describe()` gives the feed's title, the address of the page it follows and
    the query of its statements (or 404s); it runs only when the feed is built,
    so a reader whose copy is current costs one query, the site head.
    """
    revision, changed = site_head()

    def build() -> str:
        """The feed's XML: one query for the statements, one for their parts."""
        title, page_url, query = describe()
        statements = feed_statements(query)
        feed = atom.new_feed(
            feed_id=own_url(),
            title=title,
            subtitle=localized(current_app.config["SITE_TAGLINE"])
            if kind == "site"
            else None,
            updated=max((entry_updated(s) for s in statements), default=changed)
            or _EPOCH,
            self_url=own_url(),
            page_url=absolute_url(page_url),
            language=current_language(),
            author=current_app.config["SITE_NAME"],
            author_uri=absolute_url(url_for("statements.index")),
        )
        for statement in statements:
            statement_entry(feed, statement)
        return atom.serialise(feed)

    return cached_document((kind, revision), changed, build, MIMETYPE, FEED_MAX_AGE)


def feed_statements(query) -> list[Statement]:
    """The newest statements of the query for this feed's language, with their
    categories and signatories."""
    language = current_language()
    # Never a scheduled statement before its date, whatever the list's query says.
    query = query.where(Statement.public())
    if others_hidden():
        query = query.where(Statement.language == language)
    else:
        query = in_language_or_untranslated(query, language)
    query = query.options(
        selectinload(Statement.signatures).joinedload(Signature.organisation)
    ).limit(STATEMENTS_PER_FEED)
    return list(db.session.scalars(query).unique())


def entry_updated(statement: Statement) -> datetime:
    """When a statement last changed as a feed shows it."""
    return max(statement.updated_at, statement.published_at)


def statement_entry(feed, statement: Statement) -> None:
    """A statement as a feed entry: at its own language's address, its signatories
    as authors, its categories, summary and sanitised body."""
    url = absolute_url(
        url_in(statement.language, "statements.detail", slug=statement.slug)
    )
    entry = atom.new_entry(
        feed,
        entry_id=atom.tag_uri(
            site_origin(), statement.created_at, f"statement/{statement.id}"
        )
        or url,
        title=statement.title,
        url=url,
        published=statement.published_at,
        updated=entry_updated(statement),
        language=statement.language
        if statement.language != current_language()
        else None,
        hreflang=statement.language,
    )
    for signature in statement.signatures:
        organisation = signature.organisation
        atom.person(
            entry,
            "author",
            organisation.name,
            absolute_url(url_for("statements.organisation", slug=organisation.slug)),
        )
    tree = local_category_tree()
    for category in tree.trail(statement.category_ids):
        atom.element(entry, "category", term=category.slug, label=category.name)
    if statement.summary:
        atom.element(entry, "summary", statement.summary, type="text")
    atom.html_content(entry, statement.body, url)


@bp.get("/feed.atom")
def site():
    """The site's feed: the newest statements."""
    return statements_feed(
        "site",
        lambda: (
            current_app.config["SITE_NAME"],
            url_for("statements.index"),
            published(),
        ),
    )


@bp.get("/category/<slug>/feed.atom")
def category(slug):
    """A category's feed: the newest statements in it and its sub-categories."""

    def describe():
        """The category's name, page and statements (its branch's); 404 if none."""
        tree = local_category_tree()
        found = next((c for c in tree.by_id.values() if c.slug == slug), None)
        if found is None:
            abort(404)
        in_branch = db.select(StatementCategory.statement_id).where(
            StatementCategory.category_id.in_(tree.descendant_ids(found.id))
        )
        # Translators: the title of a category's feed in a feed reader;
        # %(category)s is the category's name, %(site)s the site's.
        title = _(
            "%(category)s · %(site)s",
            category=found.name,
            site=current_app.config["SITE_NAME"],
        )
        return (
            title,
            url_for("statements.category", slug=found.slug),
            published().where(Statement.id.in_(in_branch)),
        )

    return statements_feed("category", describe)


@bp.get("/organisations/<slug>/feed.atom")
def organisation(slug):
    """An organisation's feed: the newest statements it signed."""

    def describe():
        """The organisation's name, page and signed statements; 404 if none."""
        org = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
        signed = db.select(Signature.statement_id).where(
            Signature.organisation_id == org.id
        )
        # Translators: the title of an organisation's feed in a feed reader;
        # %(organisation)s is its name.
        title = _("Statements signed by %(organisation)s", organisation=org.name)
        return (
            title,
            url_for("statements.organisation", slug=org.slug),
            published().where(Statement.id.in_(signed)),
        )

    return statements_feed("organisation", describe)


@bp.get("/statements/<slug>/comments.atom")
def comments(slug):
    """A published statement's approved comments, newest first; an old slug's
    address moves (301) to the current one."""
    head = _STATEMENT_HEAD.first(db.engine, slug=slug)
    if head is None or head.status != "published" or head.published_at > utcnow():
        return moved_comments(slug) if head is None else abort(404)

    def build() -> str:
        """The feed's XML: the statement, then its newest approved comments."""
        statement = db.session.get(Statement, head.id)
        found = db.session.scalars(
            db.select(Comment)
            .options(load_only(*_SHOWN_OF_COMMENT))
            .where(Comment.statement_id == head.id, Comment.status == "approved")
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(COMMENTS_PER_FEED)
        ).all()
        page_url = absolute_url(url_for("statements.detail", slug=statement.slug))
        feed = atom.new_feed(
            feed_id=own_url(),
            # Translators: the title of a statement's comment feed in a feed
            # reader; %(title)s is the statement's title.
            title=_("Comments on “%(title)s”", title=statement.title),
            updated=max(
                [c.created_at for c in found]
                + [statement.updated_at, statement.published_at]
            ),
            self_url=own_url(),
            page_url=page_url + "#comments",
            language=current_language(),
            author=current_app.config["SITE_NAME"],
            author_uri=absolute_url(url_for("statements.index")),
        )
        for comment in found:
            comment_entry(feed, comment, page_url)
        return atom.serialise(feed)

    return cached_document(
        ("comments", head.id, head.revision),
        head.site_updated_at,
        build,
        MIMETYPE,
        FEED_MAX_AGE,
    )


def comment_entry(feed, comment: Comment, page_url: str) -> None:
    """An approved comment as a feed entry: its author's name and website (never
    the email) and its sanitised text."""
    url = f"{page_url}#comment-{comment.id}"
    entry = atom.new_entry(
        feed,
        entry_id=atom.tag_uri(
            site_origin(), comment.created_at, f"comment/{comment.id}"
        )
        or url,
        # Translators: the title of one comment in a statement's comment feed;
        # %(name)s is the commenter's name.
        title=_("Comment by %(name)s", name=comment.author_name),
        url=url,
        published=comment.created_at,
        updated=comment.created_at,
    )
    website = comment.author_url or ""
    atom.person(
        entry,
        "author",
        comment.author_name,
        website if website.startswith(("http://", "https://")) else None,
    )
    atom.html_content(entry, comment.body, url)


def moved_comments(slug: str):
    """A 301 to the comment feed of the statement that used to have this slug."""
    statement = db.session.scalar(
        db.select(Statement)
        .join(SlugRedirect, SlugRedirect.statement_id == Statement.id)
        .where(SlugRedirect.old_slug == slug, Statement.public())
    )
    if statement is None:
        abort(404)
    caching.cache_for(FEED_MAX_AGE)
    return redirect(url_for("feeds.comments", slug=statement.slug), code=301)
