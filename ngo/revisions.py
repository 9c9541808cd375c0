"""Revisions: what moved on since a page was cached, costing what the change costs.

Two kinds of number, both moved on in the database, so every worker and server sees
a change at once:

- `Statement.revision`, one per statement: moves on when something that statement's
  own page shows really changed (title, body, date, language, summary, status,
  comments open, its categories or signatories in their order, its comments), and
  for every statement of a group of translations when one of them joins or leaves
  it, or changes its language, status or slug (each page links the others). The
  views counter moves nothing: the count is a slot of the cached page.
- The site revision, ONE row (`ngo.models.SiteRevision`) with two numbers:
  `revision` moves on with every change a list of statements shows (a statement
  published, unpublished or edited while published, a comment approved, a category
  or organisation added, renamed, moved or given a website); `frame_revision` only
  with what every page shows around its own content (the category tree and names,
  organisation names, slugs and websites, the simple pages the footer links). A
  change of that kind moves this row on, never the statement table.

Keys, then: a list page (home, statement lists, category, organisation) is cached
under `site_revision()` and `newest_public_column()`; a statement page under its
own revision, `frame_revision()` and `newest_version_column()`. Read the revision
before the data it keys, or in the same query (`site_revision_column()` /
`frame_revision_column()`): then a page can only be newer than its key, never older.

Time moves pages on too, without any write: a statement published with a later
date (scheduled) becomes public when its date comes (`Statement.public()`). The
newest date of a public statement (`newest_public_column()`, of its group of
translations for a statement page: `newest_version_column()`) changes at that very
moment, since a statement coming due is newer than every public one; a key that
holds it leaves the page that did not show it behind. The `now` these columns
compare with is bound by `head_now()`, taken before the page is rendered, so a
page is never older than its key here either.

ORM changes are seen by the listeners below (hooked by `register()`, which the app
factory calls), comparing values (re-assigning an unchanged website, or an
organisation that merely sits in `session.dirty` because a new signature was
appended to it, moves nothing). Changes made with bulk SQL say so:
`bump_revision()` in the SET clause of an UPDATE of statements, and
`move_site_on()` when lists show the change (comment counts). The site row is moved
once per transaction, at the commit, so its row lock is held for an instant.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from ngo.extensions import db, listen_to_every_session
from ngo.models import (
    Category,
    Organisation,
    Page,
    Signature,
    SiteRevision,
    Statement,
    StatementCategory,
    StatementTag,
    Tag,
    utcnow,
)

# A statement's tags are part of its page (StatementTag), and a tag's name and slug
# of every page that lists it (Tag in _FRAME_FIELDS): added with the tag tables
# (migration 0012_wordpress); the tags' pages are for the tags engineer to show.
_PART_OF_STATEMENT = (Signature, StatementCategory, StatementTag)
# What a statement page does not show (or shows from a slot): moves no revision.
_NOT_SHOWN = frozenset(
    {"views", "revision", "updated_at", "created_at", "body_markdown"}
)
# What every page (navigation, trails, signatory lists, footer) shows of these; a
# page's body shows only on its own page, a list page, which the editor moves on.
_FRAME_FIELDS = {
    Category: frozenset(
        {"name", "name_translations", "slug", "parent", "parent_id", "position"}
    ),
    Organisation: frozenset({"name", "slug", "website"}),
    Tag: frozenset({"name", "slug"}),
    Page: frozenset({"title", "slug", "position", "in_footer"}),
}
# What of a statement the pages of its translations show (their links to it).
_GROUP_FIELDS = frozenset({"translation_group", "language", "status", "slug"})
# session.info keys: statements whose parts changed in this flush; groups of
# translations whose pages changed in it; the site change to make at the commit
# (None, "lists" or "frame").
_STATEMENTS = "revisions_statements"
_GROUPS = "revisions_groups"
_SITE = "revisions_site"
_ROW = SiteRevision.__table__


def site_revision() -> int:
    """The site revision that list pages are keyed on: one primary-key read."""
    return db.session.scalar(select(site_revision_column())) or 0


def frame_revision() -> int:
    """The revision of what every page shows around its content: one read."""
    return db.session.scalar(select(frame_revision_column())) or 0


def site_revision_column():
    """The site revision as a column, to fold into another query's SELECT list."""
    return _column(_ROW.c.revision, "site_revision")


