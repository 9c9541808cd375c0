"""Editors and moderators: sign-in, statements, categories, organisations, comments."""

from . import auth, moderation, public, statements, taxonomy, users  # noqa: F401 (views)
from .auth import init_app
from .commands import create_user
from .views import bp

__all__ = ["bp", "create_user", "init_app"]
