"""Statement list and editor: Markdown in, clean HTML out, old slugs kept as 301s."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ngo.admin.audit import changes, record
from ngo.admin.forms import StatementForm, choice
from ngo.admin.views import bp, contains, paginate, requires, search_text
from ngo.authoring import (
    is_automatic_summary,
    make_slug,
    organisation_named,
    summarise,
    tag_named,
    unique_slug,
)
from ngo.extensions import db
from ngo.i18n import date_and_time, local
from ngo.markup import render_body
from ngo.models import (
    Category,
    Comment,
    Signature,
    SlugRedirect,
    Statement,
    StatementTag,
    utcnow,
)
from ngo.statements.tree import category_tree
from ngo.translation_groups import link, translations, unlink


@bp.get("/statements")
@requires("edit")
def statements():
    """Every statement, drafts too, newest first, with views and comment counts."""
    status = request.args.get("status", "")
    search = search_text()
    query = db.select(Statement).order_by(
        Statement.published_at.desc(), Statement.id.desc()
    )
    if status == "draft":
        query = query.where(Statement.status == "draft")
    elif status == "published":  # public now
        query = query.where(Statement.public())
    elif status == "scheduled":  # published with a date still to come
        query = query.where(Statement.status == "published", ~Statement.public())
    else:
        status = ""
    if search:
        query = query.where(contains(Statement.title, search))
    pagination = paginate(query)
    ids = [s.id for s in pagination.items]
    pending = (
        dict(
            db.session.execute(
                db.select(Comment.statement_id, db.func.count())
                .where(Comment.statement_id.in_(ids), Comment.status == "pending")
                .group_by(Comment.statement_id)
            ).all()
        )
        if ids
        else {}
    )
    return render_template(
        "admin/statements.html",
        pagination=pagination,
        pending=pending,
        status=status,
        search=search,
    )


@bp.route("/statements/new", methods=["GET", "POST"])
@requires("edit")
def new_statement():
    """Write a new statement (a draft until its status says published)."""
    return _editor(None)


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_statement(statement_id):
    """Change a statement; a new slug leaves the old address answering 301."""
    statement = db.get_or_404(
        Statement,
        statement_id,
        options=[
            selectinload(Statement.category_links),
            selectinload(Statement.tag_links).joinedload(StatementTag.tag),
            selectinload(Statement.signatures).joinedload(Signature.organisation),
        ],
    )
    return _editor(statement)


def _initial(statement: Statement | None) -> dict:
    """The editor's fields for a statement, or the defaults of a new one."""
    if statement is None:
        return {
            "date": utcnow().date(),
            "status": "draft",
            "comments_open": True,
            "featured": False,
            "language": current_app.config["DEFAULT_LANGUAGE"],
        } | _translating(request.args.get("translation_of", ""))
    return {
        "title": statement.title,
        "slug": statement.slug,
        "date": statement.published_at.date(),
        "summary": statement.summary,
        # Statements stored only as HTML are edited as HTML (Markdown keeps it).
        "body": statement.body_markdown
        if statement.body_markdown is not None
        else statement.body,
        "categories": statement.category_ids,
        "signatories": "\n".join(s.organisation.name for s in statement.signatures),
        "tags": ", ".join(link.tag.name for link in statement.tag_links),
        "language": statement.language,
        "translation_of": _translated_slug(statement),
        "status": statement.status,
        "comments_open": statement.comments_open,
        "featured": statement.featured,
    }


def _translating(slug: str) -> dict:
    """A new translation's fields from the statement it translates ("Add a
    translation"): that slug, its date, categories and signatories."""
    original = (
        db.session.scalar(db.select(Statement).where(Statement.slug == slug))
        if slug and len(slug) <= 200
        else None
    )
    if original is None:
        return {}
    return {
        "translation_of": original.slug,
        "date": original.published_at.date(),
        "categories": original.category_ids,
        "signatories": "\n".join(s.organisation.name for s in original.signatures),
    }


def _translated_slug(statement: Statement) -> str:
    """What "Translation of" shows: the group's first statement, or its next one
    for the first itself; empty for a statement on its own."""
    others = translations(statement)
    return others[0].slug if others else ""


def _editor(statement: Statement | None):
    """The editor page for a new or an existing statement: preview, validate, save."""
    tree = category_tree()
    current = _version(statement) if statement is not None else ""
    form = StatementForm(
        statement=statement, data=_initial(statement) | {"version": current}
    )
    form.categories.choices = [choice(c.id, c.name) for c in _tree_order(tree)]
    preview, status = None, 200
    body = render_body(form.body.data) if form.validate_on_submit() else None
    if body is None:
        status = 422 if form.is_submitted() else 200
    elif form.preview.data:
        preview = body
    elif statement is not None and form.version.data and form.version.data != current:
        # Someone saved since this editor opened the page: do not overwrite silently.
        form.form_errors.append(
            _(
                "Someone else saved this statement while you were editing it. Your "
                "text is kept below. Open the statement in another tab to see their "
                "version; press Save again to replace it with yours."
            )
        )
        form.version.data = current
        status = 409
    else:
        saved = _save(form, statement, body)
        if saved is not None:
            if saved.is_scheduled:
                flash(
                    _(
                        "Saved “%(title)s” (scheduled: public from %(date)s).",
                        title=saved.title,
                        date=date_and_time(saved.published_at),
                    )
                )
            elif saved.is_published:
                flash(_("Saved “%(title)s” (published).", title=saved.title))
            else:
                flash(_("Saved “%(title)s” (draft).", title=saved.title))
            return redirect(
                url_for("admin.edit_statement", statement_id=saved.id), code=303
            )
        status = 409
    page = render_template(
        "admin/statement_form.html",
        form=form,
        statement=statement,
        tree=tree,
        preview=preview,
        translations=translations(statement) if statement is not None else [],
    )
    return page, status


