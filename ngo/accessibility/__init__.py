"""Reading preferences (text size, font, weight, spacing, colours) kept in a cookie."""

from ngo.accessibility.views import bp

__all__ = ["bp"]
