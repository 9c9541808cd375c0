"""The audit log: every editing and moderation action, in the same transaction."""

from __future__ import annotations

from flask_login import current_user

from ngo.extensions import db
from ngo.models import AuditLog

# How each action reads on the audit page.
ACTION_LABELS = {
    "statement.create": "created statement",
    "statement.update": "edited statement",
    "category.create": "created category",
    "category.update": "changed category",
    "category.delete": "deleted category",
    "organisation.create": "created organisation",
    "organisation.update": "changed organisation",
    "organisation.delete": "deleted organisation",
    "page.create": "created page",
    "page.update": "edited page",
    "page.delete": "deleted page",
    "comment.approve": "approved comment",
    "comment.unapprove": "unapproved comment",
    "comment.spam": "marked comment as spam",
    "comment.trash": "moved comment to trash",
    "comment.delete": "deleted comment permanently",
    "user.create": "created user",
    "user.update": "changed user",
    "user.password": "changed password of",
}


def record(
    action: str, target=None, details: str = "", label: str | None = None
) -> AuditLog:
    """Add an entry for an action of the current user; the caller's commit saves it.

    `target` is the model instance acted on; its kind and id are kept, and a
    readable label as it was at the time (the target may change or go later).
    """
    user = current_user if getattr(current_user, "is_authenticated", False) else None
    entry = AuditLog(
        user_id=user.id if user else None,
        actor=user.email if user else "system",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        target_label=(label if label is not None else describe(target))[:500],
        details=details,
    )
    db.session.add(entry)
    return entry


def describe(target) -> str:
    """A short readable name for an audited object."""
    if target is None:
        return ""
    for attribute in ("title", "name", "email"):
        value = getattr(target, attribute, None)
        if value:
            return str(value)
    if type(target).__name__ == "Comment":
        return f"by {target.author_name}"
    return f"#{getattr(target, 'id', '?')}"


def changes(before: dict, after: dict) -> str:
    """The fields that changed, as "field: old → new" lines (long values shortened)."""
    lines = []
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            lines.append(f"{key}: {_short(old)} → {_short(new)}")
    return "\n".join(lines)


def _short(value, limit: int = 80) -> str:
    """A value as one short line for the audit log."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value) or "(none)"
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
