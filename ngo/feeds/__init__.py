"""For feed readers and crawlers: Atom feeds, /sitemap.xml and /robots.txt."""

from . import sitemap  # noqa: F401 (the sitemap's and robots.txt's views)
from .views import bp

__all__ = ["bp"]
