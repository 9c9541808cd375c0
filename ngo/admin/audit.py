"""The audit log: every editing and moderation action, in the same transaction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ngo.extensions import db
from ngo.models import AuditLog

# How each action reads on the audit page, before the name of what it was done to
# ("created statement “Title”"); what an entry stores (its target's name, the
# details of a change) is kept as it was written.
ACTION_LABELS = {
    # Translators: an action in the audit log; the statement's title follows it
    # ("created statement “Title”"), as do the names in the actions below. Who did
    # it is in the column before, so a form that needs no gender reads best. The
    # actions are also the choices of the log's filter.
    "statement.create": _l("created statement"),
    "statement.update": _l("edited statement"),
    "category.create": _l("created category"),
    "category.update": _l("changed category"),
    "category.delete": _l("deleted category"),
    "organisation.create": _l("created organisation"),
    "organisation.update": _l("changed organisation"),
    "organisation.delete": _l("deleted organisation"),
    "page.create": _l("created page"),
    "page.update": _l("edited page"),
    "page.delete": _l("deleted page"),
    # Translators: an action in the audit log, followed by "by <name> on “Title”".
    "comment.approve": _l("approved comment"),
    "comment.unapprove": _l("unapproved comment"),
    "comment.spam": _l("marked comment as spam"),
    "comment.trash": _l("moved comment to trash"),
    "comment.delete": _l("deleted comment permanently"),
    # Translators: an action in the audit log, followed by the user's email.
    "user.create": _l("created user"),
    "user.update": _l("changed user"),
    # Translators: an action in the audit log, followed by the email of the account
    # whose password was changed.
    "user.password": _l("changed password of"),
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
