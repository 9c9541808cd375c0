"""Search: one interface over both engines.

`search(text, language, page)` reads the reader's words (ngo.search.text), asks the
database's engine (ngo.search.backends) how many published statements match (up to
COUNT_LIMIT: past that, "more than") and which ones fall on the page, and gives
back `Results`: the statements with their titles and snippets marked safely
(ngo.search.snippets), the total, and what a pager needs. Results in the page's
language come first; the newest RANK_WINDOW matches are ranked by relevance (bm25
on SQLite, ts_rank on PostgreSQL) and any older ones follow, newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import load_only

from ngo.extensions import db
from ngo.models import Statement
from ngo.search.backends import COUNT_LIMIT, RANK_WINDOW, backend_for
from ngo.search.snippets import highlight, opening, snippet
from ngo.search.text import Query, plain_text, read_query

PER_PAGE = 10


@dataclass(frozen=True)
class Hit:
    """One statement found: its title and a snippet, both escaped and marked."""

    statement: Statement
    title: Markup
    snippet: Markup


@dataclass
class Results:
    """One page of a search, with what a pager and the "N results" line need."""

    query: Query
    page: int = 1
    per_page: int = PER_PAGE
    # How many statements match, up to COUNT_LIMIT; `more`: and there are more.
    total: int = 0
    more: bool = False
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """How many pages the results fill."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages

    @property
    def ranked(self) -> int:
        """How many of the matches are ranked by relevance (the newest ones)."""
        return min(self.total, RANK_WINDOW)


def _count_and_page(backend, connection, results: Results, language: str) -> list:
    """Count the matches and give the ids of the page: from the ranked window, then
    from the older matches. A window that is not full holds every match, so then
    its length is the count and no other query is needed."""
    query, per_page = results.query, results.per_page
    window = backend.ranked(connection, query, language)
    if len(window) < RANK_WINDOW:
        results.total = len(window)
    else:
        counted = backend.count(connection, query, COUNT_LIMIT + 1)
        results.total, results.more = min(counted, COUNT_LIMIT), counted > COUNT_LIMIT
    offset = (results.page - 1) * per_page
    if offset >= results.total:  # a page past the end
        return []
    ids = window[offset : offset + per_page]
    if len(ids) < per_page and results.total > len(window):
        start = max(offset, len(window))
        ids += backend.newest(connection, query, start, per_page - len(ids))
    return ids


def _hit(statement: Statement, query: Query) -> Hit:
    """A statement found, with its title marked and its best snippet."""
    body = plain_text(statement.body)
    shown = snippet(body, query) or snippet(statement.summary or "", query)
    if shown is None:
        shown = opening(statement.summary or body)
    return Hit(statement, highlight(statement.title, query), shown)


def search(
    text: str | Query | None, language: str, page: int = 1, per_page: int = PER_PAGE
) -> Results:
    """One page of the published statements that match the reader's words."""
    query = text if isinstance(text, Query) else read_query(text)
    results = Results(query, page, per_page)
    if query.problem:
        return results
    connection = db.session.connection()
    backend = backend_for(connection)
    with backend.reading(connection):
        ids = _count_and_page(backend, connection, results, language)
    if ids:
        # By id alone: with the status in the WHERE clause, SQLite reads the whole
        # (status, published_at) index instead of the ten rows.
        found = db.session.scalars(
            db.select(Statement)
            .where(Statement.id.in_(ids))
            .options(
                load_only(
                    Statement.status,
                    Statement.slug,
                    Statement.title,
                    Statement.summary,
                    Statement.body,
                    Statement.language,
                    Statement.published_at,
                )
            )
        )
        by_id = {s.id: s for s in found if s.is_published}
        results.hits = [_hit(by_id[i], query) for i in ids if i in by_id]
    return results
