"""The comment section of a statement page: one query, a tree built in Python, the form.

The page itself belongs to ngo.statements.page; this module supplies the section's
data (`comment_section`), which comments/_comments.html shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import and_, or_
from sqlalchemy.orm import load_only, raiseload

from ngo import caching
from ngo.comments.forms import CommentForm
from ngo.comments.moderation import comments_closed
from ngo.comments.tokens import make_stamp, pending_ids, remembered_author, stamp_age
from ngo.extensions import db
from ngo.i18n import date_and_time
from ngo.models import Comment, Statement

# Everything a page shows of a comment. The email is not among them: a template
# that tried to print it would raise instead of quietly querying it.
_SHOWN = (
    Comment.id,
    Comment.parent_id,
    Comment.depth,
    Comment.author_name,
    Comment.author_url,
    Comment.body,
    Comment.status,
    Comment.created_at,
)


@dataclass
class CommentNode:
    """A comment in the thread tree, with its replies (oldest first)."""

    comment: Comment
    children: list[CommentNode] = field(default_factory=list)
    depth: int = 1
    # The accessible name of its Reply link (see reply_labels); None: no link.
    reply_label: str | None = None

    @property
    def pending(self) -> bool:
        """Shown only to its author, who posted it from this browser."""
        return self.comment.status == "pending"


@dataclass
class CommentSection:
    """What _comments.html needs: the tree, the count, the form or "closed"."""

    statement: Statement
    roots: list[CommentNode]
    count: int
    # The reader's own comments awaiting moderation, shown to them alone.
    pending_count: int
    closed: bool
    max_depth: int
    form: CommentForm | None = None
    reply_to: Comment | None = None
    # Why a post was refused as a whole: duplicate, flood, expired, closed.
    notice: str | None = None
    # The text of a refused post when no form is shown to hold it (closed).
    kept_text: str | None = None

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the error summary."""
        return self.form.error_list() if self.form is not None else []

    @property
    def has_problem(self) -> bool:
        """Whether the page reports a refused post (its title then starts "Error:")."""
        return bool(self.notice or self.errors)


def visible_comments(statement_id: int, pending: list[int]) -> list[Comment]:
    """Approved comments and this reader's own pending ones, oldest first: one query."""
    shown = Comment.status == "approved"
    if pending:
        shown = or_(shown, and_(Comment.status == "pending", Comment.id.in_(pending)))
    return list(
        db.session.scalars(
            db.select(Comment)
            .where(Comment.statement_id == statement_id, shown)
            .order_by(Comment.created_at, Comment.id)
            .options(load_only(*_SHOWN, raiseload=True), raiseload("*"))
        )
    )


