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
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import and_, exists, func, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload, undefer

from ngo import caching
from ngo.accessibility.views import current_preferences
from ngo.extensions import db
from ngo.i18n import current_language
from ngo.models import Organisation, Signature, Statement, StatementCategory
from ngo.pagecache import HeadQuery, render_page, serve
from ngo.paging import page_number, paginate
from ngo.revisions import head_now, newest_public_column, site_revision_column
from ngo.statements.tree import local_category_tree

bp = Blueprint("statements", __name__)
# Templates ask for the tree (navigation, trails), named in the page's language; it
# is queried only when asked.
bp.add_app_template_global(local_category_tree, name="category_tree")
# Organisations on one page of the directory.
ORGANISATIONS_PER_PAGE = 100
# The one query of a list page served from the cache, built once: the site revision
# and the newest public date, which a scheduled statement moves on when its date
# comes (ngo.revisions).
_SITE_HEAD = HeadQuery(select(site_revision_column(), newest_public_column()))


NEWEST = (Statement.published_at.desc(), Statement.id.desc())
# The front page's lead: the newest featured statement, else the newest.
LEAD = (Statement.featured.desc(), *NEWEST)


def published():
    """The query of statements the public may read, newest first."""
    return (
        db.select(Statement)
        .where(Statement.status == "published")
        .order_by(*NEWEST)
        .options(
            selectinload(Statement.category_links), undefer(Statement.signature_count)
        )
    )


def others_hidden() -> bool:
    """Whether lists leave out statements in other languages than the page's
    (NGO_OTHER_LANGUAGES "hidden"; "after" lists them after its own)."""
    return current_app.config["OTHER_LANGUAGES"] == "hidden"


def in_language_or_untranslated(query, language: str):
    """The query's statements in `language`, and the others that have no published
    version in it (a statement listed once, in the page's language where it can).
    The test of a version is one probe of the (translation_group, language) index."""
    version = aliased(Statement)
    translated = exists().where(
        and_(
            version.translation_group == Statement.translation_group,
            version.language == language,
            version.status == "published",
        )
    )
    return query.where(
        or_(
            Statement.language == language,
            Statement.translation_group.is_(None),
            ~translated,
        )
    )


def language_first(query, language: str, order: tuple, window: int):
    """The query's statements in `language` first, then the others, each part in
    `order`: enough of each for its first `window` rows.

    Each part is its own SELECT ... ORDER BY ... LIMIT, read along an index in
    order (status, language, published_at, id and status, published_at, id), so
    the cost is that of `window` rows, never of sorting every statement by a
    computed language key.
    """

    def part(rank: int, condition):
        return (
            select(Statement.id, literal_column(str(rank)).label("rank"))
            .where(query.whereclause, condition)
            .order_by(*order)
            .limit(window)
            .subquery()
        )

    ranked = union_all(
        select(part(0, Statement.language == language)),
        select(part(1, Statement.language != language)),
    ).subquery("ranked")
    return (
        query.join(ranked, ranked.c.id == Statement.id)
        .order_by(None)
        .order_by(ranked.c.rank, *order)
    )


class LanguageFirstPagination(SelectPagination):
    """One page of a list whose statements in the page's language come first."""

    def _query_items(self) -> list:
        """The page's statements: one query, whatever the page's number."""
        query = language_first(
            self._query_args["select"],
            self._query_args["language"],
            NEWEST,
            self._query_offset + self.per_page,
        )
        query = query.limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(query).unique().scalars())


def lead_statement() -> Statement | None:
    """The front page's lead: the newest featured statement, else the newest; one
    in the page's language if there is any."""
    query = (
        db.select(Statement)
        .where(Statement.status == "published")
        .order_by(*LEAD)
        .options(
            joinedload(Statement.category_links), undefer(Statement.signature_count)
        )
    )
    language = current_language()
    if others_hidden():
        query = query.where(Statement.language == language)
    else:
        query = language_first(query, language, LEAD, 1)
    return db.session.scalars(query.limit(1)).unique().first()


def statement_page_of(query):
    """One page of a statement list, as long as the site's setting says: those in
    the page's language first, then (unless hidden) the others that have no
    version in it."""
    per_page = current_app.config["STATEMENTS_PER_PAGE"]
    language = current_language()
    if others_hidden():
        return paginate(query.where(Statement.language == language), per_page)
    pagination = LanguageFirstPagination(
        select=in_language_or_untranslated(query, language),
        session=db.session(),
        language=language,
        page=page_number(),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
    )
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return pagination


def site_revision() -> tuple:
    """The site revision and the newest public date: read before the data they
    key, so a page is never older."""
    return tuple(_SITE_HEAD.first(db.engine, **head_now(db.engine.dialect)))


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
    """Every published statement, newest first, paginated; with `?untranslated=`
    (where the language switcher sends a reader), a note that the statement they
    came from has no version in this language."""

    def context() -> dict:
        """One page of statements, and the statement without a translation."""
        return {
            "pagination": statement_page_of(published()),
            "untranslated": untranslated_statement(request.args.get("untranslated")),
        }

    return list_page("statements/all.html", context)


def untranslated_statement(slug: str | None) -> Statement | None:
    """The published statement of this slug if it has no published version in the
    page's language, else None (no note to make)."""
    if not slug or len(slug) > 200:
        return None
    statement = db.session.scalar(
        db.select(Statement).where(
            Statement.slug == slug, Statement.status == "published"
        )
    )
    language = current_language()
    if statement is None or statement.language == language:
        return None
    if statement.translation_group is not None:
        translated = db.session.scalar(
            db.select(Statement.id).where(
                Statement.translation_group == statement.translation_group,
                Statement.language == language,
                Statement.status == "published",
            )
        )
        if translated is not None:
            return None
    return statement


@bp.get("/category/<slug>")
def category(slug):
    """Statements in a category and all of its sub-categories."""

    def context() -> dict:
        """The category, its place in the tree, and one page of its statements."""
        tree = local_category_tree()
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
