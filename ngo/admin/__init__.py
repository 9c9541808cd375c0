"""Editors and moderators: sign-in, statements, categories, organisations, pages,
comments."""

from . import (  # noqa: F401 (views)
    auth,
    moderation,
    pages,
    public,
    statements,
    taxonomy,
    users,
)
from .auth import init_app
from .commands import create_user
from .views import bp

__all__ = ["bp", "create_user", "init_app"]
