"""Search of published statements: /search?q=, the index kept in step with every
write, and `flask search rebuild`. SQLite FTS5 or PostgreSQL full text, one
interface (ngo.search.engine.search)."""

from flask import Flask

from ngo.search import schema, sync
from ngo.search.views import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Serve /search and keep the index in step with the ORM's writes."""
    schema.register()
    sync.register()
    app.register_blueprint(bp)
