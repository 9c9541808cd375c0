"""Database outages: cached pages served stale, 503s elsewhere, comments kept, one
log line per kind, recovery without a restart; refused writes never break reads.

Real databases only: PostgreSQL is cut off by refusing connections to a scratch
database of the test's own (never by stopping the server), SQLite by moving its
file away; refused writes are triggers raising what a full disk raises.
"""

import html as html_module
import logging
import os
import re
import socket
import time
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from ngo import create_app, outages
from ngo.extensions import db
from ngo.models import Statement
from ngo.revisions import bump_revision, move_site_on
from tests.commenting import client_headers, form_fields
from tests.conftest import PG_URL, _as_psycopg
from tests.staff import signed_in

TYPED = {
    "comment": "Written during the outage,\nwith two lines.",
    "author": "Ani Reader",
    "email": "ani@example.org",
    "url": "https://ani.example.org/",
    "remember": "y",
}


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production, and the proxy the comment helpers assume."""
    return app_config | {"WTF_CSRF_ENABLED": True, "TRUSTED_PROXIES": 1}


@pytest.fixture(autouse=True)
def _app_log_on():
    """The app's logger, which Alembic's fileConfig turns off in any test that ran
    `db upgrade` before this one in the process: these tests read its lines."""
    logging.getLogger("ngo").disabled = False


@pytest.fixture
def database_url(postgres_url, tmp_path):
    """A database of this test's own: a scratch PostgreSQL database (migrated, and
    dropped after), or an SQLite file."""
    if not postgres_url:
        yield f"sqlite:///{tmp_path / 'outage.db'}"
        return
    with _admin() as admin:
        name = f"ngo_outage_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(postgres_url).set(database=name)
        url = url.render_as_string(hide_password=False)
        try:
            scratch = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
            with scratch.app_context(), loggers_kept():
                from flask_migrate import upgrade

                upgrade()
                db.engine.dispose()
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def loggers_kept():
    """Alembic's fileConfig disables every logger already made (the app's too):
    turn back on the ones that were on, for the rest of the session's tests."""
    loggers = logging.Logger.manager.loggerDict.values()
    enabled = [x for x in loggers if isinstance(x, logging.Logger) and not x.disabled]
    try:
        yield
    finally:
        for logger in enabled:
            logger.disabled = False


