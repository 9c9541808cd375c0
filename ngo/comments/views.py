"""Posting comments: POST /statements/<slug>/comments; the form comes back on refusal.

Status codes, the same for every refusal: 303 on success (to the comment's
anchor); 422 when a field is invalid; 400 when the CSRF token is missing or
stale; 403 when comments are closed; 409 for a duplicate; 429 for a flood.
Every refusal re-renders the statement page with everything the reader typed.
"""

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from ngo import caching, outages
from ngo.comments.forms import CommentForm
from ngo.comments.listing import comment_section
from ngo.comments.moderation import comments_closed
from ngo.comments.posting import early_refusal, post_comment, prune_flood_records
from ngo.comments.tokens import (
    AUTHOR_COOKIE,
    add_pending,
    forget_author,
    remember_author,
)
from ngo.errors import render_error
from ngo.extensions import db
from ngo.models import SlugRedirect, Statement

# The statement page's owner shows a refused comment again; imported as a module,
# because that page also takes its comment section from this package.
from ngo.statements import page as statement_page

bp = Blueprint("comments", __name__)

REFUSALS = {"duplicate": 409, "flood": 429}


def _published(slug: str) -> Statement | None:
    """The statement with this slug the public may read (one light query), or
    None: a draft, or a scheduled statement before its date, takes no comment."""
    return db.session.scalar(
        db.select(Statement).where(Statement.slug == slug, Statement.public())
    )


def _moved(slug: str):
    """A 308 to the comments URL of a statement renamed since its form was served.

    308 keeps the method and the body, so the browser posts the reader's text
    again to the new address instead of losing it to a 404.
    """
    current = db.session.scalar(
        db.select(Statement.slug)
        .join(SlugRedirect, SlugRedirect.statement_id == Statement.id)
        .where(SlugRedirect.old_slug == slug, Statement.public())
    )
    if current is None:
        return render_error(NotFound())
    return redirect(url_for("comments.create", slug=current), 308)


def _refuse(statement: Statement, form: CommentForm | None, status: int, notice=None):
    """The statement page again, with the posted text and why it was not stored."""
    kept = None
    if form is None:
        kept = request.form.get("comment", "")[:70_000] or None
    section = comment_section(statement, form=form, notice=notice, kept_text=kept)
    response = statement_page.render_statement_page(
        statement, statement.views, section, status
    )
    if status == 429:
        response.headers["Retry-After"] = str(
            max(1, int(current_app.config["COMMENT_FLOOD_SECONDS"]))
        )
    return response


@bp.post("/statements/<slug>/comments")
def create(slug):
    """Post a comment or reply: stored and a 303 to it, or the form back with why."""
    statement = _published(slug)
    if statement is None:
        return _moved(slug)
    if comments_closed(statement):
        return _refuse(statement, None, 403, notice="closed")
    form = CommentForm(statement=statement)
    # Cheap checks first (CSRF ran before the view): the fields and their
    # lengths, then one read for a duplicate or a flood; only then the cleaning.
    if not form.validate_on_submit():
        return _refuse(statement, form, 422)
    refusal = early_refusal(statement, form)
    if refusal:
        return _refuse(statement, form, REFUSALS[refusal], notice=refusal)
    if not form.clean():
        return _refuse(statement, form, 422)
    posted = post_comment(statement, form)
    if posted.refusal:
        return _refuse(statement, form, REFUSALS[posted.refusal], notice=posted.refusal)

    comment = posted.comment
    response = redirect(
        url_for("statements.detail", slug=slug, _anchor=f"comment-{comment.id}"), 303
    )
    if comment.status == "pending":
        add_pending(response, comment.id)
        # Translators: shown at the top of the page after a comment was posted
        # that a moderator must approve before others can read it.
        flash(_("Thank you. Your comment is awaiting moderation."), "success")
    elif comment.status == "approved":
        # Translators: shown after a comment was posted and published at once.
        flash(_("Thank you. Your comment is published."), "success")
    if form.remember.data:
        remember_author(response, form.author.data, form.email.data, form.url.data)
    elif request.cookies.get(AUTHOR_COOKIE):
        forget_author(response)
    return response


@bp.get("/statements/<slug>/comments")
def form_page(slug):
    """The form lives on the statement page; a GET (a reload, a link) goes there."""
    return redirect(url_for("statements.detail", slug=slug, _anchor="respond"), 303)


@bp.cli.command("prune")
def prune():
    """Forget flood-guard records older than the window (`flask comments prune`)."""
    click.echo(f"{prune_flood_records()} old flood-guard records deleted.")


@outages.fallback("comments.create")
def unavailable_form(status: int = 503):
    """The database cannot take the comment: 503, the form with everything typed.

    Rendered without the database (the statement cannot be read): the site's own
    error page holding the form, its fields as posted, to post again in a minute.
    """
    form = CommentForm()  # the posted fields, neither validated nor read further
    slug = (request.view_args or {}).get("slug", "")
    caching.mark_personal()
    html = render_template(
        "errors/error.html",
        code=status,
        # Translators: the title of the page a comment gets back when the site
        # cannot store it (its database is down); the form follows, kept.
        title=_("Your comment was not posted"),
        message=_(
            "The site cannot save comments just now. Everything you typed is "
            "kept below: please post it again in a minute."
        ),
        comment_form=form,
        comment_action=url_for("comments.create", slug=slug),
    )
    response = make_response(html, status)
    response.headers["Retry-After"] = str(outages.retry_after())
    return response


@bp.errorhandler(CSRFError)
def expired_form(error):
    """A missing or stale CSRF token: 400, the form and its text kept to send again."""
    try:
        statement = _published((request.view_args or {}).get("slug", ""))
    except Exception as failure:
        if request.endpoint != "comments.create" or outages.absorb(failure) is None:
            raise
        outages.bare_frame()
        return unavailable_form(400)  # still refused: the token was not valid
    if statement is None or request.endpoint != "comments.create":
        return render_error(error)
    if comments_closed(statement):
        return _refuse(statement, None, 403, notice="closed")
    form = CommentForm(statement=statement)
    return _refuse(statement, form, 400, notice="expired")
