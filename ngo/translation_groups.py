"""Statements that translate each other: one group, one statement per language.

The editor and every import share these. A group is the number in
`Statement.translation_group` that its statements share: the id of one of them, kept
so (a statement that leaves takes its number with it only when it is alone), so a new
group made from a statement's own id can never meet an old one. A statement on its
own has NULL. The unique index on (translation_group, language) holds one statement
per language; `clash()` says so first, in words. Moving a group's pages on is
ngo.revisions' part: it sees every change made here.
"""

from __future__ import annotations

from ngo.extensions import db
from ngo.models import Statement


def members(group: int | None) -> list[Statement]:
    """The statements of a group, oldest first (none for NULL)."""
    if group is None:
        return []
    return list(
        db.session.scalars(
            db.select(Statement)
            .where(Statement.translation_group == group)
            .order_by(Statement.id)
        )
    )


def translations(statement: Statement) -> list[Statement]:
    """The statement's translations (itself left out), oldest first."""
    return [s for s in members(statement.translation_group) if s is not statement]


def clash(
    target: Statement, language: str, statement: Statement | None
) -> Statement | None:
    """The statement already in the language of `language` in target's group (or
    the target itself, alone), leaving `statement` out: joining would make two."""
    group = members(target.translation_group) or [target]
    return next(
        (s for s in group if s.language == language and s is not statement), None
    )


def link(statement: Statement, target: Statement) -> None:
    """Make `statement` a translation of `target`: it joins target's group (made
    from target alone if it has none), leaving any group it was in. The caller has
    checked clash() and commits; a new statement is flushed for its id."""
    if statement is target:
        raise ValueError("a statement cannot translate itself")
    if (
        target.translation_group is not None
        and statement.translation_group == target.translation_group
    ):
        return
    unlink(statement)
    if target.translation_group is None:
        if target.id is None:
            db.session.flush()
        target.translation_group = target.id
    statement.translation_group = target.translation_group


def unlink(statement: Statement) -> None:
    """Take the statement out of its group. A group left with one statement is no
    group; one whose number was this statement's id takes the id of another."""
    group = statement.translation_group
    if group is None:
        return
    statement.translation_group = None
    rest = [s for s in members(group) if s is not statement]
    if len(rest) == 1:
        rest[0].translation_group = None
    elif rest and statement.id == group:
        for other in rest:
            other.translation_group = rest[0].id
