"""Statements from Markdown files with YAML front matter (the format of DESIGN.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import insert
from sqlalchemy.orm import selectinload

from ngo.authoring import (
    Catalogue,
    impossible_date,
    legacy_slug,
    make_slug,
    summarise,
)
from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import Signature, Statement, StatementCategory, name_key
from ngo.sanitize import plain_text, safe_web_url
from ngo.translation_groups import clash, link

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
    "translation_of",
}
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
BOM = "\ufeff"
# Statements saved between two flushes of an import.
FLUSH_EVERY = 500


class Problem(NamedTuple):
    """One reason a file cannot be imported, and where."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ImportFailure(Exception):
    """Files that cannot be imported: every problem found, in file and line order."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    @classmethod
    def one(cls, path: str, line: int, message: str) -> ImportFailure:
        """A failure of a single problem."""
        return cls([Problem(path, line, message)])


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
    # The slug the title gave before the transliteration tables (None if the file
    # names its slug): a statement imported then is found and keeps its address.
    legacy_slug: str | None = None
    comments_open: bool = True
    views: int | None = None
    categories: list[list[str]] = field(default_factory=list)
    signatories: list[tuple[str, str | None]] = field(default_factory=list)
    # The slug of the statement this one translates, and the line that names it.
    translation_of: str | None = None
    translation_line: int = 1


@cache
def _loader():
    """YAML's safe loader, except that a date which is no day of the calendar
    (2023-02-30) stays the text it was instead of stopping the load."""
    import yaml  # only the command line imports files

    # libyaml's loader where PyYAML was built with it: ten times as fast.
    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        """The safe loader with forgiving timestamps."""

    def timestamp(loader, node):
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(
                loader, node
            )
        except ValueError:
            return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


class _FrontMatter:
    """The parsed front matter with the line of each key and list item; fail()
    collects problems, so that one run reports every one of them."""

    def __init__(self, text: str, path: str, first_line: int):
        import yaml

        self.path, self.offset = path, first_line
        self.problems: list[Problem] = []
        loader = _loader()(text)  # a safe loader
        try:
            node = loader.get_single_node()  # the nodes carry the lines
            self.data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(
                exc, "context_mark", None
            )
            line = first_line + (mark.line if mark else 0)
            problem = getattr(exc, "problem", None) or str(exc)
            raise ImportFailure.one(path, line, f"invalid YAML: {problem}") from None
        finally:
            loader.dispose()
        if not isinstance(self.data, dict) or node is None:
            raise ImportFailure.one(
                path, first_line, "front matter must be a mapping of keys"
            )
        self.lines = {}
        for key_node, value_node in node.value:
            lines = [value_node.start_mark.line]
            if isinstance(value_node, yaml.SequenceNode):
                lines += [item.start_mark.line for item in value_node.value]
            self.lines[key_node.value] = lines

    def fail(self, key: str, message: str, index: int | None = None) -> None:
        """Note a problem at the line of a key (or one of its list items)."""
        lines = self.lines.get(key, [-1])
        line = (
            lines[index + 1]
            if index is not None and index + 1 < len(lines)
            else lines[0]
        )
        self.problems.append(Problem(self.path, self.offset + max(line, 0), message))

    def fail_at(self, line: int, message: str) -> None:
        """Note a problem at a line of the file."""
        self.problems.append(Problem(self.path, line, message))


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split a file into its front matter, its body and the body's first line."""
    lines = text.removeprefix(BOM).splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ImportFailure.one(
            path, 1, "the file must start with a '---' line of front matter"
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "".join(lines[1 : number - 1]), "".join(lines[number:]), number + 1
    raise ImportFailure.one(
        path, len(lines), "the front matter has no closing '---' line"
    )


def parse_text(text: str, path: str, default_language: str = "en") -> ParsedStatement:
    """Read and check one file's text; raise ImportFailure naming every problem by
    file and line."""
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
        else:
            meta.fail_at(1, "the front matter needs a title")
        title = ""
    title = " ".join(title.split())
    if len(title) > 500:
        meta.fail("title", "title is longer than 500 characters")

    slug, old_slug = data.get("slug"), None
    if slug is None:
        slug = make_slug(title)
        old_slug = legacy_slug(title)
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

    translation_of = data.get("translation_of")
    if translation_of is not None and (
        not isinstance(translation_of, str)
        or not SLUG.match(translation_of)
        or len(translation_of) > 200
    ):
        meta.fail("translation_of", "translation_of must be the slug of a statement")
    elif translation_of is not None and translation_of == slug:
        meta.fail("translation_of", "a statement cannot be a translation of itself")

    categories = _parse_categories(data.get("categories", []), meta)
    signatories = _parse_signatories(data.get("signatories", []), meta)
    body = render_body(body_md)

    summary = data.get("summary")
    if summary is None:
        summary = summarise(body)
    elif not isinstance(summary, str):
        meta.fail("summary", "summary must be text")
    else:
        summary = plain_text(summary)

    if meta.problems:
        raise ImportFailure(sorted(meta.problems, key=lambda p: p.line))
    return ParsedStatement(
        path=path,
        title=title,
        slug=slug,
        legacy_slug=old_slug if old_slug != slug else None,
        published_at=published_at,
        language=language,
        status=status,
        summary=summary,
        body=str(body),
        body_markdown=body_md.strip("\n"),
        comments_open=comments_open,
        views=views,
        categories=categories,
        signatories=signatories,
        translation_of=translation_of,
        translation_line=meta.offset + meta.lines.get("translation_of", [0])[0],
    )


def _parse_date(value, meta: _FrontMatter) -> datetime | None:
    """The publication date as a UTC timestamp (None, and a problem, if it is not)."""
    if value is None:
        meta.fail_at(1, "the front matter needs a date (YYYY-MM-DD)")
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        reason = impossible_date(value)
        if reason:
            meta.fail("date", reason)
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    meta.fail("date", f"date {value!r} is not an ISO 8601 date such as 2023-09-19")
    return None


def _parse_categories(value, meta: _FrontMatter) -> list[list[str]]:
    """Category trails such as "Rights > Right to life", as lists of names."""
    if not isinstance(value, list):
        meta.fail("categories", "categories must be a list")
        return []
    trails = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            meta.fail("categories", "each category must be text", index)
            continue
        names = [" ".join(part.split()) for part in item.split(">")]
        if not all(names) or any(len(name) > 200 for name in names):
            meta.fail(
                "categories", f"category {item!r} has an empty or overlong name", index
            )
            continue
        trails.append(names)
    return trails


def _parse_signatories(value, meta: _FrontMatter) -> list[tuple[str, str | None]]:
    """Signatories in order: a name, or a mapping of name and url."""
    if not isinstance(value, list):
        meta.fail("signatories", "signatories must be a list")
        return []
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
            continue
        name = " ".join(name.split())
        if name_key(name) in seen:
            meta.fail("signatories", f"signatory {name!r} is listed twice", index)
            continue
        seen.add(name_key(name))
        result.append((name, url))
    return result


def save(
    parsed: ParsedStatement,
    statement: Statement | None = None,
    catalogue: Catalogue | None = None,
) -> Statement:
    """Create or update the statement of that slug; the caller commits. A file
    without a slug also finds the statement its title gave a slug to before the
    transliteration tables, which keeps that address. save_all() passes the
    statement it found and the catalogue it read; alone, this looks them up."""
    if catalogue is None:
        catalogue = Catalogue(name for name, _ in parsed.signatories)
        statement = _existing([parsed]).get(parsed.slug) or _existing(
            [parsed], legacy=True
        ).get(parsed.legacy_slug)
    if statement is None:
        statement = Statement(slug=parsed.slug, views=0)
        db.session.add(statement)
    _fill(statement, parsed)
    categories, organisations = _links(parsed, catalogue)
    statement.set_categories(categories)
    statement.set_signatories(organisations)
    return statement


def _fill(statement: Statement, parsed: ParsedStatement) -> None:
    """Write the file's fields into the statement (not its categories or
    signatories)."""
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


def _links(parsed: ParsedStatement, catalogue: Catalogue) -> tuple[list, list]:
    """The file's categories and signatory organisations, found or made, in order
    and each once."""
    categories = [catalogue.category_for_trail(trail) for trail in parsed.categories]
    organisations = [
        catalogue.organisation_named(name, website)
        for name, website in parsed.signatories
    ]
    return list(dict.fromkeys(categories)), list(dict.fromkeys(organisations))


def _existing(parsed: list[ParsedStatement], legacy: bool = False) -> dict:
    """The stored statements these files name, by slug (legacy: by the slug their
    title gave before the transliteration tables), with what save() changes."""
    slugs = sorted({p.legacy_slug if legacy else p.slug for p in parsed} - {None})
    found = {}
    for start in range(0, len(slugs), Catalogue.CHUNK):
        query = (
            db.select(Statement)
            .where(Statement.slug.in_(slugs[start : start + Catalogue.CHUNK]))
            .options(
                selectinload(Statement.category_links),
                selectinload(Statement.signatures),
            )
        )
        found.update((s.slug, s) for s in db.session.scalars(query))
    return found


def save_all(parsed: list[ParsedStatement]) -> list[Statement]:
    """save() every file's statement, the caller commits, at a cost that grows with
    the files and never with the archive: a few queries read what exists, one per
    new category or organisation checks its slug, and rows are written FLUSH_EVERY
    statements at a time. A new statement's category and signatory rows go in as
    one multi-row INSERT each (it is new: no revision to move but the site's)."""
    with db.session.no_autoflush:
        _check_translated_slugs(parsed)
        catalogue = Catalogue(name for item in parsed for name, _ in item.signatories)
        by_slug = _existing(parsed)
        by_legacy = _existing([p for p in parsed if p.slug not in by_slug], legacy=True)
    statements = []
    for start in range(0, len(parsed), FLUSH_EVERY):
        new = []
        with db.session.no_autoflush:
            for item in parsed[start : start + FLUSH_EVERY]:
                statement = by_slug.get(item.slug) or by_legacy.get(item.legacy_slug)
                if statement is None:
                    statement = Statement(slug=item.slug, views=0)
                    _fill(statement, item)
                    db.session.add(statement)
                    new.append((statement, *_links(item, catalogue)))
                else:
                    save(item, statement, catalogue)
                statements.append(statement)
        db.session.flush()  # ids for the new statements, categories, organisations
        _insert_links(new)
    _link_translations(parsed, statements)
    return statements


def _check_translated_slugs(parsed: list[ParsedStatement]) -> None:
    """Every `translation_of` names a statement of this run or of the database; if
    not, ImportFailure naming each file and line (before anything is written)."""
    in_run = {item.slug for item in parsed}
    wanted = sorted({item.translation_of for item in parsed} - in_run - {None})
    stored = set()
    for start in range(0, len(wanted), Catalogue.CHUNK):
        stored.update(
            db.session.scalars(
                db.select(Statement.slug).where(
                    Statement.slug.in_(wanted[start : start + Catalogue.CHUNK])
                )
            )
        )
    problems = [
        Problem(
            item.path,
            item.translation_line,
            f"translation_of: no statement has the slug {item.translation_of!r}",
        )
        for item in parsed
        if item.translation_of is not None
        and item.translation_of not in in_run | stored
    ]
    if problems:
        raise ImportFailure(problems)


def _link_translations(parsed: list[ParsedStatement], statements: list) -> None:
    """Put each statement that names `translation_of` in that statement's group.

    A statement another file of the run links to gets its own link first, so a
    chain (a translates b, b translates c) ends in one group. Two statements of
    one language in a group: ImportFailure at the line of the one that joins.
    """
    by_slug = {item.slug: s for item, s in zip(parsed, statements, strict=True)}
    linking = {item.slug: item for item in parsed if item.translation_of is not None}

    def depth(item: ParsedStatement) -> int:
        """How many links of this run lie beyond this one's target (they go first)."""
        seen, count = {item.slug}, 0
        while item.translation_of in linking and item.translation_of not in seen:
            item = linking[item.translation_of]
            seen.add(item.slug)
            count += 1
        return count

    for item in sorted(linking.values(), key=depth):
        statement = by_slug[item.slug]
        target = by_slug.get(item.translation_of) or db.session.scalar(
            db.select(Statement).where(Statement.slug == item.translation_of)
        )
        if (
            target.translation_group is not None
            and target.translation_group == statement.translation_group
        ):
            continue
        taken = clash(target, statement.language, statement)
        if taken is not None:
            raise ImportFailure.one(
                item.path,
                item.translation_line,
                f"translation_of: {taken.slug!r} is already the {taken.language!r} "
                f"version of {target.slug!r}; a statement has one translation per "
                "language",
            )
        link(statement, target)


def _insert_links(new: list[tuple[Statement, list, list]]) -> None:
    """The category and signature rows of statements just inserted."""
    categories = [
        {"statement_id": s.id, "category_id": c.id, "position": position}
        for s, chosen, _ in new
        for position, c in enumerate(chosen)
    ]
    signatures = [
        {"statement_id": s.id, "organisation_id": o.id, "position": position}
        for s, _, signed in new
        for position, o in enumerate(signed)
    ]
    if categories:
        db.session.execute(insert(StatementCategory.__table__), categories)
    if signatures:
        db.session.execute(insert(Signature.__table__), signatures)


def read_files(paths: list[str], default_language: str = "en") -> list[ParsedStatement]:
    """Parse and check every file; if any is broken, raise ImportFailure with every
    problem of every file, so that one run shows all there is to mend."""
    parsed, problems, slugs = [], [], {}
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(path, 1, f"cannot read the file: {exc}"))
            continue
        try:
            item = parse_text(text, path, default_language)
        except ImportFailure as failure:
            problems += failure.problems
            continue
        if item.slug in slugs:
            problems.append(
                Problem(
                    path, 1, f"slug {item.slug!r} is also used by {slugs[item.slug]}"
                )
            )
            continue
        slugs[item.slug] = path
        parsed.append(item)
    if problems:
        raise ImportFailure(problems)
    return parsed


def import_files(paths: list[str], default_language: str = "en") -> list[Statement]:
    """Import files in one transaction: all of them, or nothing."""
    parsed = read_files(paths, default_language)
    try:
        statements = save_all(parsed)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return statements
