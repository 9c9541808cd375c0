"""Statements from Markdown files with YAML front matter (the format of DESIGN.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import Category, Organisation, Statement
from ngo.sanitize import plain_text, safe_web_url

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KNOWN_KEYS = {
    "title",
    "slug",
    "date",
    "language",
    "categories",
    "signatories",
    "views",
    "status",
    "summary",
    "comments_open",
}
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
SUMMARY_LENGTH = 300


class ImportFailure(Exception):
    """A file that cannot be imported, with where and why."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class ParsedStatement:
    """A statement read and checked from one file, not yet in the database."""

    path: str
    title: str
    slug: str
    published_at: datetime
    language: str
    status: str
    summary: str
    body: str
    body_markdown: str = ""
    comments_open: bool = True
    views: int | None = None
    categories: list[list[str]] = field(default_factory=list)
    signatories: list[tuple[str, str | None]] = field(default_factory=list)


def make_slug(text: str, max_length: int = 120) -> str:
    """A URL slug, transliterating Armenian, Cyrillic and other scripts to ASCII."""
    from slugify import slugify  # its transliteration tables weigh ~5 MB per worker

    return slugify(text or "", max_length=max_length, word_boundary=True) or "item"


class _FrontMatter:
    """The parsed front matter with the line of each key and list item."""

    def __init__(self, text: str, path: str, first_line: int):
        import yaml  # only the command line imports files

        self.path, self.offset = path, first_line
        try:
            self.data = yaml.safe_load(text)
            node = yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(
                exc, "context_mark", None
            )
            line = first_line + (mark.line if mark else 0)
            problem = getattr(exc, "problem", None) or str(exc)
            raise ImportFailure(path, line, f"invalid YAML: {problem}") from None
        if not isinstance(self.data, dict) or node is None:
            raise ImportFailure(
                path, first_line, "front matter must be a mapping of keys"
            )
        self.lines = {}
        for key_node, value_node in node.value:
            lines = [value_node.start_mark.line]
            if isinstance(value_node, yaml.SequenceNode):
                lines += [item.start_mark.line for item in value_node.value]
            self.lines[key_node.value] = lines

    def fail(self, key: str, message: str, index: int | None = None):
        """Raise an ImportFailure at the line of a key (or one of its list items)."""
        lines = self.lines.get(key, [-1])
        line = (
            lines[index + 1]
            if index is not None and index + 1 < len(lines)
            else lines[0]
        )
        raise ImportFailure(self.path, self.offset + max(line, 0), message)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split a file into its front matter, its body and the body's first line."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ImportFailure(
            path, 1, "the file must start with a '---' line of front matter"
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "".join(lines[1 : number - 1]), "".join(lines[number:]), number + 1
    raise ImportFailure(path, len(lines), "the front matter has no closing '---' line")


def parse_text(text: str, path: str, default_language: str = "en") -> ParsedStatement:
    """Read and check one file's text; raise ImportFailure naming file and line."""
    head, body_md, _ = split_front_matter(text, path)
    meta = _FrontMatter(head, path, first_line=2)
    data = meta.data
    for key in data:
        if key not in KNOWN_KEYS:
            meta.fail(str(key), f"unknown key {key!r}")

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        if "title" in data:
            meta.fail("title", "title must be non-empty text")
        raise ImportFailure(path, 1, "the front matter needs a title")
    title = " ".join(title.split())
    if len(title) > 500:
        meta.fail("title", "title is longer than 500 characters")

    slug = data.get("slug")
    if slug is None:
        slug = make_slug(title)
    elif not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 200:
        meta.fail("slug", "slug must be lowercase letters, digits and single hyphens")

    published_at = _parse_date(data.get("date"), meta)
    language = data.get("language", default_language)
    if not isinstance(language, str) or not LANGUAGE.match(language):
        meta.fail("language", "language must be a code such as en, hy or ru")

    status = data.get("status", "published")
    if status not in ("published", "draft"):
        meta.fail("status", "status must be 'published' or 'draft'")

    views = data.get("views")
    if views is not None and (type(views) is not int or not 0 <= views < 2**31):
        meta.fail("views", "views must be a whole number of 0 or more")

    comments_open = data.get("comments_open", True)
    if not isinstance(comments_open, bool):
        meta.fail("comments_open", "comments_open must be true or false")

    body = render_body(body_md)
    summary = data.get("summary")
    if summary is None:
        summary = _shorten(plain_text(body))
    elif not isinstance(summary, str):
        meta.fail("summary", "summary must be text")
    else:
        summary = plain_text(summary)

    return ParsedStatement(
        path=path,
        title=title,
        slug=slug,
        published_at=published_at,
        language=language,
        status=status,
        summary=summary,
        body=str(body),
        body_markdown=body_md.strip("\n"),
        comments_open=comments_open,
        views=views,
        categories=_parse_categories(data.get("categories", []), meta),
        signatories=_parse_signatories(data.get("signatories", []), meta),
    )


