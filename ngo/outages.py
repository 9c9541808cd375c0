"""Database outages: what failed (`classify`), one log line per kind per interval, and
what a reader gets instead of a 500: a stale cached page, else a 503 with Retry-After.

An outage is an error that says the database cannot answer or cannot write now
(PostgreSQL refusing or dropping connections, a disk full, a read-only or locked
database, an SQLite file missing or unreadable), not a bug in a query: those stay
500s. SQLite files are opened without creating them (`_open_existing_sqlite`), so
a worker started on a missing file answers 503 instead of making an empty
database; only `flask db` commands, scripts and tests (outside a request and any
other command) may create one. A pooled SQLite connection whose file was moved,
deleted or replaced is dropped at checkout, as a dead PostgreSQL one is by
pool_pre_ping, so the site recovers without a restart when the file is back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from time import monotonic
from urllib.parse import quote

import click
from flask import Flask, current_app, g, has_request_context, make_response, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import Pool
from werkzeug.exceptions import ServiceUnavailable

from ngo import caching

try:  # PostgreSQL's driver; SQLite-only installs work without it
    import psycopg
except ImportError:  # pragma: no cover
    psycopg = None

# Where a pooled SQLite connection notes the file it opened: (path, device, inode).
_FILE_KEY = "ngo_sqlite_file"
# What a POST to an endpoint answers during an outage, instead of the plain 503.
_FALLBACKS: dict[str, Callable[[], object]] = {}


class MissingDatabaseFile(sqlite3.OperationalError):
    """The SQLite file is not there; the app never creates it (`flask db upgrade`)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"database file missing: {path}, run flask db upgrade")
        self.path = path


@dataclass(frozen=True)
class Failure:
    """Why the database failed: a kind for the log and /readyz, and its detail."""

    kind: str  # "database unavailable: connection refused", "write failed: disk full"
    detail: str  # the driver's first line, for the log


# -- What failed ----------------------------------------------------------------------

# PostgreSQL SQLSTATEs (or their class, the first two characters) of an outage.
_PG_STATES = {
    "08": "database unavailable: connection failed",
    "53100": "write failed: disk full",
    "53200": "database unavailable: out of memory",
    "53300": "database unavailable: too many connections",
    "53": "database unavailable: insufficient resources",
    "57P01": "database unavailable: connection terminated",
    "57P02": "database unavailable: connection terminated",
    "57P03": "database unavailable: not accepting connections",
    "55000": "database unavailable: not accepting connections",
    "3D000": "database unavailable: no such database",
    "25006": "write failed: read-only",
    "58030": "write failed: disk I/O error",
    "42P01": "database schema missing: run flask db upgrade",
    "28000": "database unavailable: authentication failed",
    "28P01": "database unavailable: authentication failed",
}
# Words of a driver's message (lower case), for errors without a SQLSTATE.
_MESSAGES = (
    ("database or disk is full", "write failed: disk full"),
    ("no space left on device", "write failed: disk full"),
    ("readonly database", "write failed: read-only"),
    ("read-only", "write failed: read-only"),
    ("database is locked", "write failed: database locked"),
    ("database table is locked", "write failed: database locked"),
    ("disk i/o error", "database unavailable: disk I/O error"),
    ("no such table", "database schema missing: run flask db upgrade"),
    ("unable to open database file", "database unavailable: file unreadable"),
    ("file is not a database", "database unavailable: file unreadable"),
    ("connection refused", "database unavailable: connection refused"),
    ("timeout expired", "database unavailable: connect timeout"),
    ("timed out", "database unavailable: connect timeout"),
    (
        "not currently accepting connections",
        "database unavailable: not accepting connections",
    ),
    ("terminating connection", "database unavailable: connection terminated"),
    ("server closed the connection", "database unavailable: connection lost"),
    ("consuming input failed", "database unavailable: connection lost"),
    ("connection is lost", "database unavailable: connection lost"),
    ("the connection is closed", "database unavailable: connection lost"),
    ("could not connect", "database unavailable: connection failed"),
    ("connection failed", "database unavailable: connection failed"),
)


def _driver_error(error: BaseException) -> BaseException:
    """The driver's own exception inside SQLAlchemy's wrapper, or the error itself."""
    return getattr(error, "orig", None) or error


