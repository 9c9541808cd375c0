"""ngo: a fast, accessible publishing site for human-rights organisations."""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(test_config=None):
    """Build a configured app; tests pass a mapping of overrides."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("ngo.config.Config")
    app.config.from_prefixed_env("NGO")
    if test_config is not None:
        app.config.update(test_config)
    _finish_config(app)

    from ngo import (
        admin,
        assets,
        caching,
        cli,
        errors,
        health,
        i18n,
        identity,
        media,
        old_addresses,
        outages,
        pagecache,
        previews,
        revisions,
        search,
        security,
    )
    from ngo.accessibility import bp as accessibility_bp
    from ngo.comments import bp as comments_bp
    from ngo.extensions import csrf, db, login_manager, migrate
    from ngo.feeds import bp as feeds_bp
    from ngo.pages import bp as pages_bp
    from ngo.statements import bp as statements_bp
    from ngo.tags import bp as tags_bp

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    # Flask-Login's context processor would load the user (and run its session
    # protection) on every page rendered; admin.init_app's proxy loads it where used.
    login_manager.init_app(app, add_context_processor=False)
    _listen_to_connections()
    revisions.register()
    security.init_app(app)
    i18n.init_app(app)
    caching.init_app(app)
    assets.init_app(app)
    identity.init_app(app)
    pagecache.init_app(app)
    previews.init_app(app)
    app.register_blueprint(statements_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(tags_bp)
    search.init_app(app)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(media.bp)
    admin.init_app(app)
    app.register_blueprint(admin.bp)
    errors.init_app(app)
    outages.init_app(app)
    old_addresses.init_app(app)  # after the routes: the WordPress site's addresses
    cli.init_app(app)
    return app


def _finish_config(app: Flask) -> None:
    """Fill in what depends on the instance folder: database URL and secret key."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config.get("DATABASE_URL") or f"sqlite:///{instance / 'ngo.db'}"
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    _engine_options(app)
    if _sqlite_file_in(app.config["SQLALCHEMY_DATABASE_URI"], instance):
        instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    proxies = int(app.config["TRUSTED_PROXIES"] or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def _engine_options(app: Flask) -> None:
    """PostgreSQL connections give up after DATABASE_CONNECT_TIMEOUT seconds, so a
    database that does not answer costs a request seconds, not minutes."""
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault(
            "connect_timeout", int(app.config["DATABASE_CONNECT_TIMEOUT"])
        )
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _sqlite_file_in(url: str, folder: Path) -> bool:
    """Whether a database URL names an SQLite file directly inside this folder."""
    if not url.startswith("sqlite:///"):
        return False
    path = Path(url.removeprefix("sqlite:///").partition("?")[0])
    return path.resolve().parent == folder.resolve()


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, making one on first run."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


def _listen_to_connections() -> None:
    """Set SQLite's pragmas on every new connection; once per process (it is global)."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, connection_record):
    """Give every SQLite connection WAL, a busy timeout and foreign keys."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
