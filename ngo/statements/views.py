"""Public reading pages that list statements: home, all statements, categories,
organisations. The statement page itself is ngo.statements.page.

Every list page is served like the statement page: for a reader without data of
their own (ngo.caching.shareable) from the worker's cache (ngo.pagecache), keyed by
the page's address and number, the reader's preferences and the site revision,
which every change a list shows moves on in the database (ngo.revisions). A repeat
reader costs one query, the site revision; a miss costs a fixed handful, whatever
the length of the list or the page's number.

The lists of every statement, of a category (with its sub-categories), of an
organisation (and of a tag) are kept lists (ngo.statements.listing): a page reads
the list's kept counts and the scheduled rows still to come (one query, an index
range probe), then the ids of its rows along the list's own index (list_entry's
key: kind, scope, language, rank, date, id), then its ten statements by id without
their bodies. The ids are read by OFFSET over that narrow index, from the nearer
end: the last page costs what the first does, a page in the middle half the list's
index entries at most. Plans (EXPLAIN at 100,000 statements): SQLite `SEARCH
list_entry USING PRIMARY KEY (kind=? AND scope_id=? AND language=? AND rank=? AND
published_at<?)`, no temp B-tree for the ORDER BY; PostgreSQL `Index Only Scan
Backward using pk_list_entry` (Heap Fetches: 0 once vacuumed).
"""

from collections.abc import Callable