def classify(error: BaseException) -> Failure | None:
    """The outage this error reports, or None when it is not one (a bug: a 500)."""
    if isinstance(error, PoolTimeoutError):
        return Failure("database unavailable: no free connection", str(error))
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return Failure("database unavailable: connection lost", first_line(error))
    driver = _driver_error(error)
    detail = first_line(driver)
    if isinstance(driver, MissingDatabaseFile):
        return Failure("database file missing", f"{driver.path}, run flask db upgrade")
    if psycopg is not None and isinstance(driver, psycopg.Error):
        state = driver.sqlstate or ""
        kind = _PG_STATES.get(state) or _PG_STATES.get(state[:2])
        if kind is None and isinstance(driver, psycopg.OperationalError) and not state:
            kind = _by_message(detail) or "database unavailable: connection failed"
        return Failure(kind, detail) if kind else None
    if isinstance(driver, sqlite3.Error | DisconnectionError):
        kind = _by_message(detail)
        return Failure(kind, detail) if kind else None
    return None


def is_database_error(error: BaseException) -> bool:
    """Whether the error came from the database or its driver."""
    database_errors = (DBAPIError, PoolTimeoutError, DisconnectionError, sqlite3.Error)
    if psycopg is not None:
        database_errors += (psycopg.Error,)
    return isinstance(error, database_errors)


def _by_message(detail: str) -> str | None:
    """The kind a driver's message names, or None."""
    lowered = detail.lower()
    return next((kind for words, kind in _MESSAGES if words in lowered), None)


def first_line(error: BaseException) -> str:
    """The first line of a driver's message: enough to say what failed."""
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


# -- One log line per kind per interval ------------------------------------------


class FailureLog:
    """Counts failures per kind; logs the first at once, then one line per interval."""

    def __init__(self) -> None:
        self._lock = Lock()
        # kind -> (when its last line was written, failures since then)
        self._kinds: dict[str, tuple[float, int]] = {}

    def note(self, failure: Failure, interval: float, log) -> None:
        """Count one failure; write a line if its kind had none within the interval."""
        now = monotonic()
        with self._lock:
            last, unlogged = self._kinds.get(failure.kind, (None, 0))
            if last is not None and now - last < interval:
                self._kinds[failure.kind] = (last, unlogged + 1)
                return
            self._kinds[failure.kind] = (now, 0)
        if not unlogged:  # the first of its kind, or the first in a while
            log("%s: %s", failure.kind, failure.detail)
        else:
            log(
                "%s: %s (%d requests in the last %d s)",
                failure.kind,
                failure.detail,
                unlogged + 1,
                round(now - last),
            )


def record(failure: Failure) -> None:
    """Log this failure, at most once per kind per OUTAGE_LOG_SECONDS."""
    current_app.extensions["ngo.failures"].note(
        failure, current_app.config["OUTAGE_LOG_SECONDS"], current_app.logger.error
    )


def absorb(error: BaseException) -> Failure | None:
    """For a best-effort write: roll back and log an outage; None if it is not one."""
    failure = classify(error)
    if failure is not None:
        rollback_quietly()
        record(failure)
    return failure


def rollback_quietly() -> None:
    """End the session's failed transaction; a dead connection is simply dropped."""
    from ngo.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool invalidates it
        db.session.close()


# -- What the reader gets ---------------------------------------------------------


def fallback(endpoint: str):
    """Register what a POST to `endpoint` answers during an outage (a form kept)."""

    def register(view: Callable[[], object]):
        _FALLBACKS[endpoint] = view
        return view

    return register


def retry_after() -> int:
    """Seconds a client should wait before trying again (Retry-After)."""
    return max(1, int(current_app.config["OUTAGE_RETRY_SECONDS"]))


def bare_frame() -> None:
    """Render the page frame without the database: no categories, no footer pages."""
    from ngo.statements.tree import CategoryTree

    if "category_tree" not in g:
        g.category_tree = CategoryTree.build([])
    if "footer_pages" not in g:
        g.footer_pages = []


# Fields of a form that are no one's typing: never shown back.
_NOT_TYPED = frozenset({"csrf_token", "stamp", "subject", "next"})


def typed_back() -> list[tuple[str, str]]:
    """What a POST the database could not take carried: its filled-in text fields
    (never a password or a token), shown back on the 503 page so nothing typed is
    lost (the comment form has its own way: its fallback view)."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if value.strip() and name not in _NOT_TYPED and "password" not in name
    ]


def unavailable_page():
    """503: the site's own error page, with Retry-After, never stored."""
    from ngo.errors import render_error

    bare_frame()
    caching.no_store()
    page, code, headers = render_error(
        ServiceUnavailable(retry_after=retry_after()), typed=typed_back()
    )
    return make_response(page, code, headers)


