"""Importing a WordPress export: posts as statements, pages, categories, tags,
comments, view counts and old addresses, matched by WordPress ids so that a second
run updates what the first made.

The export is read as a stream (ngo.wordpress.wxr) and written BATCH posts at a
time: statements through the ORM (so that revisions and the search index follow
them), their category, tag and signatory rows and their comments with bulk SQL,
and nothing of a batch is kept in the session after it. Categories, tags and
organisations are looked up once and kept by id. The caller commits, or rolls back
for a dry run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ngo.authoring import (
    SLUG_MAX,
    category_named,
    make_slug,
    organisation_named,
    summarise,
    unique_slug,
)
from ngo.comments.posting import body_fingerprint
from ngo.extensions import db
from ngo.form_filters import web_address
from ngo.i18n import LANGUAGES
from ngo.markup import render_body
from ngo.media import media_folder
from ngo.models import (
    Category,
    Comment,
    OldAddress,
    Organisation,
    Page,
    Signature,
    SlugRedirect,
    Statement,
    StatementCategory,
    StatementTag,
    Tag,
    WordpressItem,
    name_key,
)
from ngo.old_addresses import address_key, url_key
from ngo.privacy import keyed_hash
from ngo.revisions import move_site_on
from ngo.sanitize import clean_comment_html, plain_text, safe_web_url
from ngo.search import index as search_index
from ngo.wordpress.report import Report
from ngo.wordpress.wxr import Export, Item, Term

BATCH = 500  # posts written at a time
_CHUNK = 500  # ids per IN (...) query
# Rows per multi-row INSERT (SQLAlchemy's insertmanyvalues): larger statements cost
# PostgreSQL more to parse than they save in round trips.
_ROWS = {"insertmanyvalues_page_size": 100}
URL_MAX = 200  # the comment form's limit on a website
NAME_MAX = 245
EMAIL_MAX = 100
# WordPress's comment statuses -> this site's; the others are not imported.
COMMENT_STATUS = {"1": "approved", "approve": "approved", "0": "pending"}
COMMENT_STATUS["hold"] = "pending"
COMMENT_STATUS["spam"] = "spam"
COMMENT_KINDS = ("", "comment")
# Post statuses that become drafts here.
DRAFT_STATUSES = ("draft", "pending", "private")
_ARMENIAN = re.compile("[\u0531-\u0556\u0561-\u0587]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


@dataclass
class Options:
    """How to import: signatories taken from the end of posts, an uploads folder."""

    trailing_signatories: bool = False
    uploads: Path | None = None
    dry_run: bool = False


def _what(item: Item) -> str:
    """How the report names an item: post 12 “Title” (line 40)."""
    title = " ".join((item.title or "").split())[:80]
    kind = "page" if item.post_type == "page" else item.post_type or "item"
    return f"{kind} {item.post_id} “{title}” (line {item.line})"


def detect_language(text: str, default: str) -> str:
    """hy for Armenian letters, ru for Cyrillic, else the default: the script
    most of the letters are in, if it is a third of them or more."""
    sample = text[:1500]
    letters = len(_LETTER.findall(sample))
    if not letters:
        return default
    armenian = len(_ARMENIAN.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    language = default
    if armenian >= cyrillic and armenian * 3 >= letters and armenian:
        language = "hy"
    elif cyrillic * 3 >= letters and cyrillic:
        language = "ru"
    return language if language in LANGUAGES else default


def page_markdown(html: str) -> str:
    """The Markdown source the page editor shows for an imported page: its HTML,
    which Markdown passes through, without the blank lines that would end an HTML
    block (the text after one would be read as Markdown)."""
    return _BLANK_LINES.sub("\n", html.strip())


def _views(meta: dict[str, str]) -> int | None:
    """WP-PostViews' `views` or `post_views_count`, the larger; None if neither."""
    found = []
    for key in ("views", "post_views_count"):
        try:
            found.append(max(0, int(str(meta.get(key, "")).strip())))
        except ValueError:
            continue
    return max(found) if found else None


def _chunks(values: list, size: int = _CHUNK):
    """The values in slices."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _upsert(table, rows: list[dict], keys: list[str], values: list[str]) -> None:
    """Insert these rows, or update the given columns of those already there."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: getattr(statement.excluded, name) for name in values},
    ).execution_options(**_ROWS)
    for chunk in _chunks(rows, 1000):
        db.session.execute(statement, chunk)


# WordPress keeps a slug to 200 bytes percent-encoded: an Armenian or Russian title's
# slug is cut after about 35 letters, often inside a word.
WORDPRESS_SLUG_BYTES = 200