@contextmanager
def _admin():
    """An autocommit engine on the server's `test` database."""
    engine = create_engine(_as_psycopg(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        yield engine
    finally:
        engine.dispose()


class Cut:
    """Cuts the app's database off and brings it back, the server left running."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.away = None

    def off(self):
        """PostgreSQL: refuse new connections, end the open ones. SQLite: move the
        file away (its WAL and shared-memory files stay: SQLite finds them by name)."""
        if self.url.get_backend_name() == "postgresql":
            name = self.url.database
            with _admin() as admin, admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": name},
                )
        else:
            self.away = f"{self.url.database}.away"
            os.rename(self.url.database, self.away)

    def on(self):
        """Let connections in again, or move the file back."""
        if self.url.get_backend_name() == "postgresql":
            with _admin() as admin, admin.connect() as conn:
                conn.execute(
                    text(f'ALTER DATABASE "{self.url.database}" ALLOW_CONNECTIONS true')
                )
        elif self.away:
            os.rename(self.away, self.url.database)
            self.away = None


@pytest.fixture
def cut(database_url):
    """The switch of this test's database; always switched back on at the end."""
    switch = Cut(database_url)
    yield switch
    switch.on()


def views(response) -> int:
    """The count after "views:"."""
    return int(re.search(r"views: (\d+)", response.get_data(as_text=True)).group(1))


def reader(name="reader", ip="203.0.113.5"):
    """Headers of one reader (the views counter tells readers by these)."""
    return client_headers(ip) | {"User-Agent": f"Mozilla/5.0 ({name})"}


def outage_lines(caplog) -> list[logging.LogRecord]:
    """The outage lines logged (ngo.outages: kind, then detail, as arguments)."""
    return [r for r in caplog.records if r.name == "ngo" and r.levelno >= logging.ERROR]


def assert_form_kept(response):
    """The reply form came back with everything the reader typed, and a fresh token."""
    html = response.get_data(as_text=True)
    fields = form_fields(html)
    for name, value in TYPED.items():
        assert fields.get(name) == value, (name, fields.get(name))
    assert fields["csrf_token"]
    assert 'class="site-header"' in html
    assert "Everything you typed is kept below" in html


def test_cut_off_database_serves_cached_pages_stale_503s_the_rest_and_recovers(
    app, make_statement, cut, caplog
):
    slug = make_statement(title="A first title")
    client = app.test_client()
    assert client.get(f"/statements/{slug}", headers=reader("one")).status_code == 200
    with app.app_context():  # an edit: the newest page is the one kept
        db.session.execute(
            update(Statement)
            .where(Statement.slug == slug)
            .values(title="A statement worth keeping", **bump_revision())
        )
        move_site_on()
        db.session.commit()
    page = client.get(f"/statements/{slug}", headers=reader("one"))
    assert page.status_code == 200 and views(page) == 1
    assert client.get("/", headers=reader("one")).status_code == 200

    cut.off()
    stale = client.get(f"/statements/{slug}", headers=reader("two"))
    assert stale.status_code == 200 and views(stale) == 1
    assert "A statement worth keeping" in stale.get_data(as_text=True)
    assert "A first title" not in stale.get_data(as_text=True)
    assert "Stale" in stale.headers["Warning"]
    assert stale.headers["Cache-Control"] == "no-store"
    front = client.get("/", headers=reader("two"))
    assert front.status_code == 200 and "Stale" in front.headers["Warning"]
    for path in ("/statements", "/organisations", f"/statements/{slug}?x=1"):
        response = client.get(path, headers=reader("two"))
        html = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert response.headers["Cache-Control"] == "no-store"
        assert 'class="site-header"' in html and "Service unavailable" in html
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["Cache-Control"] == "no-store"
    assert ready.json["status"] == "unavailable"
    assert ready.json["reason"].startswith("database")

    # A comment: the form from the (stale) page, posted while the database is away.
    typed = form_fields(stale.get_data(as_text=True)) | TYPED
    posted = client.post(
        f"/statements/{slug}/comments", data=typed, headers=reader("two")
    )
    assert posted.status_code == 503 and posted.headers["Retry-After"] == "30"
    assert_form_kept(posted)
    assert "private" in posted.headers["Cache-Control"]
    # The CSRF token is still checked: a forged post is refused, its text kept.
    forged = client.post(
        f"/statements/{slug}/comments",
        data=typed | {"csrf_token": "forged"},
        headers=reader("two"),
    )
    assert forged.status_code == 400
    assert_form_kept(forged)

    lines = outage_lines(caplog)
    kinds = [line.args[0] for line in lines]
    assert lines and len(kinds) == len(set(kinds)), [r.getMessage() for r in lines]
    assert not any(line.exc_info for line in caplog.records)

    cut.on()  # the same app, no restart
    assert client.get("/statements", headers=reader("two")).status_code == 200
    assert client.get("/readyz").status_code == 200
    fresh = client.get(f"/statements/{slug}", headers=reader("three"))
    assert fresh.status_code == 200 and "Warning" not in fresh.headers
    assert views(fresh) == 2
    again = client.post(
        f"/statements/{slug}/comments",
        data=form_fields(posted.get_data(as_text=True)),
        headers=reader("two"),
    )
    assert again.status_code == 303


def test_one_log_line_per_kind_per_interval_not_one_per_request(
    app, make_statement, cut, caplog
):
    make_statement()
    client = app.test_client()
    cut.off()
    for _ in range(40):
        assert client.get("/statements").status_code == 503
    kinds = [line.args[0] for line in outage_lines(caplog)]
    assert kinds and len(kinds) == len(set(kinds)) <= 2, kinds
    assert not any(line.exc_info for line in caplog.records)
    # The next interval's line counts the failures since the last line.
    app.config["OUTAGE_LOG_SECONDS"] = 1
    time.sleep(1.1)
    caplog.clear()
    assert client.get("/statements").status_code == 503
    (line,) = outage_lines(caplog)
    assert re.search(r"\(40 requests in the last \d+ s\)$", line.getMessage())


@contextmanager
def refused_writes(app):
    """Writes to the view records, statements and the flood guard fail as on a full
    disk: SQLSTATE 53100 on PostgreSQL, SQLite's "database or disk is full"."""
    tables = {
        "statement_view": "INSERT OR UPDATE",
        "statement": "UPDATE",
        "comment_throttle": "INSERT OR UPDATE",
    }
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:
            db.session.execute(
                text(
                    "CREATE FUNCTION ngo_disk_full() RETURNS trigger AS $$ BEGIN "
                    "RAISE EXCEPTION 'could not extend file: No space left on device' "
                    "USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql"
                )
            )
            for table, events in tables.items():
                db.session.execute(
                    text(
                        f"CREATE TRIGGER disk_full BEFORE {events} ON {table} "
                        "FOR EACH ROW EXECUTE FUNCTION ngo_disk_full()"
                    )
                )
        else:
            for table, events in tables.items():
                for event in events.split(" OR "):
                    db.session.execute(
                        text(
                            f"CREATE TRIGGER disk_full_{table}_{event} BEFORE {event} "
                            f"ON {table} BEGIN "
                            "SELECT RAISE(ABORT, 'database or disk is full'); END"
                        )
                    )
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            if postgres:
                db.session.execute(text("DROP FUNCTION ngo_disk_full() CASCADE"))
            else:
                for table, events in tables.items():
                    for event in events.split(" OR "):
                        db.session.execute(
                            text(f"DROP TRIGGER disk_full_{table}_{event}")
                        )
            db.session.commit()


def test_a_refused_write_serves_the_page_with_its_count_and_fails_readiness(
    app, make_statement, caplog
):
    slug = make_statement()
    client = app.test_client()
    assert views(client.get(f"/statements/{slug}", headers=reader("one"))) == 1
    with refused_writes(app):
        # A new reader of the shared page, and one rendered for its reader alone.
        shared = client.get(f"/statements/{slug}", headers=reader("two"))
        assert shared.status_code == 200 and views(shared) == 1
        own = client.get(f"/statements/{slug}?utm_source=x", headers=reader("three"))
        assert own.status_code == 200 and views(own) == 1
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json["reason"] == "write failed: disk full"
        typed = form_fields(shared.get_data(as_text=True)) | TYPED
        posted = client.post(
            f"/statements/{slug}/comments", data=typed, headers=reader("two")
        )
        assert posted.status_code == 503
        assert_form_kept(posted)
        kinds = [line.args[0] for line in outage_lines(caplog)]
        assert kinds == ["write failed: disk full"]
    assert client.get("/readyz").status_code == 200
    assert views(client.get(f"/statements/{slug}", headers=reader("four"))) == 2


def test_a_missing_sqlite_file_is_never_created_but_by_db_upgrade(tmp_path, caplog):
    path = tmp_path / "instance" / "ngo.db"
    path.parent.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["reason"] == "database file missing"
    assert client.get("/healthz").status_code == 200
    assert list(path.parent.iterdir()) == []
    (line,) = outage_lines(caplog)
    assert line.getMessage() == (f"database file missing: {path}, run flask db upgrade")
    # Other commands refuse too; `flask db upgrade` makes it, and the same app serves.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code != 0
    assert list(path.parent.iterdir()) == []
    with loggers_kept():
        result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert path.exists()
    assert client.get("/").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_the_error_page_never_tries_the_database(tmp_path, monkeypatch):
    attempts = []

    def refuse_to_create():
        """Asked on each attempt to open the missing file: count them."""
        attempts.append(1)
        return False

    monkeypatch.setattr(outages, "_may_create_database", refuse_to_create)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing.db'}",
        }
    )
    client = app.test_client()
    for address in ("/", "/category/x", "/pages/about", "/search?q=x"):
        attempts.clear()
        assert client.get(address).status_code == 503
        assert len(attempts) == 1, address  # the view's, not the error page's


