"""The views counter: one view per reader per statement per window, atomic in SQL.

Counting is best-effort: a write the database refuses (a full disk, a read-only
or locked database) is logged once per interval (ngo.outages) and the page is
served with the count it had; the session is rolled back and stays usable.
"""

import re
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ngo import outages
from ngo.extensions import db
from ngo.models import Statement, StatementView, utcnow
from ngo.privacy import keyed_hash

CRAWLER_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|mediapartners|adsbot|bingpreview|"
    r"facebookexternalhit|facebookcatalog|embedly|quora link preview|"
    r"whatsapp|telegrambot|skypeuripreview|pinterest|vkshare|w3c_validator|"
    r"headlesschrome|lighthouse|pagespeed|gtmetrix|pingdom|uptimerobot|"
    r"feedfetcher|feedburner|python-urllib|scrapy|petalbot|yandex|baiduspider|"
    r"duckduckbot|sogou|exabot|ia_archiver|semrush|ahrefs|mj12|dotbot|bytespider|"
    r"gptbot|claudebot|ccbot|applebot|amazonbot|perplexity",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("Purpose", "Sec-Purpose", "X-Purpose", "X-Moz")


def is_countable_request() -> bool:
    """A reader's GET: not HEAD, not a prefetch or preview, not a known crawler."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "preview" in value or "prerender" in value:
            return False
    return not CRAWLER_AGENTS.search(request.headers.get("User-Agent", ""))


def visitor_key() -> str:
    """A keyed hash of the client address and User-Agent; the raw IP is never kept."""
    return keyed_hash(request.remote_addr or "", request.headers.get("User-Agent", ""))


# For a query that reads the statement: when this reader last counted (bind `visitor`).
last_counted_column = (
    select(StatementView.counted_at)
    .where(
        StatementView.statement_id == Statement.id,
        StatementView.visitor == bindparam("visitor"),
    )
    .scalar_subquery()
    .label("last_counted")
)


def count_view(statement, last) -> int:
    """Count this request as a view if it is a new reader's; return the views to show.

    `last` is when this reader last counted, read with the statement through
    last_counted_column, so a repeat reader costs no query and no write
    transaction. A new one costs one upsert and one increment, committed at once
    on the request's own connection (a second connection could exhaust the pool);
    the upsert alone decides, so a stale `last` never counts a reader twice.
    """
    if not is_countable_request():
        return statement.views
    now = utcnow()
    cutoff = now - timedelta(seconds=current_app.config["VIEW_WINDOW_SECONDS"])
    if last is not None and last > cutoff:
        return statement.views

    shown = statement.views
    try:
        return _count(statement, now, cutoff)
    except Exception as error:
        if outages.absorb(error) is None:
            raise
        return shown


def _count(statement, now, cutoff) -> int:
    """The upsert of this reader's record and the increment, committed."""
    visitor = visitor_key()
    table = StatementView.__table__
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    claim = dialect.insert(table).values(
        statement_id=statement.id, visitor=visitor, counted_at=now
    )
    claim = claim.on_conflict_do_update(
        index_elements=[table.c.statement_id, table.c.visitor],
        set_={"counted_at": now},
        where=table.c.counted_at <= cutoff,
    ).returning(table.c.statement_id)
    if db.session.execute(claim).first() is None:
        db.session.commit()
        return statement.views  # another request of this reader won the race
    views = db.session.execute(
        update(Statement)
        .where(Statement.id == statement.id)
        .values(views=Statement.views + 1)
        .returning(Statement.views),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    db.session.commit()
    return views


def prune_view_records() -> int:
    """Delete reader records older than the window; they can no longer matter."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["VIEW_WINDOW_SECONDS"])
    result = db.session.execute(
        db.delete(StatementView).where(StatementView.counted_at <= cutoff)
    )
    db.session.commit()
    return result.rowcount
