"""Moderation rules (WordPress's defaults), closing, and moderators' status changes."""

import json
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ngo.extensions import db
from ngo.models import COMMENT_STATUSES, Comment, Statement, utcnow
from ngo.revisions import bump_revision, move_site_on


@dataclass(frozen=True)
class Verdict:
    """Where a new comment goes, and why (kept for moderators)."""

    status: str
    note: str = ""


@dataclass(frozen=True)
class Submission:
    """What the rules look at in a new comment."""

    body_text: str
    links: int
    author: str
    email: str
    url: str
    ip: str
    honeypot: str
    seconds_on_form: float | None
    trusted: bool


def word_list(value) -> list[str]:
    """A configured word list: a list, JSON text, or one entry per line or comma."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = [text]
        else:
            value = text.replace(",", "\n").splitlines()
    words = (str(word).strip().lower() for word in (value or []))
    return [word for word in words if word]


def _first_match(words: list[str], texts: list[str]) -> str | None:
    """The first configured word found inside any of the texts (case-insensitive).

    As in WordPress, a word matches inside longer words: "press" matches
    "WordPress". Lists hold whole phrases where that matters.
    """
    haystacks = [text.lower() for text in texts if text]
    for word in words:
        if any(word in haystack for haystack in haystacks):
            return word
    return None


def judge(submission: Submission) -> Verdict:
    """Apply the rules in WordPress's order: spam first, then every reason to hold."""
    config = current_app.config
    texts = [
        submission.body_text,
        submission.author,
        submission.email,
        submission.url,
    ]
    if submission.honeypot:
        return Verdict("spam", "honeypot field filled in")
    blocked = _first_match(
        word_list(config["COMMENT_BLOCK_WORDS"]), [*texts, submission.ip]
    )
    if blocked:
        return Verdict("spam", f"block list: {blocked}")
    held = _first_match(
        word_list(config["COMMENT_MODERATION_WORDS"]), [*texts, submission.ip]
    )
    if held:
        return Verdict("pending", f"moderation list: {held}")
    max_links = config["COMMENT_MAX_LINKS"]
    if max_links and submission.links >= max_links:
        return Verdict("pending", f"{submission.links} links")
    if submission.seconds_on_form is None:
        return Verdict("pending", "form time stamp missing or invalid")
    minimum = config["COMMENT_MIN_SECONDS"]
    if minimum > 0 and submission.seconds_on_form < minimum:
        return Verdict(
            "pending",
            f"sent {submission.seconds_on_form:.1f} s after the form was served",
        )
    if not submission.trusted:
        return Verdict("pending", "first comment from this email")
    return Verdict("approved")


def comments_closed(statement: Statement) -> bool:
    """Closed by the editors, or older than NGO_COMMENT_CLOSE_AFTER_DAYS (0: never)."""
    if not statement.comments_open:
        return True
    days = current_app.config["COMMENT_CLOSE_AFTER_DAYS"]
    if days and days > 0:
        return statement.published_at < utcnow() - timedelta(days=days)
    return False


def set_status(comment: Comment, status: str) -> bool:
    """Move a comment to another status, keeping the statement's approved count right.

    For moderators; the caller commits. The change is a compare-and-set on the
    status the comment had when loaded, and the count moves by an atomic
    increment, so two moderators or a moderator and a new post never count a
    comment twice. False when someone else changed the comment first.
    """
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    old = comment.status
    if old == status:
        return True
    changed = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == old)
        .values(status=status),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        return False
    delta = (status == "approved") - (old == "approved")
    if delta:
        db.session.execute(
            update(Statement)
            .where(Statement.id == comment.statement_id)
            .values(comment_count=Statement.comment_count + delta, **bump_revision()),
            execution_options={"synchronize_session": False},
        )
        move_site_on()  # lists show the count
    set_committed_value(comment, "status", status)
    return True
