"""Keeping the search index in step with every write made through the ORM.

After each flush, the changes that show in the index are noted: a statement added,
deleted, or changed in its title, summary, body, language or status; its
signatories or categories added or taken away; an organisation or category
renamed. At the commit of the outermost transaction, those statements are written
again (ngo.search.index) in the same transaction, once however many flushes there
were; a rename rewrites only the names of the statements concerned. A rollback
forgets what was noted. Writes made with bulk SQL say so themselves
(`ngo.search.index.add_new` after the demo generator's inserts); a statement row
deleted by any means leaves the index by the database's own trigger or foreign key.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from ngo.extensions import listen_to_every_session
from ngo.models import Category, Organisation, Signature, Statement, StatementCategory
from ngo.search import index

# What of a statement the index holds (or decides whether it holds it).
_SEARCHED = ("title", "summary", "body", "language", "status")
_NAMED = {Organisation: ("name",), Category: ("name", "name_translations")}
_LINKS = (Signature, StatementCategory)
_LINK_TARGET = {Signature: "organisation_id", StatementCategory: "category_id"}
# session.info key: {"statements": ids, Organisation: ids, Category: ids}.
_PENDING = "search_pending"


def _changed(obj, keys) -> bool:
    """Whether any of these attributes has a new value (compared by value)."""
    return any(
        get_history(obj, key, PASSIVE_NO_INITIALIZE).has_changes() for key in keys
    )


def _statement_ids_of(link) -> set[int]:
    """The statements a signature or category link belongs (or belonged) to."""
    history = get_history(link, "statement_id", PASSIVE_NO_INITIALIZE)
    found = {*history.added, *history.unchanged, *history.deleted}
    if link.statement_id is not None:
        found.add(link.statement_id)
    return {value for value in found if value is not None}


def _note(session: Session, flush_context) -> None:
    """After a flush: what it changed that the index shows."""
    pending = session.info.setdefault(
        _PENDING, {"statements": set(), Organisation: set(), Category: set()}
    )
    statements = pending["statements"]
    for obj in session.new:
        if isinstance(obj, Statement):
            statements.add(obj.id)
        elif isinstance(obj, _LINKS):
            statements.update(_statement_ids_of(obj))
    for obj in session.dirty:
        if isinstance(obj, Statement):
            if _changed(obj, _SEARCHED):
                statements.add(obj.id)
        elif isinstance(obj, _LINKS):
            if _changed(obj, ("statement_id", _LINK_TARGET[type(obj)])):
                statements.update(_statement_ids_of(obj))
        elif type(obj) in _NAMED:
            if _changed(obj, _NAMED[type(obj)]):
                pending[type(obj)].add(inspect(obj).identity[0])
    for obj in session.deleted:
        if isinstance(obj, Statement):
            statements.add(obj.id)
        elif isinstance(obj, _LINKS):
            statements.update(_statement_ids_of(obj))
    statements.discard(None)


def _write(session: Session) -> None:
    """At the commit: the statements noted, written again, in this transaction."""
    if session.in_nested_transaction():
        return
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending or not any(pending.values()):
        return
    connection = session.connection()
    index.reindex(connection, pending["statements"])
    if pending[Organisation] or pending[Category]:
        index.rename(connection, pending[Organisation], pending[Category])


def _forget(session: Session, transaction) -> None:
    """A transaction that ended (rolled back, or committed) leaves nothing noted."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


_LISTENERS = (
    ("after_flush", _note),
    ("before_commit", _write),
    ("after_transaction_end", _forget),
)


def register() -> None:
    """Listen to every ORM session; once per process (Session events are global)."""
    listen_to_every_session(_LISTENERS)
