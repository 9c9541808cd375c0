"""Fixtures: a fresh app and database per test (SQLite, or PostgreSQL when asked),
clients signed in as staff, a live server and Debian's Chromium for browser tests."""

import logging
import os
import re
import threading
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from ngo import create_app
from ngo.authoring import category_for_trail, organisation_named
from ngo.extensions import db
from ngo.models import Statement
from tests.staff import signed_in

PG_URL = os.environ.get("NGO_TEST_DATABASE_URL", "")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _as_psycopg(url: str) -> str:
    """The SQLAlchemy URL for psycopg 3."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


@pytest.fixture(autouse=True)
def _alembic_logging_stays_in_its_test():
    """Take back the stderr handler alembic.ini gives the root logger in upgrade().

    It writes to the stderr of the test that ran the migration; once that test's
    capture is closed, every later warning would print a logging error instead.
    """
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler) is logging.StreamHandler:  # pytest's own are subclasses
            root.removeHandler(handler)


@pytest.fixture(scope="session")
def postgres_url():
    """A database of this run's own on the PostgreSQL server: migrated, then dropped."""
    if not PG_URL:
        yield None
        return
    admin_url = make_url(_as_psycopg(PG_URL))
    name = f"ngo_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"}
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(postgres_url, tmp_path):
    """The URL of an empty database for one test."""
    if postgres_url:
        return postgres_url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app_config(database_url, tmp_path):
    """Configuration overrides for the test app; tests may change them before use."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SITE_NAME": "Test Rights Site",
        # Files imported or uploaded in a test go to its own folder, never instance/.
        "MEDIA_FOLDER": str(tmp_path / "media"),
    }


@pytest.fixture
def app(app_config, postgres_url):
    """A fresh app whose database has the schema and no rows."""
    application = create_app(app_config)
    with application.app_context():
        if postgres_url:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        else:
            db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def editor(app, client):
    """The test client, signed in as an editor."""
    return signed_in(app, client, "editor")


@pytest.fixture
def moderator(app, client):
    """The test client, signed in as a moderator."""
    return signed_in(app, client, "moderator")


@pytest.fixture
def make_statement(app):
    """Create a published statement; keyword arguments override the defaults."""
    counter = iter(range(1, 10_000))

    def make(title=None, categories=(), signatories=(), **fields):
        number = next(counter)
        with app.app_context():
            statement = Statement(
                title=title or f"Statement {number}",
                slug=fields.pop("slug", f"statement-{number}"),
                summary=fields.pop("summary", f"Summary of statement {number}."),
                body=fields.pop("body", f"<p>Body of statement {number}.</p>"),
                published_at=fields.pop(
                    "published_at", datetime(2023, 9, number % 28 + 1, tzinfo=UTC)
                ),
                **fields,
            )
            statement.set_categories(
                [category_for_trail(t.split(" > ")) for t in categories]
            )
            statement.set_signatories(
                [organisation_named(name) for name in signatories]
            )
            db.session.add(statement)
            db.session.commit()
            return statement.slug

    return make


@pytest.fixture
def count_queries(app):
    """A context manager that records the SQL statements run inside it."""

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, shared by the session's browser tests."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), (
        "browser tests need Debian's chromium (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page_factory(browser):
    """Open pages in fresh browser contexts (JavaScript on or off, any width)."""
    contexts = []

    def new_page(javascript=True, width=1280, height=900, **options):
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.ngo_javascript = javascript  # tests/axe.py refuses a page without it
        return page

    yield new_page
    for context in contexts:
        context.close()
