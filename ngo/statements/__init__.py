"""Reading: the home page, statement lists, one statement, categories, organisations."""

from . import page  # noqa: F401 (the statement page's view)
from .views import bp

__all__ = ["bp"]
