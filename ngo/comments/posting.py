"""Posting a comment: one short transaction, safe against floods and double posts.

The flood guard and the duplicate check live in the database, so they hold
across every worker process and server sharing it. The transaction starts with
an atomic claim of the client's and the email's flood slots (an upsert that only
succeeds when the slot's last post is older than the window): a second post
racing the first waits on that row, then finds the slot taken and the first
comment committed. Concurrent posts from different people never wait on each
other in PostgreSQL; SQLite serialises writers anyway.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import exists, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from ngo.comments.forms import CommentForm
from ngo.comments.moderation import Submission, judge
from ngo.comments.tokens import stamp_age
from ngo.extensions import db
from ngo.models import Comment, CommentThrottle, Statement, utcnow
from ngo.privacy import client_ip_hash, keyed_hash
from ngo.revisions import bump_revision, move_site_on
from ngo.sanitize import count_links, plain_text


@dataclass(frozen=True)
class Posted:
    """The stored comment, or why none was stored ("duplicate" or "flood")."""

    comment: Comment | None = None
    refusal: str | None = None


def body_fingerprint(text: str) -> str:
    """A hash of the comment text that ignores case and spacing, for duplicates."""
    normal = " ".join((text or "").casefold().split())
    return hashlib.sha256(normal.encode()).hexdigest()


def _claim_flood_slots(keys: list[str], now, cutoff) -> bool:
    """Take every flood slot whose last post is older than the cutoff; all or nothing.

    Runs first in the transaction so that it takes the write lock (SQLite) or
    the slot rows' locks (PostgreSQL) before anything is read. Keys are sorted
    so that two transactions always lock them in the same order.
    """
    table = CommentThrottle.__table__
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table).values(
        [{"key": key, "posted_at": now} for key in sorted(keys)]
    )
    claim = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"posted_at": insert.excluded.posted_at},
        where=table.c.posted_at <= cutoff,
    ).returning(table.c.key)
    return len(db.session.execute(claim).all()) == len(keys)


def _flood_keys(form: CommentForm) -> list[str]:
    """The flood slots a post takes: its email's and its client's."""
    keys = [keyed_hash("comment-flood-email", form.email_normalised)]
    if request.remote_addr:
        keys.append(keyed_hash("comment-flood-ip", request.remote_addr))
    return keys


def _flood_cutoff(now):
    """Posts at or before this moment no longer hold their flood slot."""
    return now - timedelta(seconds=max(0, current_app.config["COMMENT_FLOOD_SECONDS"]))


def _duplicate_of(statement: Statement, form: CommentForm, fingerprint: str):
    """An EXISTS for a live comment with the same text by the same person."""
    return exists().where(
        Comment.statement_id == statement.id,
        Comment.body_hash == fingerprint,
        Comment.status != "trash",
        or_(
            Comment.author_email == form.email_normalised,
            Comment.author_name == form.author.data,
        ),
    )


def early_refusal(statement: Statement, form: CommentForm) -> str | None:
    """Say "duplicate" or "flood" when one read already shows a refusal.

    Runs before the comment is cleaned, so that a flood of large bodies costs
    an indexed read each, not the sanitiser's work. post_comment decides again
    inside its transaction (two posts may race past this check together).
    """
    taken = exists().where(
        CommentThrottle.key.in_(_flood_keys(form)),
        CommentThrottle.posted_at > _flood_cutoff(utcnow()),
    )
    duplicate = _duplicate_of(statement, form, body_fingerprint(form.comment.data))
    is_duplicate, is_taken = db.session.execute(
        db.select(duplicate.label("duplicate"), taken.label("taken"))
    ).one()
    if is_duplicate:
        return "duplicate"
    return "flood" if is_taken else None


def post_comment(statement: Statement, form: CommentForm) -> Posted:
    """Store a validated, cleaned comment under the moderation rules, or refuse it.

    A handful of queries: the flood claim, one read for the duplicate and
    trusted-commenter checks, the insert, and the count update when approved.
    """
    config = current_app.config
    now = utcnow()
    email = form.email_normalised
    address = request.remote_addr or ""
    keys = _flood_keys(form)
    cutoff = _flood_cutoff(now)
    fingerprint = body_fingerprint(form.comment.data)
    try:
        claimed = _claim_flood_slots(keys, now, cutoff)
        duplicate = _duplicate_of(statement, form, fingerprint)
        trusted = exists().where(
            Comment.author_email == email, Comment.status == "approved"
        )
        is_duplicate, is_trusted = db.session.execute(
            db.select(duplicate.label("duplicate"), trusted.label("trusted"))
        ).one()
        # A double-clicked Post Comment reads "duplicate", which says more than "wait".
        if is_duplicate:
            db.session.rollback()
            return Posted(refusal="duplicate")
        if not claimed:
            db.session.rollback()
            return Posted(refusal="flood")

        body = str(form.clean_body)
        verdict = judge(
            Submission(
                body_text=plain_text(body),
                links=count_links(body),
                author=form.author.data,
                email=email,
                url=form.url.data or "",
                ip=address,
                honeypot=form.subject.data or "",
                seconds_on_form=stamp_age(form.stamp.data, statement.id),
                trusted=bool(is_trusted),
            )
        )
        parent_id, depth = _place(form.parent, config["COMMENT_MAX_DEPTH"])
        comment = Comment(
            statement_id=statement.id,
            parent_id=parent_id,
            depth=depth,
            author_name=form.author.data,
            author_email=email,
            author_url=form.url.data or None,
            body=body,
            body_hash=fingerprint,
            status=verdict.status,
            moderation_note=verdict.note[:200],
            ip_hash=client_ip_hash() if address else None,
            created_at=now,
        )
        db.session.add(comment)
        db.session.flush()
        if comment.status == "approved":
            db.session.execute(
                update(Statement)
                .where(Statement.id == statement.id)
                .values(comment_count=Statement.comment_count + 1, **bump_revision()),
                execution_options={"synchronize_session": False},
            )
            move_site_on()  # lists show the count
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Posted(comment=comment)


def _place(parent: Comment | None, max_depth: int) -> tuple[int | None, int]:
    """Parent id and depth of a reply; past the deepest level it becomes a sibling."""
    if parent is None:
        return None, 1
    if parent.depth < max_depth:
        return parent.id, parent.depth + 1
    return parent.parent_id, parent.depth


def prune_flood_records() -> int:
    """Delete flood-guard rows older than the window: they can refuse no post."""
    window = max(0, current_app.config["COMMENT_FLOOD_SECONDS"])
    cutoff = utcnow() - timedelta(seconds=window)
    result = db.session.execute(
        db.delete(CommentThrottle).where(CommentThrottle.posted_at <= cutoff)
    )
    db.session.commit()
    return result.rowcount
