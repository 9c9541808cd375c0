"""The Alembic revisions build the schema the models describe, on this run's backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from ngo import create_app
from ngo.extensions import db
from ngo.search.schema import include_object


def test_upgrade_builds_a_fresh_database_and_check_finds_nothing_pending(
    tmp_path, postgres_url
):
    url = postgres_url or f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        if postgres_url is None:
            upgrade()  # this run's PostgreSQL database was built by upgrade already
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": include_object,  # the search index's tables
                },
            )
            differences = compare_metadata(context, db.metadata)
    assert {
        "statement",
        "category",
        "organisation",
        "signature",
        "statement_view",
    } <= tables
    assert differences == []
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_every_revision_downgrades_cleanly(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}", "SECRET_KEY": "x"}
    )
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