def build_tree(comments: list[Comment], max_depth: int) -> list[CommentNode]:
    """Thread comments under their parents, oldest first at every level.

    A reply whose parent is not shown (held, removed) stands at the top level,
    as in WordPress. Below the deepest level, replies are shown as siblings of
    their parent, so nesting never exceeds `max_depth`.
    """
    nodes = {c.id: CommentNode(c) for c in comments}
    roots: list[CommentNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        if parent is None or parent is nodes[comment.id]:
            roots.append(nodes[comment.id])
        else:
            parent.children.append(nodes[comment.id])

    placed: set[int] = set()

    def place(level: list[CommentNode], depth: int) -> list[CommentNode]:
        """Give each node its depth, flattening everything below the last level."""
        out = []
        for node in level:
            if node.comment.id in placed:
                continue
            placed.add(node.comment.id)
            node.depth = depth
            out.append(node)
            if depth >= max_depth:
                out.extend(flatten(node, depth))
                node.children = []
            else:
                node.children = place(node.children, depth + 1)
        return out

    def flatten(node: CommentNode, depth: int) -> list[CommentNode]:
        """All descendants of a node at the last level, oldest first (no recursion)."""
        found, stack = [], list(node.children)
        while stack:
            child = stack.pop()
            if child.comment.id in placed:
                continue
            placed.add(child.comment.id)
            child.depth = depth
            found.append(child)
            stack.extend(child.children)
            child.children = []
        found.sort(key=lambda n: (n.comment.created_at, n.comment.id))
        return found

    tree = place(roots, 1)
    # A parent cycle (impossible through the site, possible by hand) still shows.
    strays = [nodes[c.id] for c in comments if c.id not in placed]
    return tree + place(strays, 1) if strays else tree


def reply_labels(roots: list[CommentNode], max_depth: int) -> None:
    """Name every Reply link after its comment's author, date and time, all different.

    The link's visible text stays "Reply"; two comments by one name are told apart
    by their time, and those from the same minute by "(1 of 2)", "(2 of 2)". The
    time is the one the comment shows (the page's language, the site's time zone).
    """
    labelled: dict[str, list[CommentNode]] = {}
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.pending or node.depth >= max_depth:
            continue
        c = node.comment
        # Translators: what screen readers read for the Reply link under a comment:
        # its author's name and when it was written, as the comment shows it
        # ("September 19, 2023 at 14:05").
        label = _(
            "Reply to %(name)s's comment of %(when)s",
            name=c.author_name,
            when=date_and_time(c.created_at),
        )
        labelled.setdefault(label, []).append(node)
    for label, nodes in labelled.items():
        for number, node in enumerate(nodes, 1):
            # Translators: the Reply link's name when one person wrote several
            # comments in the same minute: "Reply to Ani's comment of … (1 of 2)".
            node.reply_label = (
                _(
                    "%(label)s (%(number)d of %(count)d)",
                    label=label,
                    number=number,
                    count=len(nodes),
                )
                if len(nodes) > 1
                else label
            )


def _reply_target(raw: str | None, nodes: dict[int, Comment]) -> Comment | None:
    """The approved comment a `?replytocom=` or comment_parent names, if shown here."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    comment = nodes.get(int(raw))
    return comment if comment is not None and comment.status == "approved" else None


def comment_section(
    statement: Statement,
    form: CommentForm | None = None,
    notice: str | None = None,
    kept_text: str | None = None,
) -> CommentSection:
    """The comments of the page: a fresh form, or the posted one with its errors.

    A section with the reader's own data (their pending comments, what they
    typed, their remembered details) marks the response personal (ngo.caching).
    """
    max_depth = current_app.config["COMMENT_MAX_DEPTH"]
    pending = pending_ids()
    comments = visible_comments(statement.id, pending)
    by_id = {c.id: c for c in comments}
    section = CommentSection(
        statement=statement,
        roots=build_tree(comments, max_depth),
        count=sum(1 for c in comments if c.status == "approved"),
        pending_count=sum(1 for c in comments if c.status == "pending"),
        # A draft (an editor's preview) takes no comments: its form would post to a 404.
        closed=comments_closed(statement) or not statement.is_published,
        max_depth=max_depth,
        notice=notice,
        kept_text=kept_text,
    )
    if pending or form is not None or kept_text is not None:
        caching.mark_personal()
    if section.closed:
        return section
    reply_labels(section.roots, max_depth)
    if form is None:
        remembered = remembered_author() or {}
        section.reply_to = _reply_target(request.args.get("replytocom"), by_id)
        form = CommentForm(
            formdata=None,
            statement=statement,
            data={
                "author": remembered.get("author") or "",
                "email": remembered.get("email") or "",
                "url": remembered.get("url") or "",
                "remember": bool(remembered),
                "comment_parent": str(section.reply_to.id) if section.reply_to else "0",
            },
        )
        if remembered:
            caching.mark_personal()
        form.stamp.data = make_stamp(statement.id)
    else:
        section.reply_to = _reply_target(form.comment_parent.data, by_id)
        # Keep the time the form was first served; a forged stamp gets a fresh one.
        if stamp_age(form.stamp.data, statement.id) is None:
            form.stamp.data = make_stamp(statement.id)
    section.form = form
    return section