def answer(failure: Failure):
    """What this request answers during an outage: stale page, form kept, or 503."""
    from ngo import pagecache

    rollback_quietly()
    record(failure)
    stale = pagecache.stale_response()
    if stale is not None:
        return stale
    view = _FALLBACKS.get(request.endpoint or "")
    if view is not None and request.method == "POST":
        bare_frame()
        return view()
    return unavailable_page()


def handle_database_error(error: Exception):
    """The error handler of database errors: an outage's answer, else the 500."""
    failure = classify(error)
    if failure is None:
        raise error
    return answer(failure)


# -- Connections ---------------------------------------------------------------------


def _may_create_database() -> bool:
    """Whether a missing SQLite file may be created now: never in a request, and in
    the command line only by `flask db …`; scripts and tests make their own."""
    if has_request_context():
        return False
    context = click.get_current_context(silent=True)
    if context is None:
        return True
    return context.find_root().invoked_subcommand == "db"


def _open_existing_sqlite(dialect, record, cargs, cparams):
    """Open an SQLite file without creating it (mode=rw), and note which file it is."""
    if dialect.name != "sqlite":
        return None
    path = cargs[0] if cargs else cparams.get("database", "")
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    path = os.path.abspath(path)
    connect = dialect.loaded_dbapi.connect
    if os.path.exists(path):
        connection = connect(f"file:{quote(path)}?mode=rw", uri=True, **cparams)
    elif _may_create_database():
        connection = connect(path, **cparams)
    else:
        raise MissingDatabaseFile(path)
    try:
        found = os.stat(path)
    except OSError:  # gone the moment it was opened
        connection.close()
        raise MissingDatabaseFile(path) from None
    record.info[_FILE_KEY] = (path, found.st_dev, found.st_ino)
    return connection


class _ConnectTimeouts:
    """After a PostgreSQL connection attempt timed out, the process's next attempts
    on that database fail at once for as long as the timeout (then one tries
    again): a server that does not answer costs one request the wait, not every
    request, so cached pages are served stale at once and workers are not all
    stuck connecting."""

    def __init__(self) -> None:
        # (host, port, database) -> when attempts may start again (monotonic)
        self.quiet_until: dict[tuple, float] = {}

    def connect(self, dialect, record, cargs, cparams):
        """Connect, or fail at once while a timeout on this database is recent."""
        if dialect.name != "postgresql" or psycopg is None:
            return None
        target = (cparams.get("host"), cparams.get("port"), cparams.get("dbname"))
        wait = self.quiet_until.get(target, 0.0) - monotonic()
        if wait > 0:
            raise psycopg.errors.ConnectionTimeout(
                f"connection timeout expired (no new attempt for {wait:.1f} s)"
            )
        try:
            return dialect.connect(*cargs, **cparams)
        except psycopg.errors.ConnectionTimeout:
            timeout = float(cparams.get("connect_timeout") or 3)
            self.quiet_until[target] = monotonic() + timeout
            raise


_connect_timeouts = _ConnectTimeouts()


def _connect_or_fail_fast(dialect, record, cargs, cparams):
    """The do_connect listener of PostgreSQL connections (see _ConnectTimeouts)."""
    return _connect_timeouts.connect(dialect, record, cargs, cparams)


def _drop_if_file_changed(dbapi_connection, record, proxy) -> None:
    """At checkout: a connection to an SQLite file moved, deleted or replaced since
    it was opened is dropped (the pool then opens the file now at the path)."""
    noted = record.info.get(_FILE_KEY)
    if noted is None:
        return
    path, device, inode = noted
    try:
        found = os.stat(path)
    except OSError:
        raise DisconnectionError(f"database file gone: {path}") from None
    if (found.st_dev, found.st_ino) != (device, inode):
        raise DisconnectionError(f"database file replaced: {path}")


def _listen_to_connections() -> None:
    """Install the connection listeners once per process (they are global)."""
    if not event.contains(Engine, "do_connect", _open_existing_sqlite):
        event.listen(Engine, "do_connect", _open_existing_sqlite)
    if not event.contains(Engine, "do_connect", _connect_or_fail_fast):
        event.listen(Engine, "do_connect", _connect_or_fail_fast)
    if not event.contains(Pool, "checkout", _drop_if_file_changed):
        event.listen(Pool, "checkout", _drop_if_file_changed)


def init_app(app: Flask) -> None:
    """Answer database outages with stale pages or 503s; open SQLite files safely."""
    _listen_to_connections()
    app.extensions["ngo.failures"] = FailureLog()
    errors: list[type[Exception]] = [DBAPIError, PoolTimeoutError, sqlite3.Error]
    if psycopg is not None:
        errors.append(psycopg.Error)
    for error in errors:
        app.register_error_handler(error, handle_database_error)
