"""Comments: posting and listing readers' threaded replies to statements."""

from .views import bp

__all__ = ["bp"]
