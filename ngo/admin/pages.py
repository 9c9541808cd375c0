"""Simple pages (About, Contact): list, create, edit, delete, place in the footer;
Markdown in, clean HTML out, each change audited and moving the site revision on
(the page cache); ngo.revisions moves the frame revision too when the footer of
every page changes (a page added or deleted, its title, slug, position or place
in the footer changed)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ngo.admin.audit import changes, record
from ngo.admin.forms import ConfirmForm, PageForm
from ngo.admin.views import bp, requires
from ngo.authoring import make_slug, unique_slug
from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import Page
from ngo.revisions import move_site_on


@bp.get("/pages")
@requires("edit")
def pages():
    """Every simple page, in the footer's order (by position, then title)."""
    listed = db.session.scalars(
        db.select(Page).order_by(Page.position, Page.title, Page.id)
    ).all()
    return render_template("admin/pages.html", pages=listed)


@bp.route("/pages/new", methods=["GET", "POST"])
@requires("edit")
def new_page():
    """Write a new simple page."""
    return _editor(None)


@bp.route("/pages/<int:page_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_page(page_id):
    """Change a simple page's title, address or text."""
    return _editor(db.get_or_404(Page, page_id))


def _fields(page: Page) -> dict:
    """The audited fields of a page."""
    return {
        "title": page.title,
        "slug": page.slug,
        "body": page.body_markdown,
        "position": page.position,
        "in_footer": page.in_footer,
    }


def _next_position() -> int:
    """The position after the last page's, so that a new page comes last."""
    last = db.session.scalar(db.select(func.max(Page.position)))
    return 0 if last is None else last + 1


def _editor(page: Page | None):
    """The editor of a new or existing page: validate, save, audit."""
    data = {"position": _next_position()} if page is None else _fields(page)
    form = PageForm(page=page, data=data)
    if form.validate_on_submit():
        creating = page is None
        before = None if creating else _fields(page)
        try:
            # The slug first: unique_slug flushes, and a new page is added complete.
            slug = form.slug.data or unique_slug(
                Page, make_slug(form.title.data), own_id=None if creating else page.id
            )
            if creating:
                page = Page()
                db.session.add(page)
            page.title = form.title.data
            page.slug = slug
            page.body_markdown = form.body.data
            page.body = str(render_body(form.body.data))
            page.position = form.position.data
            page.in_footer = form.in_footer.data
            db.session.flush()
            if creating:
                record("page.create", page, details=f"slug: {page.slug}")
            else:
                after = _fields(page)
                if before["body"] != after["body"]:
                    before["body"], after["body"] = "(old text)", "(new text)"
                details = changes(before, after)
                if details:
                    record("page.update", page, details=details)
            move_site_on()
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.form_errors.append(
                _(
                    "Someone else saved a page with the same slug at the same moment. "
                    "Check the form and press Save again."
                )
            )
        else:
            flash(_("Page “%(title)s” saved.", title=page.title))
            return redirect(url_for("admin.edit_page", page_id=page.id), code=303)
        page = None if creating else page
    status = 422 if form.errors or form.form_errors else 200
    return (
        render_template(
            "admin/page_form.html", form=form, page=page, delete_form=ConfirmForm()
        ),
        status,
    )


@bp.post("/pages/<int:page_id>/delete")
@requires("edit")
def delete_page(page_id):
    """Delete a simple page; its address answers 404 from then on."""
    page = db.get_or_404(Page, page_id)
    title = page.title
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.edit_page", page_id=page.id), code=303)
    record("page.delete", page, details=f"slug: {page.slug}")
    db.session.delete(page)
    move_site_on()
    db.session.commit()
    flash(_("Page “%(title)s” deleted.", title=title))
    return redirect(url_for("admin.pages"), code=303)
