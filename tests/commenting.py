"""Comment test helpers: read the reply form off a page, post it as a reader, or
store a comment directly."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

from ngo.extensions import db
from ngo.models import Comment, Statement


class _FormReader(HTMLParser):
    """The named fields of the reply form (#commentform) with their values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "commentform":
            self.in_form = True
        elif self.in_form and tag == "input" and attrs.get("name"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value") or "y"
            else:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.in_form and tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    """The reply form's fields as a browser sends them (no leading newline)."""
    reader = _FormReader()
    reader.feed(html)
    fields = reader.fields
    for name in ("comment",):
        value = fields.get(name, "").replace("\r\n", "\n")
        fields[name] = value[1:] if value.startswith("\n") else value
    return fields


def client_headers(ip: str = "203.0.113.5") -> dict[str, str]:
    """Headers of a reader at this address (the test app trusts one proxy)."""
    return {"X-Forwarded-For": ip, "User-Agent": "Mozilla/5.0 (comment tests)"}


def post_comment(client, slug, ip="203.0.113.5", query="", **fields):
    """Load the statement page like a browser, fill in the form, post it."""
    page = client.get(f"/statements/{slug}{query}", headers=client_headers(ip))
    assert page.status_code == 200, page.status_code
    data = form_fields(page.get_data(as_text=True))
    data.update(
        {
            "comment": "A thoughtful comment.",
            "author": "Ani Reader",
            "email": "ani@example.org",
        }
        | {k: v for k, v in fields.items() if v is not None}
    )
    for name in [k for k, v in fields.items() if v is None]:
        data.pop(name, None)
    return client.post(
        f"/statements/{slug}/comments", data=data, headers=client_headers(ip)
    )


def comment_id_from(response) -> int:
    """The id in a `Location: /statements/<slug>#comment-<id>` redirect."""
    match = re.search(r"#comment-(\d+)$", response.headers.get("Location", ""))
    assert match, response.headers.get("Location")
    return int(match.group(1))


def add_comment(app, slug: str, status: str = "pending", **fields) -> int:
    """Store a comment on a statement as moderation left it; give back its id.

    An approved one is counted in the statement's comment count, as posting and
    moderating keep it.
    """
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        comment = Comment(
            statement_id=statement.id,
            status=status,
            **{
                "author_name": "A Reader",
                "author_email": "reader@example.org",
                "body": "<p>A comment.</p>",
                "body_hash": f"stored-{uuid.uuid4().hex}",
                **fields,
            },
        )
        db.session.add(comment)
        if status == "approved":
            statement.comment_count += 1
        db.session.commit()
        return comment.id


def trust(app, slug: str, email: str, name: str = "Trusted Reader") -> None:
    """Give this email an approved comment, so its next ones publish at once."""
    add_comment(
        app,
        slug,
        "approved",
        author_name=name,
        author_email=email.lower(),
        body="<p>An earlier approved comment.</p>",
    )


def stored(app, comment_id: int) -> Comment:
    """The comment as stored, read outside any request."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        db.session.expunge(comment)
        return comment
