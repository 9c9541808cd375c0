"""The moderation queue: Pending, Approved, Spam, Trash; one comment or many."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from ngo.admin.audit import record
from ngo.admin.forms import ModerationForm
from ngo.admin.views import bp, paginate, requires
from ngo.comments.moderation import set_status
from ngo.extensions import db
from ngo.models import COMMENT_STATUSES, Comment, Statement
from ngo.revisions import bump_revision

TABS = {"pending": "Pending", "approved": "Approved", "spam": "Spam", "trash": "Trash"}
# What each button does: its label, and the status it moves a comment to.
ACTIONS = {
    "approve": ("Approve", "approved"),
    "unapprove": ("Unapprove", "pending"),
    "spam": ("Spam", "spam"),
    "trash": ("Trash", "trash"),
    "delete": ("Delete permanently", None),
}
# The buttons each tab offers; Delete permanently only from the Trash.
TAB_ACTIONS = {
    "pending": ("approve", "spam", "trash"),
    "approved": ("unapprove", "spam", "trash"),
    "spam": ("approve", "unapprove", "trash"),
    "trash": ("approve", "unapprove", "spam", "delete"),
}
DONE = {
    "approve": "approved",
    "unapprove": "moved to Pending",
    "spam": "marked as spam",
    "trash": "moved to the Trash",
    "delete": "deleted permanently",
}
PER_PAGE = 20
MAX_BULK = 200


def queue_counts() -> dict[str, int]:
    """How many comments each tab holds (one GROUP BY)."""
    counts = dict.fromkeys(COMMENT_STATUSES, 0)
    counts.update(
        db.session.execute(
            db.select(Comment.status, db.func.count()).group_by(Comment.status)
        ).all()
    )
    return counts


def _tab() -> str:
    """The tab asked for (?status=), Pending by default; anything else is a 404."""
    status = request.args.get("status", "pending")
    if status not in TABS:
        abort(404)
    return status


def _statement_filter() -> Statement | None:
    """The statement the queue is narrowed to (?statement=<id>), if any."""
    raw = request.args.get("statement", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        abort(404)
    return db.get_or_404(Statement, int(raw))


@bp.route("/comments", methods=["GET", "POST"])
@requires("moderate")
def comments():
    """The queue of one tab; its POSTs act on one comment or on the ticked ones."""
    status = _tab()
    statement = _statement_filter()
    form = ModerationForm()
    if form.is_submitted():
        return _act(form, status)
    query = (
        db.select(Comment)
        .where(Comment.status == status)
        .options(joinedload(Comment.statement))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    if statement is not None:
        query = query.where(Comment.statement_id == statement.id)
    pagination = paginate(query, per_page=PER_PAGE)
    parents = _parents(pagination.items)
    return render_template(
        "admin/comments.html",
        form=form,
        pagination=pagination,
        status=status,
        tabs=TABS,
        counts=queue_counts(),
        actions=[(name, ACTIONS[name][0]) for name in TAB_ACTIONS[status]],
        statement=statement,
        parents=parents,
    )


def _parents(comments: list[Comment]) -> dict[int, Comment]:
    """The comments these reply to, so each row can say whom it answers."""
    ids = {c.parent_id for c in comments if c.parent_id}
    if not ids:
        return {}
    return {
        c.id: c
        for c in db.session.scalars(db.select(Comment).where(Comment.id.in_(ids)))
    }


def _back(status: str):
    """Back to the tab (and page, and statement filter) the buttons were pressed on."""
    args = {"status": status}
    for key in ("page", "statement"):
        value = request.args.get(key, "")
        if value.isascii() and value.isdigit() and len(value) <= 12:
            args[key] = value
    return redirect(url_for("admin.comments", **args), code=303)


def _act(form: ModerationForm, status: str):
    """Apply one button: to the comment of its row, or to every ticked comment."""
    if not form.validate():
        abort(400)
    action, ids = form.action.data, form.ids.data or []
    if form.one.data:
        action, _, one = form.one.data.partition(":")
        if not one.isascii() or not one.isdigit() or len(one) > 12:
            abort(400)
        ids = [int(one)]
    if action not in TAB_ACTIONS[status]:
        abort(400)
    ids = list(dict.fromkeys(ids))
    if not ids:
        flash("Tick at least one comment first.", "error")
        return _back(status)
    if len(ids) > MAX_BULK:
        abort(400)

    found = db.session.scalars(
        db.select(Comment)
        .where(Comment.id.in_(ids))
        .options(joinedload(Comment.statement))
        .order_by(Comment.id)
    ).all()
    done = stale = 0
    for comment in found:
        # Only comments still in this tab: another moderator may have moved them.
        if comment.status != status:
            stale += 1
            continue
        if action == "delete":
            if _delete(comment):
                done += 1
            else:
                stale += 1
            continue
        label = f"by {comment.author_name} on “{comment.statement.title}”"
        if set_status(comment, ACTIONS[action][1]):
            record(
                f"comment.{action}",
                comment,
                label=label,
                details=f"{status} → {comment.status}",
            )
            done += 1
        else:
            stale += 1
    db.session.commit()
    stale += len(ids) - len(found)
    if done:
        flash(f"{done} comment{'s' if done != 1 else ''} {DONE[action]}.")
    if stale:
        flash(
            f"{stale} comment{'s were' if stale != 1 else ' was'} already changed or "
            "deleted by someone else, and left as they are.",
            "error",
        )
    return _back(status)


def _delete(comment: Comment) -> bool:
    """Delete a comment for good, if it is still in the Trash; replies stay."""
    label = f"by {comment.author_name} on “{comment.statement.title}”"
    deleted = db.session.execute(
        db.delete(Comment).where(Comment.id == comment.id, Comment.status == "trash"),
        execution_options={"synchronize_session": False},
    ).rowcount
    if deleted:
        # Its replies move up a level (parent_id SET NULL): cached pages must follow.
        db.session.execute(
            db.update(Statement)
            .where(Statement.id == comment.statement_id)
            .values(**bump_revision()),
            execution_options={"synchronize_session": False},
        )
        record("comment.delete", comment, label=label)
        db.session.expunge(comment)
    return bool(deleted)
