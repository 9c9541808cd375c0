"""Simple pages of the site (About, Contact) at /pages/<slug>, edited in the admin."""

from .views import bp

__all__ = ["bp"]
