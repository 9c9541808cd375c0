"""The site's data: statements, categories, tags, signatories, views, comments, staff
and what a WordPress import brought (old addresses, WordPress ids)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    func,
    select,
    text,
)
from sqlalchemy.orm import (
    Mapped,
    column_property,
    mapped_column,
    relationship,
    validates,
)
from werkzeug.security import check_password_hash, generate_password_hash

from ngo.extensions import db


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite too)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store every timestamp as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Give back an aware UTC timestamp whatever the backend returned."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


STATUSES = ("draft", "published")


def name_key(name: str) -> str:
    """The key names are matched by: NFC, casefolded, one space between words."""
    folded = unicodedata.normalize("NFC", name or "").casefold()
    return unicodedata.normalize("NFC", " ".join(folded.split()))


class NameKeyed:
    """A model whose `name` is matched by its `name_key` (name_key()), kept with it."""

    @validates("name")
    def _keep_key(self, _field: str, name: str) -> str:
        """Every new name brings its key along."""
        self.name_key = name_key(name)
        return name


class Category(NameKeyed, db.Model):
    """A node of the category tree ("Rights" > "Right to life")."""

    # NULLs never collide in a unique constraint: top-level names get their own index.
    __table_args__ = (
        UniqueConstraint("parent_id", "name_key"),
        Index(
            "uq_category_top_level_name_key",
            "name_key",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # casefold() can make a name up to three times longer ("ß" -> "ss").
    name_key: Mapped[str] = mapped_column(String(600))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("category.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # The name in the site's other languages, {"hy": "…", "ru": "…"}; a language
    # missing here reads `name` (see name_in). Always assigned whole, never mutated
    # in place, so that a change is seen (and moves the frame revision on).
    name_translations: Mapped[dict[str, str] | None] = mapped_column(JSON)

    parent: Mapped[Category | None] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="(Category.position, Category.name)"
    )

    def name_in(self, language: str) -> str:
        """The name in this language, else the name as entered."""
        return (self.name_translations or {}).get(language) or self.name

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Organisation(NameKeyed, db.Model):
    """An organisation that co-signs statements."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    name_key: Mapped[str] = mapped_column(String(900), unique=True)
    website: Mapped[str | None] = mapped_column(String(500))

    signatures: Mapped[list[Signature]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class StatementCategory(db.Model):
    """A statement's place in a category, in the order its trail lists them."""

    __tablename__ = "statement_category"
    __table_args__ = (
        Index("ix_statement_category_category_id", "category_id", "statement_id"),
    )

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("category.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship()


class Tag(NameKeyed, db.Model):
    """A tag: a flat label of statements, with an archive page of its own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # casefold() can make a name up to three times longer ("ß" -> "ss").
    name_key: Mapped[str] = mapped_column(String(600), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class StatementTag(db.Model):
    """A statement's tag, in the order the statement lists its tags."""

    __tablename__ = "statement_tag"
    __table_args__ = (Index("ix_statement_tag_tag_id", "tag_id", "statement_id"),)

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tag.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)

    tag: Mapped[Tag] = relationship()


class Signature(db.Model):
    """One organisation's place in the ordered list of a statement's signatories."""

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    statement: Mapped[Statement] = relationship(back_populates="signatures")
    organisation: Mapped[Organisation] = relationship(back_populates="signatures")


def _links_in_order(links: list, targets: list, name: str, link_class) -> list:
    """A statement's link rows to these targets (by `name`), in order, once each.

    A target already linked keeps its row and only takes its new position, so an
    unchanged list changes nothing.
    """
    key = f"{name}_id"
    existing = {getattr(link, key): link for link in links if getattr(link, key)}
    ordered = []
    for position, target in enumerate(dict.fromkeys(targets)):
        link = existing.get(target.id) if target.id else None
        link = link or link_class(**{name: target})
        link.position = position
        ordered.append(link)
    return ordered


class Statement(db.Model):
    """A published or draft statement: appeal, press release, joint letter."""

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("views >= 0", name="views_not_negative"),
        Index("ix_statement_status_published_at", "status", "published_at", "id"),
        # The front page's lead: the newest featured statement, else the newest.
        Index(
            "ix_statement_status_featured_published_at",
            "status",
            "featured",
            "published_at",
            "id",
        ),
        # Lists in one language, newest first (ngo.statements.views).
        Index(
            "ix_statement_status_language_published_at",
            "status",
            "language",
            "published_at",
            "id",
        ),
        # One statement per language in a group of translations; NULLs (statements
        # on their own) never collide.
        Index(
            "ix_statement_translation_group_language",
            "translation_group",
            "language",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # The Markdown an editor typed (None for statements stored only as HTML).
    body_markdown: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="en")
    # The statements that translate each other share this number: the id of one of
    # them (ngo.translation_groups keeps it so); NULL for a statement on its own.
    translation_group: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="published")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    views: Mapped[int] = mapped_column(Integer, default=0)
    comments_open: Mapped[bool] = mapped_column(default=True)
    # Marked by an editor to lead the front page (the newest featured one leads).
    featured: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    # Approved comments, kept by ngo.comments so that lists show counts for free.
    comment_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Moved on by every change that shows on its page (ngo.revisions), never by
    # the views counter: the key of the page cache (ngo.pagecache).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set with the revision, by ngo.revisions: content changes only.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category_links: Mapped[list[StatementCategory]] = relationship(
        order_by="StatementCategory.position", cascade="all, delete-orphan"
    )
    tag_links: Mapped[list[StatementTag]] = relationship(
        order_by="StatementTag.position", cascade="all, delete-orphan"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="statement",
        order_by="Signature.position",
        cascade="all, delete-orphan",
    )
    # How many organisations signed: loaded only where a list undefers it, in the
    # list's own query (no query per statement).
    signature_count: Mapped[int] = column_property(
        select(func.count())
        .where(Signature.statement_id == id)
        .correlate_except(Signature)
        .scalar_subquery(),
        deferred=True,
    )

    @property
    def category_ids(self) -> list[int]:
        """The ids of the statement's categories, in trail order."""
        return [link.category_id for link in self.category_links]

    def set_categories(self, categories: list[Category]) -> None:
        """Put the statement in these categories, in this order."""
        self.category_links = _links_in_order(
            self.category_links, categories, "category", StatementCategory
        )

    def set_tags(self, tags: list[Tag]) -> None:
        """Give the statement these tags, in this order."""
        self.tag_links = _links_in_order(self.tag_links, tags, "tag", StatementTag)

    def set_signatories(self, organisations: list[Organisation]) -> None:
        """Make these organisations the signatories, in this order."""
        self.signatures = _links_in_order(
            self.signatures, organisations, "organisation", Signature
        )

    @property
    def is_published(self) -> bool:
        """Whether the public may read it: published, and its date has come (a
        statement published with a later date is scheduled: the date is the gate)."""
        return self.status == "published" and self.published_at <= utcnow()

    @property
    def is_scheduled(self) -> bool:
        """Published with a date still to come: public from that date, by itself."""
        return self.status == "published" and self.published_at > utcnow()

    @classmethod
    def public(cls):
        """The SQL condition of `is_published`, for every public query."""
        return and_(cls.status == "published", cls.published_at <= utcnow())

    def __repr__(self) -> str:
        return f"<Statement {self.slug}>"