def test_a_statement_taken_down_is_not_brought_back_by_an_outage(
    app, make_statement, cut
):
    slug = make_statement(title="Taken down")
    client = app.test_client()
    assert client.get(f"/statements/{slug}").status_code == 200
    with app.app_context():
        db.session.execute(
            update(Statement)
            .where(Statement.slug == slug)
            .values(status="draft", **bump_revision())
        )
        move_site_on()
        db.session.commit()
    assert client.get(f"/statements/{slug}").status_code == 404
    cut.off()
    response = client.get(f"/statements/{slug}")
    assert response.status_code == 503
    assert "Taken down" not in response.get_data(as_text=True)


@contextmanager
def read_only(app, database_url):
    """The database refuses every write: PostgreSQL's default_transaction_read_only
    (its sessions ended, so new ones take it), an SQLite trigger saying what a
    read-only file says (root, who runs these tests, writes any file)."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        with _admin() as admin, admin.connect() as conn:
            conn.execute(
                text(
                    f'ALTER DATABASE "{url.database}" '
                    "SET default_transaction_read_only = on"
                )
            )
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name"
                ),
                {"name": url.database},
            )
        try:
            yield
        finally:
            with _admin() as admin, admin.connect() as conn:
                conn.execute(
                    text(
                        f'ALTER DATABASE "{url.database}" '
                        "RESET default_transaction_read_only"
                    )
                )
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": url.database},
                )
        return
    names = ["statement_view", "comment_throttle"]
    with app.app_context():
        for table in names:
            db.session.execute(
                text(
                    f"CREATE TRIGGER read_only_{table} BEFORE INSERT ON {table} BEGIN "
                    "SELECT RAISE(ABORT, 'attempt to write a readonly database'); END"
                )
            )
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            for table in names:
                db.session.execute(text(f"DROP TRIGGER read_only_{table}"))
            db.session.commit()


def test_a_read_only_database_fails_readiness_and_serves_pages(
    app, make_statement, database_url
):
    slug = make_statement()
    client = app.test_client()
    with read_only(app, database_url):
        page = client.get(f"/statements/{slug}", headers=reader("one"))
        assert page.status_code == 200 and views(page) == 0
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json["reason"] == "write failed: read-only"
    assert client.get("/readyz").status_code == 200
    assert views(client.get(f"/statements/{slug}", headers=reader("two"))) == 1


def test_an_sqlite_file_that_is_no_database_answers_503(tmp_path, caplog):
    path = tmp_path / "ngo.db"
    path.write_bytes(b"not a database, " * 1000)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    client = app.test_client()
    response = client.get("/statements")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    unreadable = "database unavailable: file unreadable"
    assert client.get("/readyz").json["reason"] == unreadable
    assert [line.args[0] for line in outage_lines(caplog)] == [unreadable]


def test_an_empty_sqlite_file_answers_503_until_db_upgrade(tmp_path, caplog):
    path = tmp_path / "ngo.db"
    path.touch()  # made by hand, or by an older version of the app
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    client = app.test_client()
    assert client.get("/").status_code == 503
    missing = "database schema missing: run flask db upgrade"
    assert client.get("/readyz").json["reason"] == missing
    assert [line.args[0] for line in outage_lines(caplog)] == [missing]
    with loggers_kept():
        assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    assert client.get("/").status_code == 200


def test_a_server_that_never_answers_costs_one_request_the_connect_timeout(tmp_path):
    # A socket that takes connections and never says a word: PostgreSQL's host
    # unreachable, as a client sees it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    port = silent.getsockname()[1]
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": (
                    f"postgresql+psycopg://ngo@127.0.0.1:{port}/ngo"
                ),
                "DATABASE_CONNECT_TIMEOUT": 2,
            }
        )
        client = app.test_client()
        started = time.monotonic()
        assert client.get("/statements").status_code == 503
        first = time.monotonic() - started
        assert 1.9 <= first < 4  # libpq's connect_timeout, not minutes
        started = time.monotonic()
        for _ in range(10):
            response = client.get("/statements")
            assert response.status_code == 503
        assert time.monotonic() - started < 1  # no new attempt for 2 s
        assert client.get("/readyz").json["reason"] == (
            "database unavailable: connect timeout"
        )
        time.sleep(2)  # then one request tries again, and waits again
        started = time.monotonic()
        assert client.get("/statements").status_code == 503
        assert time.monotonic() - started >= 1.9
    finally:
        silent.close()


def test_an_editors_form_the_database_cannot_take_is_shown_back(app, cut):
    app.config["WTF_CSRF_ENABLED"] = False  # the editor's form, not its token, here
    client = signed_in(app, app.test_client())
    body = "The court's ruling of 19 September.\n\nWe call on the authorities…"
    cut.off()
    sent = client.post(
        "/admin/statements/new",
        data={
            "title": "Release the detained journalists",
            "body": body,
            "tags": "press freedom",
            "csrf_token": "token-never-shown",
            "current_password": "secret-never-shown",
        },
    )
    assert sent.status_code == 503 and sent.headers["Retry-After"]
    html = sent.get_data(as_text=True)
    assert "Nothing was saved. Copy what you typed from here" in html
    shown = dict(re.findall(r'<label for="(typed-\d+)">([^<]*)</label>', html))
    values = dict(
        re.findall(r'<textarea id="(typed-\d+)"[^>]*>([^<]*)</textarea>', html)
    )
    typed = {shown[key]: html_module.unescape(values[key]) for key in shown}
    assert typed == {
        "Title": "Release the detained journalists",
        "Body": body,
        "Tags": "press freedom",
    }
    assert "never-shown" not in html
