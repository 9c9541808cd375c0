"""The two engines behind one interface: SQLite FTS5 and PostgreSQL full text.

Each is given the same folded tokens (ngo.search.text) and answers the same four
questions: how many published statements match a query (up to COUNT_LIMIT), the ids
of one stretch of
the ranked window (the RANK_WINDOW newest matches, those in the reader's language
first, then by relevance), the ids of one stretch of the older matches (newest
first), and what to write when statements change. Queries are built from tokens
(letters and digits only), quoted, and bound as parameters: nothing a reader types
reaches an engine's query syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from ngo.revisions import head_now
from ngo.search.schema import SQLITE_CREATE, TABLE
from ngo.search.text import Query, body_tokens, tokens

# How many of the newest matches are ranked by relevance: a query that matches
# more ranks these and lists the older ones after them, newest first, so a common
# word costs a bounded amount of ranking however large the archive.
RANK_WINDOW = 200
# Matches are counted up to this many ("more than 10,000 results"): counting every
# one of a word most statements hold costs more than the rest of the search.
COUNT_LIMIT = 10_000
_CHUNK = 500


@dataclass(frozen=True)
class Document:
    """What the index holds of one published statement."""

    id: int
    language: str
    title: str
    summary: str
    body_html: str
    names: tuple[str, ...]


def _not_scheduled(column: str) -> str:
    """The condition that leaves out statements published with a date still to come
    (indexed on write, found from their date): their few ids, read along the
    (status, published_at, id) index from its end, bound to :now (`_now`)."""
    return (
        f"{column} NOT IN (SELECT id FROM statement "
        "WHERE status = 'published' AND published_at > :now)"
    )


def _now(connection: Connection) -> dict:
    """The :now of `_not_scheduled`, as this connection's driver takes a time."""
    return head_now(connection.dialect)


def _in(column: str, name: str = "ids"):
    """`column IN (...)` for a list bound as `name`."""
    return f"{column} IN :{name}", bindparam(name, expanding=True)


class Fts5Backend:
    """SQLite: an FTS5 table (unicode61, diacritics removed) ranked by bm25."""

    # bm25 weights of language (not indexed), title, summary, body, names (lower
    # scores rank first).
    _SCORE = f"bm25({TABLE}, 0.0, 10.0, 4.0, 1.0, 4.0)"

    @staticmethod
    def match(query: Query) -> str:
        """An FTS5 query of quoted tokens, all required; the last one a prefix."""
        quoted = ['"' + term.replace('"', '""') + '"' for term in query.terms]
        if query.prefix:
            quoted[-1] += " *"
        return " ".join(quoted)

    @contextmanager
    def reading(self, connection: Connection):
        """Nothing to set for a search on SQLite."""
        yield

    def count(self, connection: Connection, query: Query, limit: int) -> int:
        """How many statements match, counting no further than `limit`."""
        sql = f"""SELECT count(*) FROM (
                      SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q
                      AND {_not_scheduled("rowid")} LIMIT :limit
                  )"""
        parameters = {"q": self.match(query), "limit": limit} | _now(connection)
        return connection.execute(text(sql), parameters).scalar_one()

    def ranked(self, connection: Connection, query: Query, language: str) -> list[int]:
        """Ids of the ranked window: the RANK_WINDOW newest matches, those in the
        language first, then by relevance."""
        sql = f"""
            SELECT id FROM (
                SELECT rowid AS id, language, {self._SCORE} AS score
                FROM {TABLE} WHERE {TABLE} MATCH :q AND {_not_scheduled("rowid")}
                ORDER BY rowid DESC LIMIT :window
            )
            ORDER BY language = :language DESC, score, id DESC"""
        parameters = {"q": self.match(query), "window": RANK_WINDOW} | _now(connection)
        parameters["language"] = language
        return list(connection.execute(text(sql), parameters).scalars())

    def newest(
        self, connection: Connection, query: Query, offset: int, limit: int
    ) -> list[int]:
        """Ids of the matches offset .. offset + limit, newest (largest id) first."""
        sql = f"""SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q
                  AND {_not_scheduled("rowid")}
                  ORDER BY rowid DESC LIMIT :limit OFFSET :offset"""
        parameters = {"q": self.match(query), "limit": limit, "offset": offset}
        parameters |= _now(connection)
        return list(connection.execute(text(sql), parameters).scalars())

    def forget(self, connection: Connection, ids: Sequence[int]) -> None:
        """Take these statements out of the index."""
        condition, ids_param = _in("rowid")
        sql = text(f"DELETE FROM {TABLE} WHERE {condition}").bindparams(ids_param)
        for start in range(0, len(ids), _CHUNK):
            connection.execute(sql, {"ids": list(ids[start : start + _CHUNK])})

    def add(self, connection: Connection, documents: Iterable[Document]) -> None:
        """Put these statements (not in the index) into it."""
        rows = [
            {
                "id": d.id,
                "title": " ".join(tokens(d.title)),
                "summary": " ".join(tokens(d.summary)),
                "body": _folded_body(d.body_html),
                "names": _folded_names(d.names),
                "language": d.language,
            }
            for d in documents
        ]
        if rows:
            connection.execute(
                text(
                    f"INSERT INTO {TABLE} "
                    "(rowid, language, title, summary, body, names) "
                    "VALUES (:id, :language, :title, :summary, :body, :names)"
                ),
                rows,
            )

    def rename(self, connection: Connection, names: dict[int, tuple[str, ...]]) -> None:
        """New signatory and category names of statements in the index."""
        rows = [{"id": id_, "names": _folded_names(n)} for id_, n in names.items()]
        if rows:
            connection.execute(
                text(f"UPDATE {TABLE} SET names = :names WHERE rowid = :id"), rows
            )

    def clear(self, connection: Connection) -> None:
        """Empty the index: made again, which is much faster than deleting every
        row's entries (the trigger on statement stays)."""
        connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        connection.execute(text(SQLITE_CREATE[0]))

    def tidy(self, connection: Connection) -> None:
        """After a bulk load: merge the index's segments for faster reading."""
        connection.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))