def _parse_date(value, meta: _FrontMatter) -> datetime:
    """The publication date as a UTC timestamp."""
    if value is None:
        raise ImportFailure(meta.path, 1, "the front matter needs a date (YYYY-MM-DD)")
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    meta.fail("date", f"date {value!r} is not an ISO 8601 date such as 2023-09-19")


def _parse_categories(value, meta: _FrontMatter) -> list[list[str]]:
    """Category trails such as "Rights > Right to life", as lists of names."""
    if not isinstance(value, list):
        meta.fail("categories", "categories must be a list")
    trails = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            meta.fail("categories", "each category must be text", index)
        names = [" ".join(part.split()) for part in item.split(">")]
        if not all(names) or any(len(name) > 200 for name in names):
            meta.fail(
                "categories", f"category {item!r} has an empty or overlong name", index
            )
        trails.append(names)
    return trails


def _parse_signatories(value, meta: _FrontMatter) -> list[tuple[str, str | None]]:
    """Signatories in order: a name, or a mapping of name and url."""
    if not isinstance(value, list):
        meta.fail("signatories", "signatories must be a list")
    result, seen = [], set()
    for index, item in enumerate(value):
        url = None
        if isinstance(item, dict):
            unknown = set(item) - {"name", "url"}
            if unknown:
                meta.fail(
                    "signatories",
                    f"unknown signatory key {sorted(unknown)[0]!r}",
                    index,
                )
            name, raw_url = item.get("name"), item.get("url")
            if raw_url is not None:
                url = safe_web_url(raw_url if isinstance(raw_url, str) else "")
                if url is None:
                    meta.fail(
                        "signatories",
                        f"signatory url {raw_url!r} is not an http(s) address",
                        index,
                    )
        else:
            name = item
        if not isinstance(name, str) or not name.strip() or len(name) > 300:
            meta.fail(
                "signatories",
                "each signatory needs a name of up to 300 characters",
                index,
            )
        name = " ".join(name.split())
        if name.casefold() in seen:
            meta.fail("signatories", f"signatory {name!r} is listed twice", index)
        seen.add(name.casefold())
        result.append((name, url))
    return result


def _shorten(text: str) -> str:
    """The start of a text, cut at a word boundary for a summary."""
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


def _unique_slug(model, wanted: str, prefix: str | None = None) -> str:
    """A slug not yet used by any row of model (pending rows included)."""
    db.session.flush()
    taken = set(
        db.session.scalars(
            db.select(model.slug).where(model.slug.startswith(wanted[:20]))
        )
    )
    candidates = [wanted] + ([f"{prefix}-{wanted}"] if prefix else [])
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def category_for_trail(names: list[str]) -> Category:
    """The category at the end of a trail of names, creating missing ones."""
    parent = None
    for name in names:
        found = db.session.scalar(
            db.select(Category).where(
                Category.name == name,
                Category.parent_id.is_(None)
                if parent is None
                else Category.parent_id == parent.id,
            )
        )
        if found is None:
            found = Category(
                name=name,
                parent=parent,
                slug=_unique_slug(
                    Category, make_slug(name), parent.slug if parent else None
                ),
            )
            db.session.add(found)
        parent = found
    return parent


def organisation_named(name: str, website: str | None = None) -> Organisation:
    """The organisation of that name (any case), created if new; a website updates it."""
    found = db.session.scalar(
        db.select(Organisation).where(db.func.lower(Organisation.name) == name.lower())
    )
    if found is None:
        found = Organisation(
            name=name, slug=_unique_slug(Organisation, make_slug(name))
        )
        db.session.add(found)
    if website:
        found.website = website
    return found


def save(parsed: ParsedStatement) -> Statement:
    """Create or update the statement of that slug; the caller commits."""
    statement = db.session.scalar(
        db.select(Statement).where(Statement.slug == parsed.slug)
    )
    if statement is None:
        statement = Statement(slug=parsed.slug, views=0)
        db.session.add(statement)
    statement.title = parsed.title
    statement.summary = parsed.summary
    statement.body = parsed.body
    statement.body_markdown = parsed.body_markdown
    statement.language = parsed.language
    statement.status = parsed.status
    statement.published_at = parsed.published_at
    statement.comments_open = parsed.comments_open
    if parsed.views is not None:
        statement.views = max(statement.views or 0, parsed.views)
    statement.set_categories([category_for_trail(trail) for trail in parsed.categories])
    statement.set_signatories(
        [organisation_named(name, website) for name, website in parsed.signatories]
    )
    return statement


def read_files(paths: list[str], default_language: str = "en") -> list[ParsedStatement]:
    """Parse every file first, so that one broken file stops the whole run."""
    parsed, slugs = [], {}
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImportFailure(path, 1, f"cannot read the file: {exc}") from None
        item = parse_text(text, path, default_language)
        if item.slug in slugs:
            raise ImportFailure(
                path, 1, f"slug {item.slug!r} is also used by {slugs[item.slug]}"
            )
        slugs[item.slug] = path
        parsed.append(item)
    return parsed


def import_files(paths: list[str], default_language: str = "en") -> list[Statement]:
    """Import files in one transaction: all of them, or nothing."""
    parsed = read_files(paths, default_language)
    try:
        statements = [save(item) for item in parsed]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return statements
