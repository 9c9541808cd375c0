"""Public reading pages: latest statements, one statement, categories, organisations."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from ngo.accessibility.views import current_preferences
from ngo.admin.public import may_read, moved_statement
from ngo.comments.listing import comment_section, render_statement_page
from ngo.comments.moderation import comments_closed
from ngo.comments.tokens import AUTHOR_COOKIE, PENDING_COOKIE, make_stamp
from ngo.extensions import db
from ngo.models import Organisation, Signature, Statement, StatementCategory
from ngo.pagecache import render_page, shared_request, statement_pages
from ngo.security import csp_nonce
from ngo.statements.tree import category_tree
from ngo.statements.viewcount import count_view, last_counted_column, visitor_key

bp = Blueprint("statements", __name__)
# Cookies that put a reader's own data on a statement page (never shared).
PERSONAL_COOKIES = (PENDING_COOKIE, AUTHOR_COOKIE)
# Templates ask for the tree (navigation, trails); it is queried only when asked.
bp.add_app_template_global(category_tree)


def page_number() -> int:
    """The `?page=` number: a positive integer or a 404."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(404)
    return int(raw)


def published():
    """The query of statements the public may read, newest first."""
    return (
        db.select(Statement)
        .where(Statement.status == "published")
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .options(selectinload(Statement.category_links))
    )


def paginate(query):
    """One page of a statement list; past the end is 404 (page 1 may be empty)."""
    pagination = db.paginate(
        query,
        page=page_number(),
        per_page=current_app.config["STATEMENTS_PER_PAGE"],
        error_out=False,
    )
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return pagination


@bp.app_template_filter("long_date")
def long_date(value) -> str:
    """A date written out in English: "September 19, 2023"."""
    return f"{value:%B} {value.day}, {value.year}"


@bp.get("/")
def index():
    """The latest published statements, paginated."""
    pagination = paginate(published())
    return render_template("statements/index.html", pagination=pagination)


# What decides how a statement page is served, in one small query built once.
_HEAD = select(
    Statement.id,
    Statement.status,
    Statement.revision,
    Statement.views,
    Statement.comments_open,
    Statement.published_at,
    last_counted_column,
).where(Statement.slug == bindparam("slug"))


@bp.get("/statements/<slug>")
def detail(slug):
    """One statement with its trail, signatories, views counter and comments."""
    head = (
        db.session.connection()
        .execute(_HEAD, {"slug": slug, "visitor": visitor_key()})
        .first()
    )
    if (
        head is not None
        and head.status == "published"
        and shared_request(PERSONAL_COOKIES)
    ):
        return shared_statement_page(head)
    return statement_page(slug, head)


def load_statement(slug: str) -> Statement | None:
    """The statement with everything its page shows: two queries."""
    return db.session.scalar(
        db.select(Statement)
        .where(Statement.slug == slug)
        .options(
            joinedload(Statement.category_links),
            selectinload(Statement.signatures).joinedload(Signature.organisation),
        )
    )


def statement_page(slug: str, head=None):
    """The page rendered for this request alone: a reader's own data, or a draft."""
    statement = load_statement(slug)
    # Drafts are for editors only; an old slug answers 301 (ngo.admin.public).
    if statement is None or not may_read(statement):
        return moved_statement(slug) or abort(404)
    if not statement.is_published:
        views = statement.views
    else:  # no head: the statement appeared since it was read; the upsert decides
        views = count_view(statement, head.last_counted if head is not None else None)
    return render_statement_page(statement, views, comment_section(statement))


def shared_statement_page(head):
    """The page every reader with these preferences gets, from the worker's cache.

    A repeat reader costs one query (the head row, with the view check); the page is
    rendered once per revision and preference set, then only its slots are filled.
    """
    views = count_view(head, head.last_counted)
    cache = statement_pages()
    key = (
        head.id,
        head.revision,
        request.path,
        current_preferences().encode(),
        comments_closed(head),
    )
    page = cache.get(key)
    if page is None:
        statement = load_statement(request.view_args["slug"])
        page = render_page(
            "statements/detail.html",
            statement=statement,
            views=None,
            comments=comment_section(statement),
        )
        cache.put(key, page)
    values = {"views": str(views)}
    if "csrf" in page.slots:
        values["csrf"] = generate_csrf()
    if "stamp" in page.slots:
        values["stamp"] = make_stamp(head.id)
    if "nonce" in page.slots:
        values["nonce"] = csp_nonce()
    return page.fill(values)


@bp.get("/category/<slug>")
def category(slug):
    """Statements in a category and all of its sub-categories."""
    tree = category_tree()
    found = next((c for c in tree.by_id.values() if c.slug == slug), None)
    if found is None:
        abort(404)
    in_branch = db.select(StatementCategory.statement_id).where(
        StatementCategory.category_id.in_(tree.descendant_ids(found.id))
    )
    pagination = paginate(published().where(Statement.id.in_(in_branch)))
    return render_template(
        "statements/category.html",
        category=found,
        ancestors=tree.ancestors(found.id)[:-1],
        subcategories=tree.children.get(found.id, []),
        pagination=pagination,
    )


@bp.get("/organisations/<slug>")
def organisation(slug):
    """An organisation and every published statement it signed."""
    org = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
    signed = db.select(Signature.statement_id).where(
        Signature.organisation_id == org.id
    )
    pagination = paginate(published().where(Statement.id.in_(signed)))
    return render_template(
        "statements/organisation.html", organisation=org, pagination=pagination
    )