from flask import Blueprint, abort, current_app, render_template, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import (
    and_,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, defer, joinedload, selectinload, undefer

from ngo import caching
from ngo.accessibility.views import current_preferences
from ngo.extensions import db
from ngo.i18n import current_language
from ngo.models import (
    LIST_ALL,
    LIST_CATEGORY,
    LIST_ORGANISATION,
    ListCount,
    ListEntry,
    Organisation,
    Statement,
    utcnow,
)
from ngo.pagecache import HeadQuery, render_page, serve
from ngo.paging import PageOfList, page_bounds, page_number, paginate
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


# What a list shows of a statement: never its body.
LIST_OPTIONS = (
    defer(Statement.body),
    defer(Statement.body_markdown),
    selectinload(Statement.category_links),
    undefer(Statement.signature_count),
)


def published():
    """The query of statements the public may read (Statement.public()), newest
    first, with their categories and signatory counts (feeds read bodies too;
    list pages leave them: statement_page_of, kept_page)."""
    return (
        db.select(Statement)
        .where(Statement.public())
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
    in the page's language if there is any.

    One query: the first found of (the page's language, featured), (its language),
    then (unless hidden) the same in other languages, each the newest along an
    index ((status, featured, published_at, id), (status, language, published_at,
    id), (status, published_at, id)) read from its end: never a sort of every
    statement by "featured, then date".
    """
    language = current_language()
    # Featured ones are few: their probes test the language of each as read off
    # the featured index (a function of the column, so that no planner walks the
    # language index instead, testing "featured" on every row of a language).
    tested = func.coalesce(Statement.language, "")
    choices = [
        (tested == language, True),
        (Statement.language == language, False),
    ]
    if not others_hidden():
        choices += [
            (tested != language, True),
            (Statement.language != language, False),
        ]
    newest = [
        select(Statement.id)
        .where(
            Statement.public(),
            condition,
            *((Statement.featured == True,) if featured else ()),  # noqa: E712
        )
        .order_by(*NEWEST)
        .limit(1)
        .scalar_subquery()
        for condition, featured in choices
    ]
    query = (
        select(Statement)
        .where(Statement.id == func.coalesce(*newest))
        .options(
            defer(Statement.body),
            defer(Statement.body_markdown),
            joinedload(Statement.category_links),
            undefer(Statement.signature_count),
        )
    )
    return db.session.scalars(query).unique().first()


def ranks_shown() -> tuple[int, ...]:
    """The ranks of kept lists a page shows: its own language's (0), and unless
    other languages are hidden, the others' that have no version in it (1)."""
    return (0,) if others_hidden() else (0, 1)


def kept_counts(kind: int, scope_id: int, language: str, now) -> dict[int, int]:
    """How many public statements a kept list has per rank: the kept count less
    the scheduled ones whose date is still to come (one query: a primary-key read
    and an index range probe)."""
    ranks = ranks_shown()
    where = (
        ListEntry.kind == kind,
        ListEntry.scope_id == scope_id,
        ListEntry.language == language,
        ListEntry.rank.in_(ranks),
    )
    kept = select(ListCount.rank, ListCount.count).where(
        ListCount.kind == kind,
        ListCount.scope_id == scope_id,
        ListCount.language == language,
        ListCount.rank.in_(ranks),
    )
    scheduled = (
        select(ListEntry.rank, -func.count())
        .where(*where, ListEntry.published_at > now)
        .group_by(ListEntry.rank)
    )
    counts = dict.fromkeys(ranks, 0)
    for rank, count in db.session.execute(union_all(kept, scheduled)):
        counts[rank] += count
    return counts


def kept_rows(kind, scope_id, language, rank, now, start, take, length):
    """Rows start .. start+take of one rank of a kept list of `length` rows (newest
    first), as a SELECT of statement ids: read from the nearer end of its index."""
    query = select(ListEntry.statement_id, literal(rank).label("rank")).where(
        ListEntry.kind == kind,
        ListEntry.scope_id == scope_id,
        ListEntry.language == language,
        ListEntry.rank == rank,
        ListEntry.published_at <= now,
    )
    from_end = length - start - take
    if from_end < start:
        query = query.order_by(ListEntry.published_at, ListEntry.statement_id)
        return query.offset(from_end).limit(take)
    query = query.order_by(ListEntry.published_at.desc(), ListEntry.statement_id.desc())
    return query.offset(start).limit(take)


def statements_of(parts: list) -> list[Statement]:
    """The statements these kept-list rows name, in the list's order, loaded as
    lists show them: one query (and one for their categories)."""
    if not parts:
        return []
    rows = union_all(*(select(part.subquery()) for part in parts)).subquery("rows")
    found = db.session.execute(
        select(Statement, rows.c.rank)
        .join(rows, rows.c.statement_id == Statement.id)
        .options(*LIST_OPTIONS)
    ).all()
    found.sort(key=lambda row: (row[1], row[0].published_at, row[0].id), reverse=True)
    found.sort(key=lambda row: row[1])
    return [statement for statement, _ in found]


def kept_page(kind: int, scope_id: int = 0) -> PageOfList:
    """One page of a kept list (every statement, a category with its
    sub-categories, an organisation, a tag: ngo.models.LIST_*), as the site's
    setting orders it: the page's language first, then (unless hidden) the others
    with no version in it. A fixed handful of queries whatever the page's number;
    a page past the end is 404."""
    per_page = current_app.config["STATEMENTS_PER_PAGE"]
    language = current_language()
    now = utcnow()
    counts = kept_counts(kind, scope_id, language, now)
    page, offset = page_bounds(sum(counts.values()), per_page)
    parts, start, need = [], offset, per_page
    for rank, length in counts.items():
        if need and start < length:
            take = min(need, length - start)
            parts.append(
                kept_rows(kind, scope_id, language, rank, now, start, take, length)
            )
            need -= take
        start = max(0, start - length)
    return PageOfList(statements_of(parts), page, per_page, sum(counts.values()))


def statement_page_of(query):
    """One page of a statement list that is not kept (a month of the archive), as
    long as the site's setting says: those in the page's language first, then
    (unless hidden) the others that have no version in it."""
    per_page = current_app.config["STATEMENTS_PER_PAGE"]
    language = current_language()
    if others_hidden():
        query = query.options(defer(Statement.body), defer(Statement.body_markdown))
        return paginate(query.where(Statement.language == language), per_page)
    pagination = LanguageFirstPagination(
        select=in_language_or_untranslated(query, language).options(
            defer(Statement.body), defer(Statement.body_markdown)
        ),
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
        pagination = kept_page(LIST_ALL)
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
            "pagination": kept_page(LIST_ALL),
            "untranslated": untranslated_statement(request.args.get("untranslated")),
        }

    return list_page("statements/all.html", context)


def untranslated_statement(slug: str | None) -> Statement | None:
    """The published statement of this slug if it has no published version in the
    page's language, else None (no note to make)."""
    if not slug or len(slug) > 200:
        return None
    statement = db.session.scalar(
        db.select(Statement).where(Statement.slug == slug, Statement.public())
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
        return {
            "category": found,
            "ancestors": tree.ancestors(found.id)[:-1],
            "subcategories": tree.children.get(found.id, []),
            "pagination": kept_page(LIST_CATEGORY, found.id),
        }

    return list_page("statements/category.html", context)


def organisation_counts(language: str, now) -> dict[int, int]:
    """How many statements each organisation's page lists, for those above 0: its
    kept counts (one row per organisation and rank), less its scheduled statements
    still to come, found from those statements (usually none), never by reading
    the organisations' lists."""
    ranks = ranks_shown()
    counts: dict[int, int] = {}
    for scope_id, count in db.session.execute(
        select(ListCount.scope_id, ListCount.count).where(
            ListCount.kind == LIST_ORGANISATION,
            ListCount.language == language,
            ListCount.rank.in_(ranks),
        )
    ):
        counts[scope_id] = counts.get(scope_id, 0) + count
    scheduled = db.session.scalars(
        select(Statement.id).where(
            Statement.status == "published", Statement.published_at > now
        )
    ).all()
    if scheduled:
        for kind, scope_id, entry_language, rank in db.session.execute(
            select(
                ListEntry.kind, ListEntry.scope_id, ListEntry.language, ListEntry.rank
            ).where(ListEntry.statement_id.in_(scheduled))
        ):
            if (kind, entry_language) == (LIST_ORGANISATION, language) and (
                rank in ranks
            ):
                counts[scope_id] -= 1
    return {scope_id: count for scope_id, count in counts.items() if count > 0}


@bp.get("/organisations")
def organisations():
    """Every organisation that signed a published statement, A to Z, with counts."""

    def context() -> dict:
        """One page of organisations, and how many statements each one's page lists."""
        counts = organisation_counts(current_language(), utcnow())
        page, offset = page_bounds(len(counts), ORGANISATIONS_PER_PAGE)
        # A to Z: every organisation's id along the name index (a few thousand
        # narrow rows), then the page's hundred in full.
        ordered = [
            org_id
            for org_id in db.session.scalars(
                select(Organisation.id).order_by(Organisation.name_key, Organisation.id)
            )
            if org_id in counts
        ][offset : offset + ORGANISATIONS_PER_PAGE]
        found = {
            org.id: org
            for org in db.session.scalars(
                select(Organisation).where(Organisation.id.in_(ordered))
            )
        }
        pagination = PageOfList(
            [found[org_id] for org_id in ordered],
            page,
            ORGANISATIONS_PER_PAGE,
            len(counts),
        )
        return {"pagination": pagination, "counts": counts}

    return list_page("statements/organisations.html", context)


@bp.get("/organisations/<slug>")
def organisation(slug):
    """An organisation and every published statement it signed."""

    def context() -> dict:
        """The organisation and one page of the statements it signed."""
        org = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
        return {
            "organisation": org,
            "pagination": kept_page(LIST_ORGANISATION, org.id),
        }

    return list_page("statements/organisation.html", context)
