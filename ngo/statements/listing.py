"""Kept lists: the list_entry rows and list_count numbers every list page reads,
kept right on every write.

A list (every statement, a category with its sub-categories, an organisation, a
tag) holds, for each site language, one row per published statement a page in
that language shows: rank 0 in that language, rank 1 in another with no published
version in it. The rows' key is the list's order, so a page of a list is a narrow
range of one index read in order, and its length is a kept number (ListCount), not
a count over the list. The category tree is kept flattened (CategoryDescendant),
so a statement's place under every ancestor is a join.

After each flush the changes that move a statement in or out of a list are noted
(a statement added or deleted; its status, date, language or group of
translations changed, with every statement of the old and new group; its
categories, signatories or tags changed; a category added, moved or deleted). At
the commit of the outermost transaction their rows are written again in the same
transaction, and the counts moved by what was taken out and put in. Bulk SQL says
so itself: `refresh(connection, ids)`, or `rebuild(connection)` for everything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import (
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from ngo.extensions import listen_to_every_session
from ngo.i18n import LANGUAGES
from ngo.models import (
    LIST_ALL,
    LIST_CATEGORY,
    LIST_ORGANISATION,
    LIST_TAG,
    Category,
    CategoryDescendant,
    ListCount,
    ListEntry,
    Signature,
    Statement,
    StatementCategory,
    StatementTag,
)

_CHUNK = 500
_entry = ListEntry.__table__
_count = ListCount.__table__
_closure = CategoryDescendant.__table__
_statement = Statement.__table__
# What of a statement decides the lists it is in and where.
_LISTED = ("status", "published_at", "language", "translation_group")
# Its links, as collections: a link taken away as an orphan is deleted by the
# flush itself, so it is in no session list; its statement's collection says so.
_LINKED = ("category_links", "signatures", "tag_links")
_LINKS = (StatementCategory, Signature, StatementTag)
# session.info keys: statement ids and groups of translations to write again, and
# whether the category tree changed.
_STATEMENTS = "listing_statements"
_GROUPS = "listing_groups"
_TREE = "listing_tree"


def _scopes(statement):
    """(kind, scope id, statement id) of every list a statement may be in, as
    SELECTs over `statement` (a statement table or alias)."""
    link, closure = StatementCategory.__table__, _closure
    signature, tag = Signature.__table__, StatementTag.__table__
    return [
        select(
            literal(LIST_ALL).label("kind"),
            literal(0).label("scope_id"),
            statement.c.id.label("statement_id"),
        ),
        select(
            literal(LIST_CATEGORY).label("kind"),
            closure.c.category_id.label("scope_id"),
            link.c.statement_id,
        )
        .join(closure, closure.c.descendant_id == link.c.category_id)
        .where(link.c.statement_id == statement.c.id)
        .distinct(),
        select(
            literal(LIST_ORGANISATION).label("kind"),
            signature.c.organisation_id.label("scope_id"),
            signature.c.statement_id,
        ).where(signature.c.statement_id == statement.c.id),
        select(
            literal(LIST_TAG).label("kind"),
            tag.c.tag_id.label("scope_id"),
            tag.c.statement_id,
        ).where(tag.c.statement_id == statement.c.id),
    ]


def _entries(chosen: bool = False):
    """INSERT ... SELECTs of the list rows of every statement, or with `chosen` of
    those whose ids are bound as `ids`: one per language and kind of list."""
    statements = []
    for language in LANGUAGES:
        for scope in _scopes(_statement):
            version = aliased(Statement)
            translated = exists().where(
                version.translation_group == _statement.c.translation_group,
                version.language == language,
                version.status == "published",
            )
            rows = scope.add_columns(
                literal(language).label("language"),
                case((_statement.c.language == language, 0), else_=1).label("rank"),
                _statement.c.published_at,
            ).where(
                _statement.c.status == "published",
                or_(
                    _statement.c.language == language,
                    _statement.c.translation_group.is_(None),
                    ~translated,
                ),
            )
            if chosen:
                rows = rows.where(_statement.c.id.in_(bindparam("ids", expanding=True)))
            statements.append(
                insert(_entry).from_select(
                    [
                        "kind",
                        "scope_id",
                        "statement_id",
                        "language",
                        "rank",
                        "published_at",
                    ],
                    rows,
                )
            )
    return statements


_KEY = (_entry.c.kind, _entry.c.scope_id, _entry.c.language, _entry.c.rank)


def _counted(connection: Connection, ids: Sequence[int]) -> Counter:
    """How many rows of each list these statements have."""
    found = connection.execute(
        select(*_KEY, func.count())
        .where(_entry.c.statement_id.in_(bindparam("ids", expanding=True)))
        .group_by(*_KEY),
        {"ids": list(ids)},
    )
    return Counter({tuple(row[:4]): row[4] for row in found})


def _add_counts(connection: Connection, moved: Counter) -> None:
    """Move the kept counts by these differences (one statement, all keys)."""
    rows = [
        {"kind": k, "scope_id": s, "language": lang, "rank": r, "count": n}
        for (k, s, lang, r), n in moved.items()
        if n
    ]
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_count)
    statement = statement.on_conflict_do_update(
        index_elements=[
            _count.c.kind,
            _count.c.scope_id,
            _count.c.language,
            _count.c.rank,
        ],
        set_={"count": _count.c.count + statement.excluded.count},
    )
    connection.execute(statement, rows)


def refresh(connection: Connection, ids: Iterable[int]) -> None:
    """Write these statements' list rows again (none for a deleted or draft one)
    and move the counts by the difference."""
    ids = sorted({i for i in ids if i is not None})
    inserts = _entries(chosen=True)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        before = _counted(connection, chunk)
        connection.execute(
            delete(_entry).where(
                _entry.c.statement_id.in_(bindparam("ids", expanding=True))
            ),
            {"ids": chunk},
        )
        for statement in inserts:
            connection.execute(statement, {"ids": chunk})
        after = _counted(connection, chunk)
        after.subtract(before)
        _add_counts(connection, after)


def rebuild_tree(connection: Connection) -> set[int]:
    """Flatten the category tree again; the ids of categories whose ancestors
    changed (their statements' rows must be written again)."""
    parents = dict(connection.execute(select(Category.id, Category.parent_id)).all())
    pairs = set()
    for category_id in parents:
        node, seen = category_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            pairs.add((node, category_id))
            node = parents.get(node)
    old = set(
        connection.execute(
            select(_closure.c.category_id, _closure.c.descendant_id)
        ).all()
    )
    gone, new = old - pairs, pairs - old
    for category_id, descendant_id in gone:
        connection.execute(
            delete(_closure).where(
                _closure.c.category_id == category_id,
                _closure.c.descendant_id == descendant_id,
            )
        )
    if new:
        connection.execute(
            insert(_closure),
            [{"category_id": a, "descendant_id": d} for a, d in sorted(new)],
        )
    return {d for _, d in gone | new}


def statements_in(connection: Connection, category_ids: Iterable[int]) -> list[int]:
    """The ids of the statements filed directly in these categories."""
    link = StatementCategory.__table__
    return list(
        connection.scalars(
            select(link.c.statement_id)
            .where(link.c.category_id.in_(bindparam("ids", expanding=True)))
            .distinct(),
            {"ids": sorted(category_ids)},
        )
    )


def rebuild(connection: Connection) -> int:
    """Every list and count made again from the statements (a bulk load, a restored
    database); the number of rows."""
    rebuild_tree(connection)
    connection.execute(delete(_entry))
    connection.execute(delete(_count))
    for statement in _entries():
        connection.execute(statement)
    connection.execute(
        insert(_count).from_select(
            ["kind", "scope_id", "language", "rank", "count"],
            select(*_KEY, func.count()).group_by(*_KEY),
        )
    )
    return connection.scalar(select(func.count()).select_from(_entry))


# ---------------------------------------------------------------- ORM hooks


def _history(obj, key) -> set:
    """Every value an attribute had or has in this flush."""
    h = get_history(obj, key, PASSIVE_NO_INITIALIZE)
    return {*h.added, *h.unchanged, *h.deleted}


def _changed(obj, keys) -> bool:
    """Whether any of these attributes has a new value (compared by value)."""
    return any(
        get_history(obj, key, PASSIVE_NO_INITIALIZE).has_changes() for key in keys
    )


def _note(session: Session, flush_context) -> None:
    """After a flush: the statements whose lists may have changed."""
    statements = session.info.setdefault(_STATEMENTS, set())
    groups = session.info.setdefault(_GROUPS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Statement):
            if obj in session.dirty and not _changed(obj, _LISTED + _LINKED):
                continue
            statements.add(obj.id)
            groups.update(_history(obj, "translation_group"))
        elif isinstance(obj, _LINKS):
            keys = set(inspect(obj).mapper.attrs.keys()) - {"position"}
            if obj in session.dirty and not _changed(obj, keys):
                continue  # only its place in the statement's order, or nothing
            statements.update(_history(obj, "statement_id"))
            owner = getattr(obj, "statement", None)
            if owner is not None:
                statements.add(owner.id)
        elif isinstance(obj, Category):
            if obj not in session.dirty or _changed(obj, ("parent_id", "parent")):
                session.info[_TREE] = True
    statements.discard(None)
    groups.discard(None)


def _write(session: Session) -> None:
    """At the commit: the tree flattened again if it changed, then the rows of
    the statements noted (and of their groups of translations)."""
    if session.in_nested_transaction():
        return
    session.flush()
    statements = session.info.pop(_STATEMENTS, set())
    groups = session.info.pop(_GROUPS, set())
    tree = session.info.pop(_TREE, False)
    if not (statements or tree):
        return
    connection = session.connection()
    if tree:
        statements.update(statements_in(connection, rebuild_tree(connection)))
    if groups:
        statements.update(
            connection.scalars(
                select(_statement.c.id).where(
                    _statement.c.translation_group.in_(
                        bindparam("groups", expanding=True)
                    )
                ),
                {"groups": sorted(groups)},
            )
        )
    refresh(connection, statements)


def _forget(session: Session, transaction) -> None:
    """A transaction that ended leaves nothing noted."""
    if transaction.parent is None:
        for key in (_STATEMENTS, _GROUPS, _TREE):
            session.info.pop(key, None)


_LISTENERS = (
    ("after_flush", _note),
    ("before_commit", _write),
    ("after_transaction_end", _forget),
)


def register() -> None:
    """Listen to every ORM session; once per process (Session events are global)."""
    listen_to_every_session(_LISTENERS)
