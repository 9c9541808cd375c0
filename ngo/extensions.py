"""Every Flask extension, created unbound here and bound in create_app()."""

from pathlib import Path

import click
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints get stable names for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay readable after commit: a page that counts a view (a commit) goes on to
# render the statement it already loaded without querying it again.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
csrf = CSRFProtect()


def listen_to_every_session(listeners) -> None:
    """Hook (event name, listener) pairs on every ORM session, each once per process
    however many apps are made: Session events are global, and a second
    registration would see every change twice (ngo.revisions, ngo.search.sync,
    ngo.statements.listing)."""
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# Staff sign-in; ngo.admin.auth names its page and loads its users.
login_manager = LoginManager()


class Migrations:
    """Flask-Migrate, imported on first use: Alembic costs each web worker ~10 MB.

    Bound to an app, `flask db ...` and Flask-Migrate's functions (`upgrade()` in an
    app context) work as with a plain `Migrate`, whether Flask found the app through
    wsgi.py or `--app ngo`; a web worker, which runs neither, never imports Alembic.
    """

    def __init__(self, directory: Path, **options) -> None:
        self.directory = str(directory)
        self.options = options

    def init_app(self, app: Flask, db: SQLAlchemy) -> None:
        """Give the app `flask db` and Flask-Migrate's record, both bound when used."""
        app.extensions["migrate"] = _BoundOnFirstUse(app, lambda: self.bind(app, db))
        app.cli.add_command(_DbCommands(lambda: self.bind(app, db)))

    def bind(self, app: Flask, db: SQLAlchemy) -> click.Group:
        """Bind Flask-Migrate to the app once; give back its `db` command group."""
        from flask_migrate import Migrate
        from flask_migrate.cli import db as commands

        if isinstance(app.extensions.get("migrate"), _BoundOnFirstUse):
            # Migrate puts its record and its commands in place of the stand-ins.
            Migrate(app, db, directory=self.directory, **self.options)
        return commands


class _BoundOnFirstUse:
    """Stands in app.extensions["migrate"] until Flask-Migrate's functions read it."""

    def __init__(self, app: Flask, bind) -> None:
        self._app = app
        self._bind = bind

    def __getattr__(self, name: str):
        """Bind Flask-Migrate, then answer from the record it keeps in its place."""
        if name.startswith("_"):
            raise AttributeError(name)
        self._bind()
        record = self._app.extensions["migrate"]
        if record is self:
            raise AttributeError(name)
        return getattr(record, name)


class _DbCommands(click.Group):
    """`flask db`: Flask-Migrate's command group, imported when a command runs."""

    def __init__(self, bind) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._bind = bind

    def make_context(self, info_name, args, parent=None, **extra):
        """Hand the command line over to Flask-Migrate's own group."""
        return self._bind().make_context(info_name, args, parent=parent, **extra)


migrate = Migrations(
    Path(__file__).resolve().parent.parent / "migrations",
    compare_type=True,
    render_as_batch=True,
)