@lru_cache(maxsize=256)
def _folded_body(html: str) -> str:
    """A body's tokens as FTS5 is given them (kept for bodies met again)."""
    return " ".join(body_tokens(html))


def _folded_names(names: Sequence[str]) -> str:
    """Names as FTS5 is given them, one a line."""
    return "\n".join(" ".join(tokens(name)) for name in names)


# tsvector positions and the positions kept per lexeme, as PostgreSQL caps them;
# a body's positions stop short of the cap, to leave room for its title's.
_MAX_POSITION = 16_383
_MAX_BODY_POSITION = 15_000
_MAX_POSITIONS_PER_WORD = 256


def _tsvector(parts: Sequence[tuple[Sequence[str], str]], cap: int = _MAX_POSITION):
    """A tsvector literal of tokens with their positions (from 1) and weights; each
    part is (tokens, weight letter, "" for D). PostgreSQL's || puts one after
    another, moving the second's positions past the first's."""
    positions: dict[str, list[str]] = {}
    position = 0
    for words, weight in parts:
        for word in words:
            position = min(position + 1, cap)
            kept = positions.setdefault(word, [])
            if len(kept) < _MAX_POSITIONS_PER_WORD:
                kept.append(f"{position}{weight}")
    # Tokens are letters and digits only (ngo.search.text.TOKEN): no quote or
    # backslash to escape inside the quotes.
    return " ".join([f"'{word}':{','.join(kept)}" for word, kept in positions.items()])


@lru_cache(maxsize=256)
def _body_vector(html: str) -> str:
    """A body's part of the tsvector (weight D), kept for bodies met again."""
    return _tsvector([(body_tokens(html), "")], cap=_MAX_BODY_POSITION)


def _names_vector(names: Sequence[str]) -> str:
    """Signatory and category names as a tsvector literal: weight C, theirs alone."""
    return _tsvector([(tokens(" \n ".join(names)), "C")])