class Page(db.Model):
    """A simple page of the site (About, Contact) at /pages/<slug>, edited in the admin.

    `body` is the sanitised HTML made from `body_markdown` on write (ngo.markup).
    The footer of every page links the pages `in_footer`, by `position` (smaller
    first), then title.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_footer: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"


class SiteRevision(db.Model):
    """The site's revisions, one row (id 1): what cached list pages are keyed on.

    `revision` moves on with every change a list of statements shows (a statement
    published, unpublished or edited, a comment approved, a category or organisation
    changed); `frame_revision` only with what every page shows around its own
    content (category tree and names, organisation names, slugs and websites), so
    that a statement page outlives changes to other statements. ngo.revisions moves
    both; a missing row reads as 0.
    """

    __tablename__ = "site_revision"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    frame_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatementView(db.Model):
    """When a reader (a keyed hash, never the raw IP) last counted as a view."""

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    visitor: Mapped[str] = mapped_column(String(64), primary_key=True)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


COMMENT_STATUSES = ("pending", "approved", "spam", "trash")


class Comment(db.Model):
    """A reader's reply to a statement or to another comment (threaded).

    The body is HTML cleaned once on write by ngo.sanitize.clean_comment_html;
    the email is for moderators only and is never shown on a public page.
    """

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'spam', 'trash')", name="status"
        ),
        CheckConstraint("depth >= 1", name="depth_positive"),
        # The statement page: approved comments of one statement, oldest first.
        Index(
            "ix_comment_statement_id_status_created_at",
            "statement_id",
            "status",
            "created_at",
            "id",
        ),
        # "Has this email had a comment approved?" (WordPress's trusted commenter).
        Index("ix_comment_author_email_status", "author_email", "status"),
        # Duplicate detection: the same text on the same statement.
        Index("ix_comment_statement_id_body_hash", "statement_id", "body_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE")
    )
    # Deleting a comment keeps its replies (they move to the top level).
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True
    )
    depth: Mapped[int] = mapped_column(Integer, default=1)
    author_name: Mapped[str] = mapped_column(String(245))
    author_email: Mapped[str] = mapped_column(String(100))
    author_url: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Why a comment was held or sent to spam, for moderators ("links", "honeypot").
    moderation_note: Mapped[str] = mapped_column(String(200), default="")
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    statement: Mapped[Statement] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    @property
    def is_approved(self) -> bool:
        """Whether the public may read it."""
        return self.status == "approved"

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.statement_id} ({self.status})>"


class CommentThrottle(db.Model):
    """When a client or an email last posted: the flood guard every worker shares.

    The key is a keyed hash ("ip" or "email" and the value), never the value.
    """

    __tablename__ = "comment_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


ROLES = ("admin", "editor", "moderator")


class User(UserMixin, db.Model):
    """A member of staff who signs in to /admin: an admin, editor or moderator."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'moderator')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so that sign-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password, never the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in, and their sessions stop working."""
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email} ({self.role})>"


