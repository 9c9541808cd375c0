"""Content revisions: every change that shows on a statement page moves its revision on.

One listener sees every ORM change: a statement edited (its fields, categories or
signatories) gets a new revision and `updated_at`; a category or an organisation
changed (names, tree, websites, in the navigation and trails of every page) moves
every statement on. Changes made with bulk SQL say so themselves with
`bump_revision()`. The views counter changes no revision: the count is a slot of
the cached page (ngo.pagecache).
"""

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ngo.models import (
    Category,
    Organisation,
    Signature,
    Statement,
    StatementCategory,
    utcnow,
)

_SITE_WIDE = (Category, Organisation)
_PART_OF_STATEMENT = (Signature, StatementCategory)


def bump_revision():
    """The SET clause that moves a statement's revision on, for bulk UPDATEs."""
    return {"revision": Statement.revision + 1}


@event.listens_for(Session, "before_flush")
def _stamp_changed_statements(session, flush_context, instances):
    """Give edited statements a new revision; note the rest for after the flush."""
    now = utcnow()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Statement):
            if (
                obj not in session.new
                and obj not in session.deleted
                and session.is_modified(obj)
            ):
                obj.revision = (obj.revision or 0) + 1
                obj.updated_at = now
        elif isinstance(obj, _PART_OF_STATEMENT) and obj.statement_id is not None:
            session.info.setdefault("statements_changed", set()).add(obj.statement_id)
        elif isinstance(obj, _SITE_WIDE):
            session.info["site_changed"] = True


@event.listens_for(Session, "after_flush")
def _move_statements_on(session, flush_context):
    """Signatories or categories reordered: those pages; a name or tree: every page."""
    table = Statement.__table__
    moved_on = {"revision": table.c.revision + 1, "updated_at": table.c.updated_at}
    ids = session.info.pop("statements_changed", None)
    if session.info.pop("site_changed", False):
        session.connection().execute(update(table).values(moved_on))
    elif ids:
        session.connection().execute(
            update(table).where(table.c.id.in_(ids)).values(moved_on)
        )