def frame_revision_column():
    """The frame revision as a column, to fold into another query's SELECT list."""
    return _column(_ROW.c.frame_revision, "frame_revision")


def _column(column, label: str):
    """A scalar subquery of one number of the site row, 0 when the row is missing."""
    value = select(column).where(_ROW.c.id == 1).scalar_subquery()
    return func.coalesce(value, 0).label(label)


# The moment the head queries read as now (`head_now()` binds it).
_NOW = bindparam("now", type_=Statement.published_at.type)
# How each dialect's driver is given it, made once per dialect.
_NOW_PROCESSORS = {}


def newest_public_column():
    """When the newest statement the public may read was published, as a column to
    fold into a head query (bound with `head_now()`); None before the first.

    Moves on by itself when a scheduled statement's date comes: one backward probe
    of the (status, published_at, id) index.
    """
    newest = select(func.max(Statement.published_at)).where(
        Statement.status == "published", Statement.published_at <= _NOW
    )
    return newest.scalar_subquery().label("newest_public")


def newest_version_column():
    """The same within the group of translations of the statement the head query
    reads (None for a statement on its own): a statement page links its versions,
    a scheduled one from its date. One probe of the (translation_group, language)
    index."""
    version = aliased(Statement)
    newest = select(func.max(version.published_at)).where(
        version.translation_group == Statement.translation_group,
        version.status == "published",
        version.published_at <= _NOW,
    )
    return newest.scalar_subquery().label("newest_version")


def head_now(dialect) -> dict:
    """The `now` of the columns above, as the driver of this dialect takes it
    (ngo.pagecache.HeadQuery passes its parameters as they are)."""
    if dialect.name not in _NOW_PROCESSORS:
        processor = Statement.published_at.type.bind_processor(dialect)
        _NOW_PROCESSORS[dialect.name] = processor or (lambda value: value)
    return {"now": _NOW_PROCESSORS[dialect.name](utcnow())}


def bump_revision() -> dict:
    """The SET clause that moves a statement's revision on, for bulk UPDATEs."""
    return {"revision": Statement.revision + 1}


def move_site_on(session: Session | None = None, *, frame: bool = False) -> None:
    """Have the site revision moved on when this transaction commits (one row).

    For changes made with bulk SQL that lists show, such as a comment count; with
    `frame`, for what every page shows. The ORM's changes need no call.
    """
    _note_site(session if session is not None else db.session(), frame)


def _note_site(session: Session, frame: bool) -> None:
    """Remember the larger of the site changes this transaction has made."""
    if frame or session.info.get(_SITE) is None:
        session.info[_SITE] = "frame" if frame else "lists"


def _changed(obj, keys=None) -> bool:
    """Whether any attribute (of keys, if given) has a new value, compared by value."""
    state = inspect(obj)
    for key in state.mapper.attrs.keys() if keys is None else keys:
        if keys is None and key in _NOT_SHOWN:
            continue
        if get_history(obj, key, PASSIVE_NO_INITIALIZE).has_changes():
            return True
    return False


def _was_or_is_published(statement: Statement) -> bool:
    """Whether a list showed the statement before this change or will after it."""
    if statement.status in ("published", None):
        return True
    history = get_history(statement, "status", PASSIVE_NO_INITIALIZE)
    return "published" in (*history.deleted, *history.unchanged)


def _statement_of(part) -> int | None:
    """The id of the statement a signature or category link belongs to."""
    if part.statement_id is not None:
        return part.statement_id
    owner = getattr(part, "statement", None)
    return owner.id if owner is not None else None


def _groups_of(statement: Statement) -> set[int]:
    """The translation groups a statement is in, and was in before this change."""
    history = get_history(statement, "translation_group", PASSIVE_NO_INITIALIZE)
    return {
        group
        for group in (*history.deleted, *history.unchanged, *history.added)
        if group is not None
    }


