"""Public reading pages that list statements: home, all statements, categories,
organisations. The statement page itself is ngo.statements.page.

Every list page is served like the statement page: for a reader without data of
their own (ngo.caching.shareable) from the worker's cache (ngo.pagecache), keyed by
the page's address and number, the reader's preferences and the site revision,
which every change a list shows moves on in the database (ngo.revisions). A repeat
reader costs one query, the site revision; a miss costs a fixed handful, whatever
the length of the list.
"""

from collections.abc import Callable

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from ngo import caching
from ngo.accessibility.views import current_preferences
from ngo.extensions import db
from ngo.models import Organisation, Signature, Statement, StatementCategory
from ngo.pagecache import HeadQuery, render_page, serve
from ngo.paging import page_number, paginate
from ngo.revisions import site_revision_column
from ngo.statements.tree import category_tree

bp = Blueprint("statements", __name__)
# Templates ask for the tree (navigation, trails); it is queried only when asked.
bp.add_app_template_global(category_tree)
# Organisations on one page of the directory.
ORGANISATIONS_PER_PAGE = 100
# The one query of a list page served from the cache, built once.
_SITE_HEAD = HeadQuery(select(site_revision_column()))


def published():
    """The query of statements the public may read, newest first."""
    return (
        db.select(Statement)
        .where(Statement.status == "published")
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .options(
            selectinload(Statement.category_links), undefer(Statement.signature_count)
        )
    )


def lead_statement() -> Statement | None:
    """The front page's lead: the newest featured statement, else the newest."""
    query = (
        db.select(Statement)
        .where(Statement.status == "published")
        .order_by(
            Statement.featured.desc(),
            Statement.published_at.desc(),
            Statement.id.desc(),
        )
        .limit(1)
        .options(
            joinedload(Statement.category_links), undefer(Statement.signature_count)
        )
    )
    return db.session.scalars(query).unique().first()


def statement_page_of(query):
    """One page of a statement list, as long as the site's setting says."""
    return paginate(query, current_app.config["STATEMENTS_PER_PAGE"])


def site_revision() -> int:
    """The site revision: read before the data it keys, so a page is never older."""
    return _SITE_HEAD.first(db.engine).site_revision


def list_page(template: str, context: Callable[[], dict]) -> str | bytes:
    """A list page: the cached page for a shared request, else rendered for this one.

    `context` loads what the template shows (and 404s); it runs only on a miss.
    """
    page_number()  # a bad ?page= is a 404 before anything is read
    if not caching.shareable(args=("page",)):
        return render_template(template, **context())
    key = (
        "list",
        request.path,
        request.query_string,
        site_revision(),
        current_preferences().encode(),
    )
    return serve(key, lambda: render_page(template, **context()))


@bp.get("/")
def index():
    """The front page: a lead statement, the latest others (paginated), categories."""

    def context() -> dict:
        """One page of the newest statements; on the first, the lead apart from them."""
        pagination = statement_page_of(published())
        lead = lead_statement() if pagination.page == 1 else None
        latest = [s for s in pagination.items if lead is None or s.id != lead.id]
        return {"lead": lead, "latest": latest, "pagination": pagination}

    return list_page("statements/index.html", context)


@bp.get("/statements")
def all_statements():
    """Every published statement, newest first, paginated."""
    return list_page(
        "statements/all.html", lambda: {"pagination": statement_page_of(published())}
    )


@bp.get("/category/<slug>")
def category(slug):
    """Statements in a category and all of its sub-categories."""

    def context() -> dict:
        """The category, its place in the tree, and one page of its statements."""
        tree = category_tree()
        found = next((c for c in tree.by_id.values() if c.slug == slug), None)
        if found is None:
            abort(404)
        in_branch = db.select(StatementCategory.statement_id).where(
            StatementCategory.category_id.in_(tree.descendant_ids(found.id))
        )
        return {
            "category": found,
            "ancestors": tree.ancestors(found.id)[:-1],
            "subcategories": tree.children.get(found.id, []),
            "pagination": statement_page_of(
                published().where(Statement.id.in_(in_branch))
            ),
        }

    return list_page("statements/category.html", context)


@bp.get("/organisations")
def organisations():
    """Every organisation that signed a published statement, A to Z, with counts."""

    def context() -> dict:
        """One page of organisations, and how many published statements each signed."""
        signed_published = (
            db.select(Signature.organisation_id)
            .join(Statement, Statement.id == Signature.statement_id)
            .where(Statement.status == "published")
        )
        pagination = paginate(
            db.select(Organisation)
            .where(Organisation.id.in_(signed_published))
            .order_by(Organisation.name_key, Organisation.id),
            ORGANISATIONS_PER_PAGE,
        )
        counts = dict(
            db.session.execute(
                signed_published.add_columns(func.count())
                .where(Signature.organisation_id.in_([o.id for o in pagination.items]))
                .group_by(Signature.organisation_id)
            ).all()
        )
        return {"pagination": pagination, "counts": counts}

    return list_page("statements/organisations.html", context)


@bp.get("/organisations/<slug>")
def organisation(slug):
    """An organisation and every published statement it signed."""

    def context() -> dict:
        """The organisation and one page of the statements it signed."""
        org = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
        signed = db.select(Signature.statement_id).where(
            Signature.organisation_id == org.id
        )
        return {
            "organisation": org,
            "pagination": statement_page_of(
                published().where(Statement.id.in_(signed))
            ),
        }

    return list_page("statements/organisation.html", context)
