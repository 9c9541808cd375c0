"""A tag's archive page, /tag/<slug>: its public statements, newest first, paginated
and cached like a category's page (ngo.statements.views: the tag's kept list, keyed
on the site revision, which a tag renamed or a statement tagged moves on); and its
Atom feed, /tag/<slug>/feed.atom, like a category's (ngo.feeds)."""

from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask_babel import gettext as _

from ngo.extensions import db
from ngo.feeds.views import statements_feed
from ngo.models import LIST_TAG, Statement, StatementTag, Tag
from ngo.statements.views import kept_page, list_page, published

bp = Blueprint("tags", __name__)


def tag_named_by(slug: str) -> Tag:
    """The tag of this address, or a 404."""
    return db.first_or_404(db.select(Tag).where(Tag.slug == slug))


def feed_title(tag: Tag) -> str:
    """The title of a tag's feed in a feed reader (and of its link in the page's
    head)."""
    # Translators: the title of a tag's feed in a feed reader; %(tag)s is the
    # tag's name, %(site)s the site's.
    return _(
        "Tag: %(tag)s · %(site)s", tag=tag.name, site=current_app.config["SITE_NAME"]
    )


@bp.get("/tag/<slug>")
def show(slug):
    """The statements with this tag, newest first, paginated."""

    def context() -> dict:
        """The tag and one page of its statements."""
        tag = tag_named_by(slug)
        return {
            "tag": tag,
            "feed_title": feed_title(tag),
            "pagination": kept_page(LIST_TAG, tag.id),
        }

    return list_page("tags/show.html", context)


@bp.get("/tag/<slug>/feed.atom")
def feed(slug):
    """A tag's feed: the newest statements with it."""

    def describe():
        """The tag's feed title, page and statements; 404 for an unknown tag."""
        tag = tag_named_by(slug)
        tagged = db.select(StatementTag.statement_id).where(
            StatementTag.tag_id == tag.id
        )
        return (
            feed_title(tag),
            url_for("tags.show", slug=tag.slug),
            published().where(Statement.id.in_(tagged)),
        )

    return statements_feed("tag", describe)
