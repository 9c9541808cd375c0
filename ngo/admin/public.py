"""What the admin adds to the public pages: drafts for editors, 301s from old slugs."""

from __future__ import annotations

from flask import g, redirect, session, url_for

from ngo.admin.views import bp, can
from ngo.extensions import db
from ngo.models import SlugRedirect, Statement

# How long browsers may keep an old slug's 301 (not forever: slugs can change back).
REDIRECT_MAX_AGE = 24 * 60 * 60


def staff_can_see_drafts() -> bool:
    """Whether a signed-in editor (or admin) sent this request.

    Looks at the session first, so that a reader's request never loads a user.
    """
    return "_user_id" in session and can("edit")


def may_read(statement: Statement) -> bool:
    """Published statements for everyone; drafts for editors only (never cached)."""
    if statement.is_published:
        return True
    if staff_can_see_drafts():
        g.private_page = True
        return True
    return False


def moved_statement(slug: str):
    """A 301 to the statement that used to have this slug, or None (then a 404)."""
    statement = db.session.scalar(
        db.select(Statement)
        .join(SlugRedirect, SlugRedirect.statement_id == Statement.id)
        .where(SlugRedirect.old_slug == slug)
    )
    if statement is None or not may_read(statement):
        return None
    response = redirect(url_for("statements.detail", slug=statement.slug), code=301)
    if statement.is_published:
        response.headers["Cache-Control"] = f"public, max-age={REDIRECT_MAX_AGE}"
    return response


@bp.after_app_request
def keep_private_pages_private(response):
    """A draft shown to an editor is never stored by a cache or indexed."""
    if g.get("private_page"):
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.vary.add("Cookie")
    return response
