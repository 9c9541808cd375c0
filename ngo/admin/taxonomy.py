"""Categories (a tree) and organisations: create, rename, move, delete when unused."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ngo.admin.audit import changes, record
from ngo.admin.forms import CategoryForm, ConfirmForm, OrganisationForm, choice
from ngo.admin.views import bp, contains, paginate, requires, search_text
from ngo.authoring import make_slug, unique_slug
from ngo.extensions import db
from ngo.i18n import LANGUAGES
from ngo.models import Category, Organisation, Signature, Statement, StatementCategory
from ngo.statements.tree import CategoryTree, category_tree


def _path(tree: CategoryTree, category: Category) -> str:
    """A category's full name: "Rights › Right to life"."""
    return " › ".join(c.name for c in tree.ancestors(category.id))


def _parent_choices(tree: CategoryTree, category: Category | None) -> list:
    """Where a category may go: the top level or any category outside its own branch."""
    excluded = set(tree.descendant_ids(category.id)) if category is not None else set()
    choices = [choice(0, _("None (a top-level category)"))]
    stack = list(reversed(tree.roots))
    while stack:
        node = stack.pop()
        if node.id in excluded:
            continue
        choices.append(choice(node.id, _path(tree, node)))
        stack.extend(reversed(tree.children.get(node.id, [])))
    return choices


def _statement_counts() -> dict[int, int]:
    """How many statements each category holds directly."""
    return dict(
        db.session.execute(
            db.select(StatementCategory.category_id, db.func.count()).group_by(
                StatementCategory.category_id
            )
        ).all()
    )


