"""Writing the search index: what a change to statements, organisations or
categories rewrites, and the whole index rebuilt.

Only published statements are in the index, each with its title, summary, body
text, and the names of its signatories and categories (every name a category has,
in each language). Everything here works on a Connection inside the caller's
transaction, so the index commits and rolls back with the change it follows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ngo.models import Category, Organisation, Signature, Statement, StatementCategory
from ngo.search.backends import Document, backend_for

_CHUNK = 500
_statement = Statement.__table__
_signature = Signature.__table__
_organisation = Organisation.__table__
_link = StatementCategory.__table__
_category = Category.__table__


def _chunks(ids: Sequence[int], size: int = _CHUNK):
    """The ids in slices."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def names_of(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Each statement's signatory names, then its categories' names (as entered and
    in every other language): two queries, however many statements."""
    names: dict[int, list[str]] = defaultdict(list)
    signed = (
        select(_signature.c.statement_id, _organisation.c.name)
        .join(_organisation, _organisation.c.id == _signature.c.organisation_id)
        .where(_signature.c.statement_id.in_(bindparam("ids", expanding=True)))
        .order_by(_signature.c.statement_id, _signature.c.position)
    )
    for statement_id, name in connection.execute(signed, {"ids": list(ids)}):
        names[statement_id].append(name)
    filed = (
        select(_link.c.statement_id, _category.c.name, _category.c.name_translations)
        .join(_category, _category.c.id == _link.c.category_id)
        .where(_link.c.statement_id.in_(bindparam("ids", expanding=True)))
        .order_by(_link.c.statement_id, _link.c.position)
    )
    for statement_id, name, translations in connection.execute(
        filed, {"ids": list(ids)}
    ):
        names[statement_id] += dict.fromkeys([name, *(translations or {}).values()])
    return {statement_id: tuple(found) for statement_id, found in names.items()}


def _documents(connection: Connection, ids: Sequence[int]) -> list[Document]:
    """The documents of those of these statements that are published."""
    rows = connection.execute(
        select(
            _statement.c.id,
            _statement.c.language,
            _statement.c.title,
            _statement.c.summary,
            _statement.c.body,
        ).where(
            _statement.c.id.in_(bindparam("ids", expanding=True)),
            _statement.c.status == "published",
        ),
        {"ids": list(ids)},
    ).all()
    if not rows:
        return []
    names = names_of(connection, [row.id for row in rows])
    return [
        Document(
            row.id,
            row.language,
            row.title or "",
            row.summary or "",
            row.body or "",
            names.get(row.id, ()),
        )
        for row in rows
    ]


def reindex(connection: Connection, ids: Iterable[int]) -> None:
    """Write these statements again as they are now: published ones (re)indexed,
    others (drafts, deleted) taken out."""
    backend = backend_for(connection)
    for chunk in _chunks(sorted(set(ids))):
        backend.forget(connection, chunk)
        backend.add(connection, _documents(connection, chunk))


def rename(
    connection: Connection,
    organisations: Iterable[int] = (),
    categories: Iterable[int] = (),
) -> None:
    """Organisations or categories renamed: the names of the published statements
    they sign or hold, rewritten (their text is left as it is)."""
    organisations, categories = sorted(set(organisations)), sorted(set(categories))
    published = select(_statement.c.id).where(_statement.c.status == "published")
    ids: set[int] = set()
    if organisations:
        ids.update(
            connection.execute(
                select(_signature.c.statement_id).where(
                    _signature.c.organisation_id.in_(organisations),
                    _signature.c.statement_id.in_(published),
                )
            ).scalars()
        )
    if categories:
        ids.update(
            connection.execute(
                select(_link.c.statement_id).where(
                    _link.c.category_id.in_(categories),
                    _link.c.statement_id.in_(published),
                )
            ).scalars()
        )
    backend = backend_for(connection)
    for chunk in _chunks(sorted(ids)):
        names = names_of(connection, chunk)
        backend.rename(connection, {id_: names.get(id_, ()) for id_ in chunk})


def add_new(connection: Connection, ids: Sequence[int]) -> None:
    """Index statements that were never in it (a bulk insert), then tidy up."""
    backend = backend_for(connection)
    for chunk in _chunks(sorted(ids), 2_000):
        backend.add(connection, _documents(connection, chunk))
    backend.tidy(connection)


def rebuild(connection: Connection) -> int:
    """Empty the index and fill it with every published statement; gives the count."""
    backend = backend_for(connection)
    backend.clear(connection)
    ids = list(
        connection.execute(
            select(_statement.c.id)
            .where(_statement.c.status == "published")
            .order_by(_statement.c.id)
        ).scalars()
    )
    for chunk in _chunks(ids, 2_000):
        backend.add(connection, _documents(connection, chunk))
    backend.tidy(connection)
    return len(ids)