def slug_of(post_name: str, title: str) -> str:
    """A post's slug in this site's form: its WordPress slug transliterated, or
    the title's when WordPress cut the slug short (a cut of the title's words)."""
    slug = make_slug(post_name or title)
    if len(quote(post_name, safe="")) > WORDPRESS_SLUG_BYTES - 12:
        whole = make_slug(title)
        if whole.startswith(slug) and len(whole) > len(slug):
            return whole
    return slug


class Importer:
    """One run over one export; `run()` fills and returns the report."""

    def __init__(self, export: Export, options: Options, report: Report):
        config = current_app.config
        self.export = export
        self.options = options
        self.report = report
        self.zone = ZoneInfo(config["TIMEZONE"])
        self.default_language = config["DEFAULT_LANGUAGE"]
        self.max_depth = max(1, int(config["COMMENT_MAX_DEPTH"]))
        self.site = None
        self.base_url = ""
        self.media = None
        # WordPress slug -> local id, and the old category paths.
        self.category_ids: dict[str, int] = {}
        self.category_paths: dict[str, str] = {}
        self.tag_ids: dict[str, int] = {}
        self.organisation_ids: dict[str, int] = {}
        # Statements whose category, tag or signatory rows changed (search index).
        self.relinked: set[int] = set()
        # Statement slugs given in this run (not yet visible to a query).
        self.slugs_given: set[str] = set()
        # WordPress ids and old addresses to write with the next batch.
        self.pending_items: list[tuple[str, int, int]] = []
        self.pending_addresses: list[dict] = []
        # (post id, old address keys) of each attachment that belongs to a post.
        self.attachments: list[tuple[int, set[str]]] = []

    # -- the run --------------------------------------------------------------

    def run(self, progress: Callable[[int], None] | None = None) -> Report:
        """Read the whole export and write it; the caller commits or rolls back."""
        terms: list[Term] = []
        terms_done = False
        posts: list[Item] = []
        pages: list[Item] = []
        for entry in self.export:
            if progress is not None:
                progress(self.export.position)
            if isinstance(entry, Term):
                if terms_done:  # a term after the items (not as WordPress writes)
                    self._terms([entry])
                else:
                    terms.append(entry)
                continue
            if not terms_done:
                self._start()
                self._terms(terms)
                terms_done = True
            self._sort(entry, posts, pages)
            if len(posts) >= BATCH:
                self._posts(posts)
                posts = []
        if not terms_done:
            self._start()
            self._terms(terms)
        self._posts(posts)
        self._pages(pages)
        self._attachment_addresses()
        self._finish()
        return self.report

    def _attachment_addresses(self) -> None:
        """An attachment's old page (its permalink, /?attachment_id=<id>, /?p=<id>)
        answers 301 to the statement of the post it belongs to, if that was imported
        (attachments come before their posts in an export: resolved at the end)."""
        self._write_pending()
        statements = self._mapped("statement", [post for post, _ in self.attachments])
        self._store_addresses(
            [
                {"path": key, "target_kind": "statement", "target_id": statements[post]}
                for post, keys in self.attachments
                if post in statements
                for key in keys
            ]
        )

    def _start(self) -> None:
        """What the export's channel says, and the media library if asked for."""
        self.site = self.export.site
        self.base_url = (
            self.site.base_blog_url or self.site.link or self.site.base_site_url
        )
        if self.options.uploads is not None:
            from ngo.wordpress.media import MediaLibrary

            self.media = MediaLibrary(
                Path(self.options.uploads),
                self.site,
                media_folder(current_app),
                self.options.dry_run,
            )

    def _sort(self, item: Item, posts: list[Item], pages: list[Item]) -> None:
        """Keep a post or page for writing, or say why an item is left out."""
        if item.post_type == "attachment" and item.parent_id:
            self.attachments.append(
                (item.parent_id, self._item_keys(item, "attachment_id"))
            )
        if item.post_type not in ("post", "page"):
            why = {
                "attachment": "attachments (their files are copied when a post "
                "uses them, with --uploads; their pages answer 301 to the post)",
                "nav_menu_item": "menu items (this site makes its own menus)",
                "revision": "revisions (only the current text is imported)",
            }.get(item.post_type, f"items of the type {item.post_type!r}")
            self.report.skip_counted(why)
            return
        comments = len(item.comments)
        with_comments = (
            f" (with its {comments} comment{'s' if comments != 1 else ''})"
            if comments
            else ""
        )
        if item.status == "trash":
            self.report.skip(_what(item), "in the trash" + with_comments)
        elif item.status == "auto-draft":
            self.report.skip(
                _what(item), "an auto-draft, never saved by its author" + with_comments
            )
        elif item.post_type == "post":
            posts.append(item)
        elif item.status == "publish" and not item.password:
            pages.append(item)
        else:
            why = "protected by a password" if item.password else item.status
            self.report.skip(
                _what(item),
                f"a page not published ({why}): this site's pages have no drafts"
                + with_comments,
            )

    def _finish(self) -> None:
        """The search index of statements whose links alone changed; the report's
        repairs and media."""
        self._write_pending()
        if self.relinked:
            search_index.reindex(db.session.connection(), self.relinked)
        self.report.recoveries = list(self.export.recoveries)
        self.report.recovered = getattr(
            self.export, "recovered", len(self.export.recoveries)
        )
        if self.media is not None:
            self.report.copied_media = len(getattr(self.media, "copied", []))
            for url in getattr(self.media, "missing", []):
                self.report.missing(url)

    # -- dates ----------------------------------------------------------------

    def _date(self, gmt: datetime | None, local: datetime | None) -> datetime | None:
        """The GMT date, else the local one read in the site's time zone."""
        if gmt is not None:
            return gmt if gmt.tzinfo else gmt.replace(tzinfo=UTC)
        if local is not None:
            if local.tzinfo is None:
                local = local.replace(tzinfo=self.zone)
            return local.astimezone(UTC)
        return None

    # -- categories and tags --------------------------------------------------

    def _terms(self, terms: list[Term]) -> None:
        """Every category (parents first) and tag of the term list, found or made."""
        with db.session.no_autoflush:
            mapped = {
                kind: self._mapped(kind, [t.term_id for t in terms if t.term_id])
                for kind in ("category", "tag")
            }
        categories = {t.slug: t for t in terms if t.kind == "category" and t.slug}
        for term in categories.values():
            self._category(term, categories, mapped["category"], ())
        self._tags([t for t in terms if t.kind == "post_tag" and t.slug], mapped["tag"])
        for term in terms:
            if term.kind not in ("category", "post_tag"):
                self.report.skip_counted(f"terms of the taxonomy {term.kind!r}")
        self._write_pending()

    def _tags(self, terms: list[Term], mapped: dict[int, int]) -> None:
        """The tags of the term list: those there found in one read, the others made
        together (one flush)."""
        tags = list(db.session.scalars(db.select(Tag)))
        by_id = {tag.id: tag for tag in tags}
        by_key = {tag.name_key: tag for tag in tags}
        taken = {tag.slug for tag in tags}
        made = []
        for term in terms:
            if term.slug in self.tag_ids:
                continue
            name = (term.name or term.slug)[:200]
            found = by_id.get(mapped.get(term.term_id))
            change = "unchanged"
            if found is None:
                found = by_key.get(name_key(name))
                change = "found"
            if found is None:
                wanted = make_slug(term.slug)
                slug = next(
                    candidate
                    for candidate in (
                        wanted if n == 1 else f"{wanted[: SLUG_MAX - 8]}-{n}"
                        for n in range(1, len(taken) + 2)
                    )
                    if candidate not in taken
                )
                taken.add(slug)
                found = Tag(name=name, slug=slug)
                db.session.add(found)
                change = "new"
            elif change == "unchanged" and found.name != name:
                found.name = name
                change = "updated"
            by_key[name_key(name)] = found
            self.report.count("tag", None, change)
            made.append((term, found))
        db.session.flush()
        for term, tag in made:
            self.tag_ids[term.slug] = tag.id
            self._remember("tag", term.term_id, tag.id)
            self._addresses("tag", tag.id, {f"/tag/{term.slug}", f"/?tag={term.slug}"})

    def _category(self, term: Term, terms: dict, mapped: dict, seen: tuple) -> int:
        """The id of a category term's category, its parents made first."""
        if term.slug in self.category_ids:
            return self.category_ids[term.slug]
        parent_id = None
        parent_term = terms.get(term.parent_slug) if term.parent_slug else None
        if parent_term is not None and term.slug not in seen:
            parent_id = self._category(parent_term, terms, mapped, (*seen, term.slug))
        name = term.name or term.slug
        found = (
            db.session.get(Category, mapped[term.term_id])
            if term.term_id in (mapped)
            else None
        )
        parent = db.session.get(Category, parent_id) if parent_id else None
        if found is None:
            found = category_named(name, parent)
            change = "found" if found is not None else "new"
        else:
            change = "unchanged"
        if found is None:
            found = Category(
                name=name,
                parent=parent,
                slug=unique_slug(
                    Category, make_slug(term.slug), parent.slug if parent else None
                ),
            )
            db.session.add(found)
        elif change == "unchanged" and found.name != name:
            found.name = name
            change = "updated"
        db.session.flush()
        self.report.count("category", None, change)
        self.category_ids[term.slug] = found.id
        parent_path = self.category_paths.get(term.parent_slug, "") if parent_id else ""
        self.category_paths[term.slug] = f"{parent_path}/{term.slug}"
        self._remember("category", term.term_id, found.id)
        keys = {f"/category{self.category_paths[term.slug]}", f"/category/{term.slug}"}
        if term.term_id:
            keys.add(f"/?cat={term.term_id}")
        self._addresses("category", found.id, keys)
        return found.id

    def _category_for(self, slug: str, name: str) -> int:
        """A category a post names that the term list did not: made at the top."""
        if slug not in self.category_ids:
            term = Term("category", 0, slug, name or slug, None, "")
            self._category(term, {}, {}, ())
        return self.category_ids[slug]

    def _tag(self, slug: str, name: str, term_id: int, mapped: dict) -> int:
        """The id of a tag, found by its WordPress id or name, or made."""
        if slug in self.tag_ids:
            return self.tag_ids[slug]
        name = (name or slug)[:200]
        found = db.session.get(Tag, mapped[term_id]) if term_id in mapped else None
        change = "unchanged" if found is not None else "found"
        if found is None:
            found = db.session.scalar(
                db.select(Tag).where(Tag.name_key == name_key(name))
            )
        if found is None:
            found = Tag(name=name, slug=unique_slug(Tag, make_slug(slug)))
            db.session.add(found)
            change = "new"
        elif change == "unchanged" and found.name != name:
            found.name = name
            change = "updated"
        db.session.flush()
        self.report.count("tag", None, change)
        self.tag_ids[slug] = found.id
        if term_id:
            self._remember("tag", term_id, found.id)
        self._addresses("tag", found.id, {f"/tag/{slug}", f"/?tag={slug}"})
        return found.id

    def _organisation(self, name: str) -> int:
        """The id of the organisation of that name, made if new."""
        key = name_key(name)
        if key not in self.organisation_ids:
            found = db.session.scalar(
                db.select(Organisation.id).where(Organisation.name_key == key)
            )
            change = "found"
            if found is None:
                found = organisation_named(name[:300]).id
                change = "new"
            self.organisation_ids[key] = found
            self.report.count("organisation", None, change)
        return self.organisation_ids[key]

    # -- the WordPress ids ----------------------------------------------------

    def _mapped(self, kind: str, wordpress_ids: Iterable[int]) -> dict[int, int]:
        """WordPress id -> local id of what an earlier run made of these."""
        ids = sorted(set(wordpress_ids))
        found: dict[int, int] = {}
        table = WordpressItem.__table__
        for chunk in _chunks(ids):
            query = select(table.c.wordpress_id, table.c.local_id).where(
                table.c.kind == kind, table.c.wordpress_id.in_(chunk)
            )
            found.update(tuple(row) for row in db.session.execute(query))
        return found

    def _remember(self, kind: str, wordpress_id: int, local_id: int) -> None:
        """Note what a WordPress id was made into (written with the batch)."""
        if wordpress_id:
            self.pending_items.append((kind, wordpress_id, local_id))

    def _write_pending(self) -> None:
        """Write the WordPress ids and old addresses noted since the last time."""
        self._remember_all(self.pending_items)
        self._store_addresses(self.pending_addresses)
        self.pending_items, self.pending_addresses = [], []

    def _remember_all(self, rows: list[tuple[str, int, int]]) -> None:
        """Note what these WordPress ids were made into."""
        _upsert(
            WordpressItem.__table__,
            list(  # each id once (the last wins): one statement may hold many
                {
                    (kind, wp_id): {
                        "kind": kind,
                        "wordpress_id": wp_id,
                        "local_id": local_id,
                    }
                    for kind, wp_id, local_id in rows
                }.values()
            ),
            ["kind", "wordpress_id"],
            ["local_id"],
        )

    def _addresses(self, kind: str, target_id: int, paths: Iterable[str]) -> None:
        """Note old paths (made into keys) as addresses of this target."""
        for path in paths:
            path, _, query = path.partition("?")
            key = address_key(path or "/", query)
            if key is not None and key != "/":
                self.pending_addresses.append(
                    {"path": key, "target_kind": kind, "target_id": target_id}
                )

    def _store_addresses(self, rows: list[dict]) -> None:
        """Write old addresses, each key once (the last wins); those already
        stored as they are are left alone (counted as unchanged)."""
        rows = {row["path"]: row for row in rows}
        table = OldAddress.__table__
        stored = set()
        for chunk in _chunks(sorted(rows)):
            stored.update(
                tuple(row)
                for row in db.session.execute(
                    select(table.c.path, table.c.target_kind, table.c.target_id).where(
                        table.c.path.in_(chunk)
                    )
                )
            )
        changed = [
            row
            for key, row in rows.items()
            if (key, row["target_kind"], row["target_id"]) not in stored
        ]
        _upsert(table, changed, ["path"], ["target_kind", "target_id"])
        self.report.changes[("old address", "stored")] += len(changed)
        self.report.changes[("old address", "unchanged")] += len(rows) - len(changed)

    def _item_keys(self, item: Item, query_key: str) -> set[str]:
        """The keys of an item's old addresses: its permalink (relative to the old
        site's base address, and whole) and /?p=<id> (or /?page_id=<id>)."""
        keys = set(url_key(item.link, self.base_url))
        if item.guid and "?" in item.guid:
            keys.update(url_key(item.guid, self.base_url))
        keys.add(f"/?p={item.post_id}")
        if query_key != "p":
            keys.add(f"/?{query_key}={item.post_id}")
        return {key for key in keys if key and key != "/"}

    # -- posts ----------------------------------------------------------------

    def _convert(self, item: Item):
        """The item's body made clean, with its summary, signatories and media."""
        from ngo.wordpress.content import convert

        converted = convert(
            item.content or "",
            site=self.site,
            trailing_signatories=self.options.trailing_signatories,
            media=self.media,
        )
        self.report.embeds += len(converted.embeds)
        for url in converted.missing_media:
            self.report.missing(url)
        return converted

    def _status(self, item: Item, published_at: datetime) -> tuple[str, str]:
        """This site's status of a post, and how the report counts it."""
        if item.password:
            self.report.note(
                _what(item),
                "protected by a password: imported as a draft (this site has no "
                "post passwords)",
            )
            return "draft", "draft"
        if item.status == "publish":
            return "published", "published"
        if item.status == "future":
            return "published", "scheduled"
        if item.status not in DRAFT_STATUSES:
            self.report.note(_what(item), f"status {item.status!r}: a draft here")
        return "draft", "draft"

    def _fields(self, item: Item) -> tuple[dict, list[str], str]:
        """A statement's fields from a post, its signatory names, its report status."""
        converted = self._convert(item)
        published_at = self._date(item.date_gmt, item.date_local) or datetime.now(UTC)
        status, counted = self._status(item, published_at)
        if status == "published":  # the date decides: a future post already due
            counted = "scheduled" if published_at > datetime.now(UTC) else "published"
        excerpt = " ".join(plain_text(item.excerpt or "").split())
        summary = excerpt or converted.summary or summarise(converted.body)
        title = " ".join((item.title or "").split())[:500] or "(no title)"
        language = detect_language(  # the first words tell the script
            f"{title} {plain_text(str(converted.body)[:4000])}",
            self.default_language,
        )
        fields = {
            "title": title,
            "summary": summary,
            "body": str(converted.body),
            "body_markdown": None,
            "language": language,
            "status": status,
            "published_at": published_at,
            "comments_open": item.comments_open,
        }
        if getattr(item, "sticky", False):
            fields["featured"] = True
        return fields, list(converted.signatories), counted

    def _free_slugs(self, wanted: set[str]) -> set[str]:
        """Which of these slugs no statement has or had: one read per chunk."""
        free = set(wanted)
        for chunk in _chunks(sorted(wanted)):
            free -= set(
                db.session.scalars(
                    db.select(Statement.slug).where(Statement.slug.in_(chunk))
                )
            )
            free -= set(
                db.session.scalars(
                    db.select(SlugRedirect.old_slug).where(
                        SlugRedirect.old_slug.in_(chunk)
                    )
                )
            )
        return free

    def _slug_for(self, wanted: str, free: set[str]) -> str:
        """A free slug for a new statement: the post's slug in the site's form,
        else that slug numbered."""
        if wanted in free and wanted not in self.slugs_given:
            slug = wanted
        else:
            candidates = [
                f"{wanted[: SLUG_MAX - len(str(n)) - 1]}-{n}" for n in range(2, 22)
            ]
            free_now = self._free_slugs(set(candidates)) - self.slugs_given
            slug = next((c for c in candidates if c in free_now), None)
            if slug is None:  # 20 of that name: ask one by one
                slug = unique_slug(Statement, wanted)
        self.slugs_given.add(slug)
        return slug

    def _posts(self, items: list[Item]) -> None:
        """Write a batch of posts as statements, with their links and comments."""
        if not items:
            return
        with db.session.no_autoflush:
            mapped = self._mapped("statement", [item.post_id for item in items])
            existing = {
                s.id: s
                for chunk in _chunks(sorted(set(mapped.values())))
                for s in db.session.scalars(
                    db.select(Statement).where(Statement.id.in_(chunk))
                )
            }
            written = []
            converted = [(item, *self._fields(item)) for item in items]
            wanted = {
                item.post_id: slug_of(item.post_name, fields["title"])
                for item, fields, *_ in converted
                if mapped.get(item.post_id) not in existing
            }
            free = self._free_slugs(set(wanted.values()))
            for item, fields, names, counted in converted:
                statement = existing.get(mapped.get(item.post_id))
                if statement is None:
                    statement = Statement(
                        slug=self._slug_for(wanted[item.post_id], free),
                        views=_views(item.meta) or 0,
                        **fields,
                    )
                    db.session.add(statement)
                    change = "new"
                else:
                    for name, value in fields.items():
                        setattr(statement, name, value)
                    views = _views(item.meta)
                    if views is not None and views > (statement.views or 0):
                        statement.views = views
                    change = "updated"
                    if not db.session.is_modified(statement):
                        change = "unchanged"
                links = self._links(item, names)
                written.append((item, statement, change, counted, links))
        db.session.flush()
        for _, _, change, counted, _ in written:
            self.report.count("statement", counted, change)
        self._write_links([(s.id, links, c == "new") for _, s, c, _, links in written])
        self._remember_all(
            [
                ("statement", item.post_id, s.id)
                for item, s, *_ in written
                if mapped.get(item.post_id) != s.id
            ]
        )
        rows = [
            {"path": key, "target_kind": "statement", "target_id": s.id}
            for item, s, *_ in written
            for key in self._item_keys(item, "p")
        ]
        self._store_addresses(rows)
        self._comments([(item, s.id, s.published_at) for item, s, *_ in written])
        self._write_pending()
        db.session.expunge_all()

    def _links(self, item: Item, signatories: list[str]) -> dict[str, list[int]]:
        """The category, tag and organisation ids of a post, in order, once each."""
        categories, tags = [], []
        for domain, slug, name in item.terms:
            if not slug:
                continue
            if domain == "category":
                categories.append(self._category_for(slug, name))
            elif domain == "post_tag":
                tags.append(self._tag(slug, name, 0, {}))
        organisations = [self._organisation(name) for name in signatories if name]
        return {
            "category": list(dict.fromkeys(categories)),
            "tag": list(dict.fromkeys(tags)),
            "organisation": list(dict.fromkeys(organisations)),
        }

    def _write_links(self, statements: list[tuple[int, dict, bool]]) -> None:
        """The category, tag and signature rows of these statements: inserted for
        new ones, rewritten for others where they changed (their revision moved)."""
        tables = {
            "category": (StatementCategory.__table__, "category_id"),
            "tag": (StatementTag.__table__, "tag_id"),
            "organisation": (Signature.__table__, "organisation_id"),
        }
        old_ids = [sid for sid, _, new in statements if not new]
        stored: dict[str, dict[int, list[int]]] = {}
        for kind, (table, column) in tables.items():
            found = defaultdict(list)
            for chunk in _chunks(old_ids):
                rows = db.session.execute(
                    select(table.c.statement_id, table.c[column])
                    .where(table.c.statement_id.in_(chunk))
                    .order_by(table.c.statement_id, table.c.position)
                )
                for statement_id, target in rows:
                    found[statement_id].append(target)
            stored[kind] = found
        changed = set()
        for kind, (table, column) in tables.items():
            rows, cleared = [], []
            for statement_id, links, new in statements:
                wanted = links[kind]
                if not new:
                    if stored[kind].get(statement_id, []) == wanted:
                        continue
                    cleared.append(statement_id)
                    changed.add(statement_id)
                rows += [
                    {"statement_id": statement_id, column: target, "position": n}
                    for n, target in enumerate(wanted)
                ]
            for chunk in _chunks(cleared):
                db.session.execute(delete(table).where(table.c.statement_id.in_(chunk)))
            if rows:
                db.session.execute(insert(table).execution_options(**_ROWS), rows)
        if changed:
            table = Statement.__table__
            db.session.execute(
                update(table)
                .where(table.c.id.in_(sorted(changed)))
                .values(revision=table.c.revision + 1)
            )
            move_site_on()
            self.relinked |= changed

    # -- comments -------------------------------------------------------------

    def _comment_fields(self, comment, statement_id: int, fallback: datetime) -> dict:
        """A comment row's fields (not its place in the thread)."""
        website = web_address(comment.author_url or "")
        if website and (len(website) > URL_MAX or safe_web_url(website) is None):
            website = None
        text = comment.content or ""
        ip = (comment.author_ip or "").strip()
        return {
            "statement_id": statement_id,
            "author_name": " ".join((comment.author or "").split())[:NAME_MAX]
            or "Anonymous",
            "author_email": (comment.author_email or "").strip().lower()[:EMAIL_MAX],
            "author_url": website or None,
            "body": str(clean_comment_html(text)),
            "body_hash": body_fingerprint(text),
            "status": COMMENT_STATUS[comment.approved],
            "moderation_note": "",
            "ip_hash": keyed_hash("client-ip", ip) if ip else None,
            "created_at": self._date(comment.date_gmt, comment.date_local) or fallback,
        }

    def _comments(self, posts: list[tuple[Item, int, datetime]]) -> None:
        """The comments of a batch of posts, threaded, written level by level."""
        taken = []  # (comment, statement_id, published_at, wordpress parent)
        for item, statement_id, published_at in posts:
            by_id = {c.comment_id: c for c in item.comments}
            kept = set()
            for comment in item.comments:
                kind = (comment.comment_type or "").strip()
                if kind in ("pingback", "trackback"):
                    self.report.skip_counted(f"{kind}s")
                elif kind not in COMMENT_KINDS:
                    self.report.skip_counted(f"comments of the type {kind!r}")
                elif comment.approved not in COMMENT_STATUS:
                    why = {
                        "trash": "in the trash",
                        "post-trashed": "its post was trashed",
                    }.get(comment.approved, f"status {comment.approved!r}")
                    self.report.skip(
                        f"comment {comment.comment_id} on {_what(item)}", why
                    )
                else:
                    kept.add(comment.comment_id)
            for comment in item.comments:
                if comment.comment_id not in kept:
                    continue
                parent, seen = comment.parent_id, {comment.comment_id}
                # A reply to a comment left out goes to that one's parent.
                while parent and parent not in kept and parent not in seen:
                    seen.add(parent)
                    above = by_id.get(parent)
                    parent = above.parent_id if above is not None else None
                parent = parent if parent in kept else None
                taken.append((comment, statement_id, published_at, parent))
        if not taken:
            return
        mapped = self._mapped("comment", [c.comment_id for c, *_ in taken])
        self._write_comments(taken, mapped)

    def _write_comments(self, taken: list, mapped: dict[int, int]) -> None:
        """Insert new comments and update changed ones, parents before replies; the
        comment counts and revisions of their statements moved on."""
        table = Comment.__table__
        existing = {}
        for chunk in _chunks(sorted(mapped.values())):
            for row in db.session.execute(
                select(table).where(table.c.id.in_(chunk))
            ).mappings():
                existing[row["id"]] = dict(row)
        placed: dict[
            int, tuple[int, int | None, int]
        ] = {}  # wp id -> id, parent, depth
        children = defaultdict(list)
        for entry in taken:
            children[entry[3]].append(entry)
        level = children.get(None, [])
        touched: set[int] = set()
        remember = []
        while level:
            new_rows, new_ids, updates = [], [], []
            for comment, statement_id, published_at, parent in level:
                if parent is None:
                    parent_id, depth = None, 1
                else:
                    above_id, above_parent, above_depth = placed[parent]
                    if above_depth < self.max_depth:
                        parent_id, depth = above_id, above_depth + 1
                    else:  # deeper than the site shows: at the deepest level
                        parent_id, depth = above_parent, above_depth
                row = self._comment_fields(comment, statement_id, published_at)
                row.update(parent_id=parent_id, depth=depth)
                local = mapped.get(comment.comment_id)
                old = existing.get(local) if local is not None else None
                if old is None:
                    new_rows.append(row)
                    new_ids.append(comment.comment_id)
                    change = "new"
                else:
                    differs = {k: v for k, v in row.items() if old.get(k) != v}
                    differs.pop("moderation_note", None)
                    if differs:
                        updates.append({"b_id": local, **row})
                        touched.add(statement_id)
                        change = "updated"
                    else:
                        change = "unchanged"
                    placed[comment.comment_id] = (local, parent_id, depth)
                self.report.count("comment", row["status"], change)
            if new_rows:
                statement = (
                    insert(table)
                    .returning(table.c.id, sort_by_parameter_order=True)
                    .execution_options(**_ROWS)
                )
                ids = []
                for chunk in _chunks(new_rows, 1000):
                    ids += db.session.execute(statement, chunk).scalars().all()
                for wp_id, row, local in zip(new_ids, new_rows, ids, strict=True):
                    placed[wp_id] = (local, row["parent_id"], row["depth"])
                    remember.append(("comment", wp_id, local))
                    touched.add(row["statement_id"])
            if updates:
                columns = [k for k in updates[0] if k != "b_id"]
                db.session.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"))
                    .values({k: bindparam(f"b_{k}") for k in columns}),
                    [
                        {"b_id": u["b_id"], **{f"b_{k}": u[k] for k in columns}}
                        for u in updates
                    ],
                    execution_options={"synchronize_session": False},
                )
            level = [
                entry
                for comment, *_ in level
                for entry in children.get(comment.comment_id, [])
            ]
        self._remember_all(remember)
        self._recount(touched)

    def _recount(self, statement_ids: set[int]) -> None:
        """Each statement's count of approved comments, as ngo.comments keeps it,
        and its revision moved on (its page shows them)."""
        if not statement_ids:
            return
        statement, comment = Statement.__table__, Comment.__table__
        approved = (
            select(func.count())
            .where(
                comment.c.statement_id == statement.c.id,
                comment.c.status == "approved",
            )
            .scalar_subquery()
        )
        for chunk in _chunks(sorted(statement_ids)):
            db.session.execute(
                update(statement)
                .where(statement.c.id.in_(chunk))
                .values(comment_count=approved, revision=statement.c.revision + 1)
            )
        move_site_on()  # lists show the counts

    # -- pages ----------------------------------------------------------------

    def _pages(self, items: list[Item]) -> None:
        """The published pages, in their tree's order (parents before children,
        siblings by their order, then title); only top-level pages in the footer."""
        if not items:
            return
        by_parent = defaultdict(list)
        ids = {item.post_id for item in items}
        for item in items:
            parent = item.parent_id if item.parent_id in ids else None
            by_parent[parent].append(item)
        ordered: list[tuple[Item, int]] = []

        def walk(parent: int | None, depth: int) -> None:
            """Each page, then its children, in order."""
            for item in sorted(
                by_parent.get(parent, []), key=lambda i: (i.menu_order, i.title)
            ):
                ordered.append((item, depth))
                if depth < 50:
                    walk(item.post_id, depth + 1)

        walk(None, 0)
        mapped = self._mapped("page", [item.post_id for item in items])
        remember, addresses = [], []
        for position, (item, depth) in enumerate(ordered):
            converted = self._convert(item)
            markdown = page_markdown(str(converted.body))
            title = " ".join((item.title or "").split())[:500] or "(no title)"
            page = (
                db.session.get(Page, mapped[item.post_id])
                if item.post_id in (mapped)
                else None
            )
            fields = {
                "title": title,
                "body_markdown": markdown,
                "body": str(render_body(markdown)),
                "position": position,
                "in_footer": depth == 0,
            }
            if page is None:
                page = Page(slug=unique_slug(Page, slug_of(item.post_name, title)))
                db.session.add(page)
                change = "new"
            else:
                change = "updated"
            for name, value in fields.items():
                setattr(page, name, value)
            if change == "updated" and not db.session.is_modified(page):
                change = "unchanged"
            db.session.flush()
            self.report.count("page", "published", change)
            if item.comments:
                self.report.skip(
                    f"{len(item.comments)} comment(s) on {_what(item)}",
                    "this site's pages take no comments",
                )
            remember.append(("page", item.post_id, page.id))
            addresses += [
                {"path": key, "target_kind": "page", "target_id": page.id}
                for key in self._item_keys(item, "page_id")
            ]
        self._remember_all(remember)
        self._store_addresses(addresses)
        move_site_on(frame=True)  # pages are cached under the site revision
        self._write_pending()
        db.session.expunge_all()


def import_export(
    path: str | Path,
    options: Options,
    progress: Callable[[int], None] | None = None,
    export: Export | None = None,
) -> Report:
    """Import a WXR file inside one transaction: committed, or rolled back for a
    dry run (the same report either way)."""
    export = export if export is not None else Export(path)
    report = Report(source=str(path), dry_run=options.dry_run)
    try:
        Importer(export, options, report).run(progress)
    except BaseException:
        db.session.rollback()
        raise
    if options.dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report