class PostgresBackend:
    """PostgreSQL: a tsvector per statement and a GIN index, ranked by ts_rank."""

    # ts_rank, weights of D (body), C (names), B (summary), A (title); normalisation
    # 1 divides by the log of the length, as bm25 leans on length. Not ts_rank_cd:
    # its cover density costs ~17 µs a row for two words a body holds many times
    # (ts_rank ~1 µs), more than the rest of the ranking of a window of 200.
    _SCORE = (
        "ts_rank('{0.1, 0.4, 0.4, 1.0}'::float4[], document, CAST(:q AS tsquery), 1)"
    )
    _MATCH = "document @@ CAST(:q AS tsquery)"

    @staticmethod
    def match(query: Query) -> str:
        """A tsquery literal of quoted tokens, all required; the last one a prefix."""
        quoted = [
            "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
            for term in query.terms
        ]
        if query.prefix:
            quoted[-1] += ":*"
        return " & ".join(quoted)

    @contextmanager
    def reading(self, connection: Connection):
        """The GIN index for every search, never a sequential scan: a common word
        matches most rows, and the planner would read (and decompress) every
        tsvector to check it instead of taking the rows the index gives."""
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        yield
        # Not in a `finally`: a failed query's transaction is rolled back, and
        # SET LOCAL with it.
        connection.execute(text("RESET enable_seqscan"))

    def count(self, connection: Connection, query: Query, limit: int) -> int:
        """How many statements match, counting no further than `limit`."""
        sql = f"""SELECT count(*) FROM (
                      SELECT 1 FROM {TABLE} WHERE {self._MATCH}
                      AND {_not_scheduled("statement_id")} LIMIT :limit
                  ) AS found"""
        parameters = {"q": self.match(query), "limit": limit} | _now(connection)
        return connection.execute(text(sql), parameters).scalar_one()

    def ranked(self, connection: Connection, query: Query, language: str) -> list[int]:
        """Ids of the ranked window: the RANK_WINDOW newest matches, those in the
        language first, then by relevance."""
        sql = f"""
            SELECT statement_id FROM (
                SELECT statement_id, language, document FROM {TABLE}
                WHERE {self._MATCH} AND {_not_scheduled("statement_id")}
                ORDER BY statement_id DESC LIMIT :window
            ) AS newest
            ORDER BY language = :language DESC, {self._SCORE} DESC, statement_id DESC"""
        parameters = {"q": self.match(query), "window": RANK_WINDOW} | _now(connection)
        parameters["language"] = language
        return list(connection.execute(text(sql), parameters).scalars())

    def newest(
        self, connection: Connection, query: Query, offset: int, limit: int
    ) -> list[int]:
        """Ids of the matches offset .. offset + limit, newest (largest id) first."""
        sql = f"""SELECT statement_id FROM {TABLE} WHERE {self._MATCH}
                  AND {_not_scheduled("statement_id")}
                  ORDER BY statement_id DESC LIMIT :limit OFFSET :offset"""
        parameters = {"q": self.match(query), "limit": limit, "offset": offset}
        parameters |= _now(connection)
        return list(connection.execute(text(sql), parameters).scalars())

    def forget(self, connection: Connection, ids: Sequence[int]) -> None:
        """Take these statements out of the index."""
        condition, ids_param = _in("statement_id")
        sql = text(f"DELETE FROM {TABLE} WHERE {condition}").bindparams(ids_param)
        for start in range(0, len(ids), _CHUNK):
            connection.execute(sql, {"ids": list(ids[start : start + _CHUNK])})

    def add(self, connection: Connection, documents: Iterable[Document]) -> None:
        """Put these statements (not in the index) into it, in one INSERT: each
        document is its body's part (weight D; made and parsed once for a body met
        again), then its summary (B) and title (A), then its names (C)."""
        bodies: dict[str, int] = {}
        rows: dict[str, list] = {"ids": [], "languages": [], "parts": []}
        rows |= {"owns": [], "names": []}
        for d in documents:
            body = _body_vector(d.body_html)
            rows["ids"].append(d.id)
            rows["languages"].append(d.language)
            rows["parts"].append(bodies.setdefault(body, len(bodies) + 1))
            own = [(tokens(d.summary), "B"), (tokens(d.title), "A")]
            rows["owns"].append(_tsvector(own))
            rows["names"].append(_names_vector(d.names))
        if not bodies:
            return
        connection.execute(
            text(
                f"""WITH part AS MATERIALIZED (
                    SELECT number, CAST(body AS tsvector) AS vector
                    FROM unnest(CAST(:bodies AS text[])) WITH ORDINALITY
                        AS given (body, number)
                )
                INSERT INTO {TABLE} (statement_id, language, document)
                SELECT statement.id, statement.language, part.vector
                    || CAST(statement.own AS tsvector)
                    || CAST(statement.names AS tsvector)
                FROM unnest(
                    CAST(:ids AS integer[]), CAST(:languages AS text[]),
                    CAST(:parts AS integer[]), CAST(:owns AS text[]),
                    CAST(:names AS text[])
                ) AS statement (id, language, part, own, names)
                JOIN part ON part.number = statement.part"""
            ),
            rows | {"bodies": list(bodies)},
        )

    def rename(self, connection: Connection, names: dict[int, tuple[str, ...]]) -> None:
        """New signatory and category names of statements in the index: their
        weight-C entries replaced, the rest of each tsvector kept."""
        rows = [{"id": id_, "names": _names_vector(n)} for id_, n in names.items()]
        if rows:
            connection.execute(
                text(
                    f"UPDATE {TABLE} SET document = ts_filter(document, '{{a,b,d}}') "
                    "|| CAST(:names AS tsvector) WHERE statement_id = :id"
                ),
                rows,
            )

    def clear(self, connection: Connection) -> None:
        """Empty the index."""
        connection.execute(text(f"TRUNCATE {TABLE}"))

    def tidy(self, connection: Connection) -> None:
        """After a bulk load: the GIN index's pending entries merged, statistics
        for the planner."""
        connection.execute(
            text(f"SELECT gin_clean_pending_list('ix_{TABLE}_document')")
        )
        connection.execute(text(f"ANALYZE {TABLE}"))


_BACKENDS = {"sqlite": Fts5Backend(), "postgresql": PostgresBackend()}


def backend_for(connection: Connection):
    """The engine of this connection's database."""
    try:
        return _BACKENDS[connection.dialect.name]
    except KeyError:
        raise RuntimeError(
            f"search has no engine for {connection.dialect.name}"
        ) from None