class AuditLog(db.Model):
    """One editing or moderation action: who did what to what, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The email as it was then, so the entry still reads right if the account changes.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditLog {self.action} {self.target_type} {self.target_id}>"


class SlugRedirect(db.Model):
    """A slug a statement used to have: its old URL answers 301 to the current one."""

    __tablename__ = "slug_redirect"

    old_slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    statement: Mapped[Statement] = relationship()


LOGIN_OUTCOMES = ("pending", "failed", "locked", "succeeded")


class LoginAttempt(db.Model):
    """One sign-in attempt: the lockout's memory, shared by every worker process.

    The client is a keyed hash of its address, never the address itself.
    """

    __tablename__ = "login_attempt"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('pending', 'failed', 'locked', 'succeeded')", name="outcome"
        ),
        Index("ix_login_attempt_email_created_at", "email", "created_at"),
        Index("ix_login_attempt_client_created_at", "client", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    client: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    # Set by `flask unlock`: the failure no longer counts towards a lockout.
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StaffSession(db.Model):
    """One signed-in browser: the cookie names it; it lives while this row does.

    The cookie carries a random id; only its SHA-256 is stored, so a copy of the
    database cannot be replayed as a session.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "Firefox on Linux": enough for the owner to recognise it, no more.
    browser: Mapped[str] = mapped_column(String(64), default="")
    # A keyed hash of the address it signed in from, never the address.
    client: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} of user {self.user_id}>"


OLD_ADDRESS_TARGETS = ("statement", "page", "category", "tag")


class OldAddress(db.Model):
    """An address of the site this one replaced: it answers 301 to its target.

    `path` is the key ngo.old_addresses makes of a path and query
    ("/2023/09/19/slug", "/?p=123"); the target is a statement, page, category or
    tag by id, its current address made when asked (so a new slug is followed).
    """

    __tablename__ = "old_address"
    __table_args__ = (
        CheckConstraint(
            "target_kind IN ('statement', 'page', 'category', 'tag')",
            name="target_kind",
        ),
    )

    path: Mapped[str] = mapped_column(String(1000), primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)


class WordpressItem(db.Model):
    """What a WordPress id was imported as, so that importing again updates it.

    kind: "statement", "page", "category", "tag" or "comment"; wordpress_id: the
    post, term or comment id in the export; local_id: the id of the row made here.
    """

    __tablename__ = "wordpress_item"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    wordpress_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    local_id: Mapped[int] = mapped_column(Integer)


# ---- Kept lists (ngo.statements.listing keeps them right on every write) ----
# Kinds of list a ListEntry belongs to; scope_id is 0, a category's, an
# organisation's or a tag's id.
LIST_ALL, LIST_CATEGORY, LIST_ORGANISATION, LIST_TAG = 0, 1, 2, 3


class CategoryDescendant(db.Model):
    """The category tree flattened: each category with itself and everything below
    it, so a category's statements are found by join, never by walking the tree."""

    __tablename__ = "category_descendant"
    __table_args__ = (
        Index("ix_category_descendant_descendant_id", "descendant_id", "category_id"),
    )

    category_id: Mapped[int] = mapped_column(
        ForeignKey("category.id", ondelete="CASCADE"), primary_key=True
    )
    descendant_id: Mapped[int] = mapped_column(
        ForeignKey("category.id", ondelete="CASCADE"), primary_key=True
    )


class ListEntry(db.Model):
    """One published statement's place in one list, as a page in `language` shows
    it: rank 0 when it is in that language, 1 when it is in another and has no
    published version in that one. The key is the list's order, so a page is a
    range of this one index read in order (scheduled statements are in it with
    their later date: `published_at <= now` is part of the range)."""

    __tablename__ = "list_entry"
    __table_args__ = (
        Index("ix_list_entry_statement_id", "statement_id"),
        {"sqlite_with_rowid": False},
    )

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        Integer, primary_key=True, autoincrement=False
    )


class ListCount(db.Model):
    """How many entries a list has, per language and rank: kept on write, so no
    page counts its list (scheduled ones included: a page takes off the few whose
    date is still to come)."""

    __tablename__ = "list_count"

    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