def _note_changes(session, flush_context, instances):
    """Stamp statements whose page changed; note parts and site changes for later."""
    now = utcnow()
    parts = session.info.setdefault(_STATEMENTS, set())
    groups = session.info.setdefault(_GROUPS, set())
    stamped = set()
    for obj in session.new:
        if isinstance(obj, Statement):
            if obj.translation_group is not None:
                groups.add(obj.translation_group)
            if _was_or_is_published(obj):
                _note_site(session, False)
        elif isinstance(obj, _PART_OF_STATEMENT):
            if (statement_id := _statement_of(obj)) is not None:
                parts.add(statement_id)
        elif type(obj) in _FRAME_FIELDS:
            _note_site(session, True)
    for obj in session.dirty:
        if isinstance(obj, Statement):
            if _changed(obj, _GROUP_FIELDS):
                groups.update(_groups_of(obj))
            if _changed(obj):
                # In SQL, so that two saves at once cannot both write the same number.
                obj.revision = Statement.revision + 1
                obj.updated_at = now
                stamped.add(obj.id)
                if _was_or_is_published(obj):
                    _note_site(session, False)
        elif isinstance(obj, _PART_OF_STATEMENT):
            if _changed(obj, {"position", "statement_id"}):
                parts.add(_statement_of(obj))
        elif type(obj) in _FRAME_FIELDS:
            if _changed(obj, _FRAME_FIELDS[type(obj)]):
                _note_site(session, True)
    for obj in session.deleted:
        if isinstance(obj, Statement):
            groups.update(_groups_of(obj))
            if _was_or_is_published(obj):
                _note_site(session, False)
        elif isinstance(obj, _PART_OF_STATEMENT):
            parts.add(_statement_of(obj))
        elif type(obj) in _FRAME_FIELDS:
            _note_site(session, True)
    parts -= stamped | {None}


def _move_statements_on(session, flush_context):
    """Signatories or categories reordered or moved: those statements, one UPDATE;
    a group of translations changed: its statements, one UPDATE."""
    table = Statement.__table__
    groups = session.info.pop(_GROUPS, None)
    if groups:
        session.connection().execute(
            update(table)
            .where(table.c.translation_group.in_(sorted(groups)))
            .values(revision=table.c.revision + 1, updated_at=utcnow())
        )
    ids = session.info.pop(_STATEMENTS, None)
    if not ids:
        return
    session.connection().execute(
        update(table)
        .where(table.c.id.in_(sorted(ids)))
        .values(revision=table.c.revision + 1, updated_at=utcnow())
    )
    # Their lists show trails in order, and organisation pages who signed.
    _note_site(session, False)


def _move_site_on(session):
    """At the commit of the outermost transaction: the site row, once, if needed."""
    if session.in_nested_transaction():
        return
    session.flush()
    change = session.info.pop(_SITE, None)
    if change is not None:
        _upsert_site_row(session.connection(), frame=change == "frame")


def _forget(session, transaction):
    """A rolled back (or committed) transaction leaves nothing noted behind."""
    if transaction.parent is None:
        session.info.pop(_STATEMENTS, None)
        session.info.pop(_GROUPS, None)
        session.info.pop(_SITE, None)


_LISTENERS = (
    ("before_flush", _note_changes),
    ("after_flush", _move_statements_on),
    ("before_commit", _move_site_on),
    ("after_transaction_end", _forget),
)


def register() -> None:
    """Listen to every ORM session; once per process, however many apps are made.

    Listeners on the Session class are global: a second registration would count
    every change twice.
    """
    listen_to_every_session(_LISTENERS)
    # The kept lists that list pages read follow the same writes.
    from ngo.statements import listing

    listing.register()


def _upsert_site_row(connection, *, frame: bool) -> None:
    """Move the site row on in one statement (making it, if a test emptied it)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    now = utcnow()
    moved = {"revision": _ROW.c.revision + 1, "updated_at": now}
    if frame:
        moved["frame_revision"] = _ROW.c.frame_revision + 1
    statement = (
        dialect.insert(_ROW)
        .values(id=1, revision=1, frame_revision=int(frame), updated_at=now)
        .on_conflict_do_update(index_elements=[_ROW.c.id], set_=moved)
    )
    connection.execute(statement)
