"""The moderation queue: Pending, Approved, Spam, Trash; one comment or many."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from sqlalchemy.orm import joinedload

from ngo.admin.audit import record
from ngo.admin.forms import ModerationForm
from ngo.admin.views import bp, paginate, requires
from ngo.comments.moderation import set_status
from ngo.extensions import db
from ngo.models import COMMENT_STATUSES, Comment, Statement
from ngo.revisions import bump_revision

# The queue's tabs, in order: the status of the comments each shows.
TABS = ("pending", "approved", "spam", "trash")
# What each button does: the status it moves a comment to.
ACTIONS = {
    "approve": "approved",
    "unapprove": "pending",
    "spam": "spam",
    "trash": "trash",
    "delete": None,
}
# The buttons each tab offers; Delete permanently only from the Trash.
TAB_ACTIONS = {
    "pending": ("approve", "spam", "trash"),
    "approved": ("unapprove", "spam", "trash"),
    "spam": ("approve", "unapprove", "trash"),
    "trash": ("approve", "unapprove", "spam", "delete"),
}
PER_PAGE = 20
MAX_BULK = 200


def tab_labels() -> dict[str, str]:
    """Each tab's name in the page's language, in the tabs' order."""
    return {
        # Translators: the moderation queue's tab of comments waiting for a moderator.
        "pending": pgettext("comments tab", "Pending"),
        # Translators: the moderation queue's tab of comments shown on the site.
        "approved": pgettext("comments tab", "Approved"),
        # Translators: the moderation queue's tab of comments marked as spam (a noun).
        "spam": pgettext("comments tab", "Spam"),
        # Translators: the moderation queue's tab of comments thrown away (a noun:
        # the trash, the recycle bin).
        "trash": pgettext("comments tab", "Trash"),
    }


def action_labels() -> dict[str, str]:
    """Each button's words in the page's language."""
    return {
        # Translators: a button of the moderation queue: show the comment(s) on the
        # site.
        "approve": pgettext("comment action", "Approve"),
        # Translators: a button of the moderation queue: move the comment(s) back to
        # the Pending tab.
        "unapprove": pgettext("comment action", "Unapprove"),
        # Translators: a button of the moderation queue: mark the comment(s) as spam
        # (a verb, "mark as spam").
        "spam": pgettext("comment action", "Spam"),
        # Translators: a button of the moderation queue: move the comment(s) to the
        # trash (a verb, "throw away").
        "trash": pgettext("comment action", "Trash"),
        # Translators: a button of the moderation queue's Trash tab: delete the
        # comment(s) for good.
        "delete": pgettext("comment action", "Delete permanently"),
    }


def done_message(action: str, done: int) -> str:
    """What a button did, to how many comments: "2 comments approved."."""
    if action == "approve":
        return ngettext("%(num)d comment approved.", "%(num)d comments approved.", done)
    if action == "unapprove":
        return ngettext(
            "%(num)d comment moved to Pending.",
            "%(num)d comments moved to Pending.",
            done,
        )
    if action == "spam":
        return ngettext(
            "%(num)d comment marked as spam.", "%(num)d comments marked as spam.", done
        )
    if action == "trash":
        return ngettext(
            "%(num)d comment moved to the Trash.",
            "%(num)d comments moved to the Trash.",
            done,
        )
    return ngettext(
        "%(num)d comment deleted permanently.",
        "%(num)d comments deleted permanently.",
        done,
    )


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
        tabs=tab_labels(),
        counts=queue_counts(),
        actions=TAB_ACTIONS[status],
        action_labels=action_labels(),
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
        action, _colon, one = form.one.data.partition(":")
        if not one.isascii() or not one.isdigit() or len(one) > 12:
            abort(400)
        ids = [int(one)]
    if action not in TAB_ACTIONS[status]:
        abort(400)
    ids = list(dict.fromkeys(ids))
    if not ids:
        flash(_("Tick at least one comment first."), "error")
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
        if set_status(comment, ACTIONS[action]):
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
        flash(done_message(action, done))
    if stale:
        flash(
            ngettext(
                "%(num)d comment was already changed or deleted by someone else, and "
                "left as they are.",
                "%(num)d comments were already changed or deleted by someone else, "
                "and left as they are.",
                stale,
            ),
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
