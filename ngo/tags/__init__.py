"""Tags: each tag's archive page (/tag/<slug>) and its Atom feed."""

from .views import bp

__all__ = ["bp"]