def _tree_order(tree) -> list[Category]:
    """Every category, each followed by its sub-categories (depth first)."""
    ordered = []

    def walk(parent_id):
        for category in tree.children.get(parent_id, []):
            ordered.append(category)
            walk(category.id)

    walk(None)
    return ordered


def _snapshot(statement: Statement) -> dict:
    """The audited fields of a statement, for the "what changed" of the audit log."""
    tree = category_tree()
    return {
        "title": statement.title,
        "slug": statement.slug,
        "status": statement.status,
        "date": statement.published_at.date().isoformat()
        if statement.published_at
        else None,
        "language": statement.language,
        "comments open": statement.comments_open,
        "featured": statement.featured,
        "summary": statement.summary,
        "body": statement.body,
        "categories": [
            tree.by_id[i].name for i in statement.category_ids if i in tree.by_id
        ],
        "signatories": [s.organisation.name for s in statement.signatures],
        "tags": [link.tag.name for link in statement.tag_links],
        # Linked or unlinked elsewhere meanwhile: a save would undo it (see _editor).
        "translations": sorted(
            f"{t.language}: {t.slug}" for t in translations(statement)
        ),
    }


def _version(statement: Statement) -> str:
    """A fingerprint of what editors change (not views or comment counts)."""
    return hashlib.sha256(
        repr(sorted(_snapshot(statement).items())).encode()
    ).hexdigest()[:20]


def _published_at(statement: Statement | None, day: date) -> datetime:
    """The publication time for a date: unchanged if the day is, now if it is today
    (in UTC or in the site's time zone, a day ahead of UTC in the evening: never a
    midnight still to come, which would schedule the statement), else midnight UTC
    of that day (a later day schedules it: public from then)."""
    if statement is not None and statement.published_at.date() == day:
        return statement.published_at
    now = utcnow()
    if day in (now.date(), local(now).date()):
        return now
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _save(
    form: StatementForm, statement: Statement | None, body: Markup
) -> Statement | None:
    """Write the form into the statement and commit; None if a concurrent save won
    (a unique name or slug taken at a flush on the way, or at the commit)."""
    try:
        statement = _write(form, statement, body)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        current_app.logger.warning("statement save collided", exc_info=True)
        form.form_errors.append(
            _(
                "Someone else saved a statement or organisation with the same name or "
                "slug at the same moment. Check the form and press Save again."
            )
        )
        return None
    return statement


def _write(form: StatementForm, statement: Statement | None, body: Markup) -> Statement:
    """Write the form into the statement (a new one if None), audited, uncommitted."""
    creating = statement is None
    before = None if creating else _snapshot(statement)
    old_slug = None if creating else statement.slug
    slug = form.slug.data or unique_slug(
        Statement, make_slug(form.title.data), own_id=None if creating else statement.id
    )
    if creating:
        statement = Statement(views=0)
    statement.title = form.title.data
    statement.slug = slug
    # An empty summary, or one still as made from the old body, follows the body.
    automatic = not creating and is_automatic_summary(form.summary.data, statement.body)
    if not form.summary.data or automatic:
        statement.summary = summarise(body)
    else:
        statement.summary = form.summary.data
    statement.body_markdown = form.body.data
    statement.body = str(body)
    statement.language = form.language.data
    statement.status = form.status.data
    statement.comments_open = form.comments_open.data
    statement.featured = form.featured.data
    statement.published_at = _published_at(
        None if creating else statement, form.date.data
    )
    if creating:
        db.session.add(statement)  # only now: the queries below flush it

    chosen = set(form.categories.data or [])
    kept = [i for i in ([] if creating else statement.category_ids) if i in chosen]
    order = kept + [i for i in form.categories.data or [] if i not in kept]
    statement.set_categories([db.session.get(Category, i) for i in order])
    statement.set_signatories([organisation_named(n) for n in form.organisation_names])
    statement.set_tags([tag_named(n) for n in form.tag_names])

    db.session.flush()
    if form.translation_target is not None:
        link(statement, form.translation_target)
    else:
        unlink(statement)
    if old_slug and old_slug != slug:
        db.session.merge(SlugRedirect(old_slug=old_slug, statement_id=statement.id))
    # The new slug belongs to this statement now, not to an old address of another.
    db.session.execute(db.delete(SlugRedirect).where(SlugRedirect.old_slug == slug))

    if creating:
        record("statement.create", statement, details=f"status: {statement.status}")
    else:
        after = _snapshot(statement)
        for key in ("body", "summary"):
            if before[key] != after[key]:
                before[key], after[key] = "(old text)", "(new text)"
        details = changes(before, after)
        if details:
            record("statement.update", statement, details=details)
    return statement
