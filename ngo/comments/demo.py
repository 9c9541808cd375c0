"""Demo comments for `flask seed-demo`; generated threads for benchmarks and tests."""

from datetime import timedelta
from pathlib import Path

import yaml

from ngo.comments.posting import body_fingerprint
from ngo.extensions import db
from ngo.models import Comment, Statement
from ngo.sanitize import clean_comment_html

DEMO_COMMENTS = Path(__file__).resolve().parent.parent / "demo" / "comments.yaml"


def _thread(
    statement: Statement, items: list, parent: Comment | None, depth: int
) -> list:
    """Approved comments for one level of a demo thread and, recursively, replies."""
    made = []
    for item in items or []:
        comment = Comment(
            statement_id=statement.id,
            parent=parent,
            depth=depth,
            author_name=item["name"],
            author_email=item["email"].strip().lower(),
            author_url=item.get("website") or None,
            body=str(clean_comment_html(item["text"])),
            body_hash=body_fingerprint(item["text"]),
            status="approved",
            created_at=statement.published_at + timedelta(hours=item.get("hours", 1)),
        )
        made.append(comment)
        made += _thread(statement, item.get("replies"), comment, depth + 1)
    return made


def seed_demo_comments(path: Path = DEMO_COMMENTS) -> int:
    """Add demo threads to demo statements that have no comments; the caller commits.

    Safe to run again: a statement that already has comments is left alone.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    statements = db.session.scalars(
        db.select(Statement).where(Statement.slug.in_(data))
    )
    by_slug = {s.slug: s for s in statements}
    commented = set(
        db.session.scalars(
            db.select(Comment.statement_id)
            .where(Comment.statement_id.in_([s.id for s in by_slug.values()]))
            .distinct()
        )
    )
    added = 0
    for slug, threads in data.items():
        statement = by_slug.get(slug)
        if statement is None or statement.id in commented:
            continue
        comments = _thread(statement, threads, None, 1)
        db.session.add_all(comments)
        statement.comment_count = len(comments)
        added += len(comments)
    db.session.flush()
    return added


def add_sample_thread(
    statement: Statement, count: int = 200, max_depth: int = 5
) -> None:
    """Add `count` approved comments, threads up to `max_depth` deep; caller commits.

    Deterministic: every fourth comment starts a thread, the others answer the
    comment before them (or its parent, once the thread is as deep as allowed).
    """
    made: list[Comment] = []
    for number in range(count):
        parent = None if number % 4 == 0 or not made else made[-1]
        depth = 1
        if parent is not None:
            if parent.depth >= max_depth:
                parent = parent.parent
            depth = parent.depth + 1 if parent is not None else 1
        text = f"Sample comment {number + 1}: a reader's reply, <em>emphasised</em>."
        comment = Comment(
            statement_id=statement.id,
            parent=parent,
            depth=depth,
            author_name=f"Reader {number + 1}",
            author_email=f"reader{number + 1}@example.org",
            author_url="https://example.org/" if number % 3 == 0 else None,
            body=str(clean_comment_html(text)),
            body_hash=body_fingerprint(text),
            status="approved",
            created_at=statement.published_at + timedelta(minutes=number + 1),
        )
        made.append(comment)
    db.session.add_all(made)
    statement.comment_count += count
    db.session.flush()
