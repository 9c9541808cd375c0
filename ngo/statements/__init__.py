"""Reading: the home page, statements, category archives and organisations."""

from .views import bp

__all__ = ["bp"]