@bp.get("/categories")
@requires("edit")
def categories():
    """The category tree with the number of statements in each category."""
    return render_template(
        "admin/categories.html", tree=category_tree(), counts=_statement_counts()
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@requires("edit")
def new_category():
    """Add a category, at the top level or under another."""
    tree = category_tree()
    parent = request.args.get("parent", "0")
    initial = {
        "parent": int(parent)
        if parent.isascii() and parent.isdigit() and len(parent) < 10
        else 0
    }
    form = CategoryForm(tree=tree, data=initial)
    form.parent.choices = _parent_choices(tree, None)
    if form.validate_on_submit():
        name = form.name.data

        def create():
            parent = (
                db.session.get(Category, form.parent.data) if form.parent.data else None
            )
            category = Category(
                name=name,
                name_translations=form.name_translations,
                parent=parent,
                position=form.position.data,
                slug=form.slug.data
                or unique_slug(Category, make_slug(name), parent and parent.slug),
            )
            db.session.add(category)
            db.session.flush()
            record(
                "category.create",
                category,
                details=f"under: {_path(tree, parent) if parent else '(top level)'}",
            )

        if _commit(form, create):
            flash(_("Category “%(name)s” added.", name=name))
            return redirect(url_for("admin.categories"), code=303)
    status = 422 if form.errors else 200
    return render_template("admin/category_form.html", form=form, category=None), status


def _edit_category_form(category: Category, tree, **options) -> CategoryForm:
    """The edit form of a category, filled with what it is now."""
    form = CategoryForm(
        category=category,
        tree=tree,
        data={
            "name": category.name,
            "slug": category.slug,
            "parent": category.parent_id or 0,
            "position": category.position,
        }
        | CategoryForm.initial_names(category),
        **options,
    )
    form.parent.choices = _parent_choices(tree, category)
    return form


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_category(category_id):
    """Rename a category, change its slug, or move it elsewhere in the tree."""
    tree = category_tree()
    category = tree.by_id.get(category_id) or abort(404)
    form = _edit_category_form(category, tree)
    if form.validate_on_submit():
        name = form.name.data

        def update():
            before = _category_fields(tree, category)
            category.name = name
            category.name_translations = form.name_translations
            category.parent_id = form.parent.data or None
            category.position = form.position.data
            if form.slug.data != category.slug:
                parent = tree.by_id.get(category.parent_id)
                category.slug = form.slug.data or unique_slug(
                    Category, make_slug(name), parent and parent.slug, category.id
                )
            after = _category_fields(CategoryTree.build(tree.by_id.values()), category)
            details = changes(before, after)
            if details:
                record("category.update", category, details=details)

        if _commit(form, update):
            flash(_("Category “%(name)s” saved.", name=name))
            return redirect(url_for("admin.categories"), code=303)
    status = 422 if form.errors else 200
    return _category_page(form, category, tree, status=status)


def _category_fields(tree: CategoryTree, category: Category) -> dict:
    """The audited fields of a category."""
    parent = tree.by_id.get(category.parent_id) if category.parent_id else None
    return {
        "name": category.name,
        **{
            f"name ({code})": (category.name_translations or {}).get(code)
            for code in LANGUAGES
        },
        "slug": category.slug,
        "parent": _path(tree, parent) if parent else "(top level)",
        "position": category.position,
    }


def _category_page(form, category, tree, status=200, problem=None):
    """The edit page of a category, with its delete button and its users."""
    in_use = _statement_counts().get(category.id, 0)
    return (
        render_template(
            "admin/category_form.html",
            form=form,
            category=category,
            in_use=in_use,
            children=tree.children.get(category.id, []),
            delete_form=ConfirmForm(),
            problem=problem,
        ),
        status,
    )


@bp.post("/categories/<int:category_id>/delete")
@requires("edit")
def delete_category(category_id):
    """Delete a category that no statement uses and that has no sub-categories."""
    tree = category_tree()
    category = tree.by_id.get(category_id) or abort(404)
    in_use = _statement_counts().get(category.id, 0)
    children = tree.children.get(category.id, [])
    problem = None
    if in_use:
        problem = ngettext(
            "“%(name)s” cannot be deleted: %(num)d statement uses it. Take it off "
            "that statement first.",
            "“%(name)s” cannot be deleted: %(num)d statements use it. Take it off "
            "those statements first.",
            in_use,
            name=category.name,
        )
    elif children:
        problem = _(
            "“%(name)s” cannot be deleted: it has sub-categories. Move or delete them "
            "first.",
            name=category.name,
        )
    if problem is None:
        name = category.name
        record("category.delete", category, details=f"slug: {category.slug}")
        db.session.delete(category)
        try:
            db.session.commit()
        except IntegrityError:  # a statement took it up in the meantime
            db.session.rollback()
            problem = _(
                "“%(name)s” cannot be deleted: a statement uses it now.", name=name
            )
        else:
            flash(_("Category “%(name)s” deleted.", name=name))
            return redirect(url_for("admin.categories"), code=303)
    form = _edit_category_form(category, tree, formdata=None)
    return _category_page(form, category, tree, status=409, problem=problem)


def _commit(form, write=None) -> bool:
    """Make the changes (write, if given) and commit, turning a unique-constraint
    race, at a flush on the way or at the commit, into a form error, not a 500."""
    try:
        if write is not None:
            write()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append(
            _("Someone else saved the same name or slug at the same moment. Try again.")
        )
        return False
    return True


@bp.get("/organisations")
@requires("edit")
def organisations():
    """Organisations by name, with how many statements each has signed."""
    search = search_text()
    query = db.select(Organisation).order_by(Organisation.name_key, Organisation.id)
    if search:
        query = query.where(contains(Organisation.name, search))
    pagination = paginate(query, per_page=50)
    ids = [o.id for o in pagination.items]
    signed = (
        dict(
            db.session.execute(
                db.select(Signature.organisation_id, db.func.count())
                .where(Signature.organisation_id.in_(ids))
                .group_by(Signature.organisation_id)
            ).all()
        )
        if ids
        else {}
    )
    return render_template(
        "admin/organisations.html", pagination=pagination, signed=signed, search=search
    )


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires("edit")
def new_organisation():
    """Add an organisation before it signs anything."""
    form = OrganisationForm()
    if form.validate_on_submit():
        made = []

        def create():
            organisation = Organisation(
                name=form.name.data,
                website=form.website.data or None,
                slug=unique_slug(Organisation, make_slug(form.name.data)),
            )
            db.session.add(organisation)
            db.session.flush()
            record("organisation.create", organisation)
            made.append(organisation.id)

        if _commit(form, create):
            flash(_("Organisation “%(name)s” added.", name=form.name.data))
            return redirect(
                url_for("admin.edit_organisation", organisation_id=made[0]), code=303
            )
    status = 422 if form.errors else 200
    return render_template(
        "admin/organisation_form.html", form=form, organisation=None
    ), status


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires("edit")
def edit_organisation(organisation_id):
    """Rename an organisation or change its website; see what it has signed."""
    organisation = db.get_or_404(Organisation, organisation_id)
    form = OrganisationForm(
        organisation=organisation,
        data={"name": organisation.name, "website": organisation.website or ""},
    )
    if form.validate_on_submit():
        before = {"name": organisation.name, "website": organisation.website}
        organisation.name = form.name.data
        organisation.website = form.website.data or None
        details = changes(
            before, {"name": organisation.name, "website": organisation.website}
        )
        if details:
            record("organisation.update", organisation, details=details)
        if _commit(form):
            flash(_("Organisation “%(name)s” saved.", name=organisation.name))
            return redirect(
                url_for("admin.edit_organisation", organisation_id=organisation.id),
                code=303,
            )
    status = 422 if form.errors else 200
    return _organisation_page(form, organisation, status)


def _organisation_page(form, organisation, status=200, problem=None):
    """An organisation's edit page with every statement it signed, drafts included."""
    signed = db.session.scalars(
        db.select(Statement)
        .join(Signature, Signature.statement_id == Statement.id)
        .where(Signature.organisation_id == organisation.id)
        .order_by(Statement.published_at.desc(), Statement.id.desc())
    ).all()
    return (
        render_template(
            "admin/organisation_form.html",
            form=form,
            organisation=organisation,
            signed=signed,
            delete_form=ConfirmForm(),
            problem=problem,
        ),
        status,
    )


@bp.post("/organisations/<int:organisation_id>/delete")
@requires("edit")
def delete_organisation(organisation_id):
    """Delete an organisation that has signed nothing."""
    organisation = db.get_or_404(Organisation, organisation_id)
    count = db.session.scalar(
        db.select(db.func.count()).where(Signature.organisation_id == organisation.id)
    )
    problem = None
    if count:
        problem = ngettext(
            "“%(name)s” cannot be deleted: it signs %(num)d statement. Take it off the "
            "signatories first.",
            "“%(name)s” cannot be deleted: it signs %(num)d statements. Take it off "
            "the signatories first.",
            count,
            name=organisation.name,
        )
    else:
        name = organisation.name
        record("organisation.delete", organisation)
        db.session.delete(organisation)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            problem = _(
                "“%(name)s” cannot be deleted: it signs a statement now.", name=name
            )
        else:
            flash(_("Organisation “%(name)s” deleted.", name=name))
            return redirect(url_for("admin.organisations"), code=303)
    form = OrganisationForm(
        organisation=organisation,
        formdata=None,
        data={"name": organisation.name, "website": organisation.website or ""},
    )
    return _organisation_page(form, organisation, status=409, problem=problem)
