"""The statement page, from one owner: who may read it, old addresses, the view
count, shared or personal, rendering and caching.

A reader's GET costs one query when the page is in the worker's cache: the head
row (`_HEAD`) carries the statement's revision, the frame revision, the view count
and when this reader last counted. The page is rendered once per revision,
preference set and state of the comment form, and only its slots (views, CSRF
token, form stamp, nonce) are made per request. A request with the reader's own
data (ngo.caching.is_personal), a query string, a draft or a scheduled statement
(published with a date still to come: a draft for the public until then) is
rendered for that reader alone. ngo.comments supplies the comment section; the
admin tells this module who may read drafts (`allow_previews`), so nothing here
imports it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from ngo import caching, i18n
from ngo.accessibility.views import current_preferences
from ngo.comments.listing import CommentSection, comment_section
from ngo.comments.moderation import comments_closed
from ngo.comments.tokens import make_stamp
from ngo.extensions import db
from ngo.i18n import number
from ngo.models import Signature, SlugRedirect, Statement, StatementTag, utcnow
from ngo.pagecache import HeadQuery, render_page, serve
from ngo.revisions import frame_revision_column, head_now, newest_version_column
from ngo.statements.viewcount import count_view, last_counted_column, visitor_key
from ngo.statements.views import bp

# How long browsers may keep an old slug's 301 (not forever: slugs can change back).
REDIRECT_MAX_AGE = 24 * 60 * 60
# Where the app keeps the check that lets a request see drafts (see allow_previews).
_PREVIEWS = "ngo.statement_previews"

# What decides how a statement page is served, in one small query built once.
_HEAD = HeadQuery(
    select(
        Statement.id,
        Statement.status,
        Statement.revision,
        frame_revision_column(),
        Statement.views,
        Statement.comments_open,
        Statement.published_at,
        last_counted_column,
        newest_version_column(),
    ).where(Statement.slug == bindparam("slug"))
)


def allow_previews(app: Flask, check: Callable[[], bool]) -> None:
    """Let requests for which `check()` is true read drafts (the admin's editors)."""
    app.extensions[_PREVIEWS] = check


def may_read(statement: Statement) -> bool:
    """Published statements for everyone; drafts for previewers only, never cached."""
    if statement.is_published:
        return True
    check = current_app.extensions.get(_PREVIEWS)
    if check is not None and check():
        caching.mark_personal(noindex=True)
        return True
    return False


@bp.get("/statements/<slug>")
def detail(slug):
    """One statement with its trail, signatories, views counter and comments."""
    # A repeat reader needs no ORM session at all.
    head = _HEAD.first(
        db.engine, slug=slug, visitor=visitor_key(), **head_now(db.engine.dialect)
    )
    if head is not None and is_public(head) and caching.shareable():
        return shared_page(head)
    return own_page(slug, head)


def is_public(head) -> bool:
    """Whether the head's statement is one the public may read: published, and its
    date has come (before it, a scheduled statement is read as a draft is)."""
    return head.status == "published" and head.published_at <= utcnow()


def load_statement(slug: str) -> Statement | None:
    """The statement with everything its page shows: three queries."""
    return db.session.scalar(
        db.select(Statement)
        .where(Statement.slug == slug)
        .options(
            joinedload(Statement.category_links),
            selectinload(Statement.tag_links).joinedload(StatementTag.tag),
            selectinload(Statement.signatures).joinedload(Signature.organisation),
        )
    )


def shared_page(head) -> bytes:
    """The page every reader with these preferences gets, from the worker's cache."""
    views = count_view(head, head.last_counted)
    key = (
        "statement",
        head.id,
        head.revision,
        head.frame_revision,
        request.path,
        current_preferences().encode(),
        comments_closed(head),
        # A version in another language coming due adds its link, with no write.
        head.newest_version,
    )

    def render():
        """The page with its per-request values left as slots."""
        statement = load_statement(request.view_args["slug"])
        return render_page(
            "statements/detail.html",
            statement=statement,
            views=None,
            comments=comment_section(statement),
            **versions(statement),
        )

    return serve(key, render, views=number(views), stamp=lambda: make_stamp(head.id))


def own_page(slug: str, head=None) -> Response:
    """The page rendered for this request alone: a reader's own data, or a draft."""
    statement = load_statement(slug)
    if statement is None or not may_read(statement):
        return moved_statement(slug) or abort(404)
    if not statement.is_published:
        views = statement.views
    else:  # no head: the statement appeared since it was read; the upsert decides
        views = count_view(statement, head.last_counted if head is not None else None)
    return render_statement_page(statement, views, comment_section(statement))


def moved_statement(slug: str) -> Response | None:
    """A 301 to the statement that used to have this slug, or None (then a 404)."""
    statement = db.session.scalar(
        db.select(Statement)
        .join(SlugRedirect, SlugRedirect.statement_id == Statement.id)
        .where(SlugRedirect.old_slug == slug)
    )
    if statement is None or not may_read(statement):
        return None
    if statement.is_published:
        caching.cache_for(REDIRECT_MAX_AGE)
    return redirect(url_for("statements.detail", slug=statement.slug), code=301)


def render_statement_page(
    statement: Statement, views: int, section: CommentSection, status: int = 200
) -> Response:
    """The statement page with this comment section, rendered for this request.

    Also what a refused comment gets back (ngo.comments.views), with its text.
    """
    html = render_template(
        "statements/detail.html",
        statement=statement,
        views=views,
        comments=section,
        **versions(statement),
    )
    return make_response(html, status)


def versions(statement: Statement) -> dict:
    """The page's links to the statement in other languages, for the template.

    `alternates`: language → address of each published version, itself included,
    each at its own language's address (hreflang). `translations`: the others, in
    the switcher's order, (language, address). `switch`: where the language
    switcher goes, for every language: that version, else that language's list of
    statements with a note that this one has no version in it. One query, and
    none for a statement without translations; ngo.revisions moves the revision of
    every statement of a group when one joins, leaves or changes, so a cached page
    never links a version that went, or misses one that came.
    """
    found = [(statement.language, statement.slug)]
    if statement.translation_group is not None:
        found += db.session.execute(
            select(Statement.language, Statement.slug).where(
                Statement.translation_group == statement.translation_group,
                Statement.id != statement.id,
                Statement.public(),
            )
        ).all()
    alternates = {
        language: i18n.url_in(language, "statements.detail", slug=slug)
        for language, slug in found
    }
    translations = [
        (code, alternates[code])
        for code in i18n.LANGUAGES
        if code in alternates and code != statement.language
    ]
    switch = {
        code: alternates.get(code)
        or i18n.url_in(code, "statements.all_statements", untranslated=statement.slug)
        for code in i18n.LANGUAGES
    }
    return {"alternates": alternates, "translations": translations, "switch": switch}
