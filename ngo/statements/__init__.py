"""Reading: the home page, statement lists, one statement, categories, organisations."""

from . import archive, page  # noqa: F401 (the archive's and statement page's views)
from .views import bp

__all__ = ["bp"]
