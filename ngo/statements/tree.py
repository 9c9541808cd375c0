"""The category tree, loaded in one query per request and walked in Python.

The admin works on the tree of `Category` rows (`category_tree()`); public pages
read it in their own language (`local_category_tree()`, the templates'
`category_tree()`): the same tree of read-only nodes whose `name` is the category's
name in that language, else the name as entered. Both come from the one query; a
cached page was rendered with the names of its language (the page cache is keyed
by language) and a change of any name moves the frame revision on (ngo.revisions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from ngo.extensions import db
from ngo.i18n import current_language
from ngo.models import Category


class LocalCategory:
    """A category as a page in one language shows it: its name in that language."""

    __slots__ = ("category", "id", "name", "parent_id", "position", "slug")

    def __init__(self, category: Category, language: str):
        self.category = category
        self.id = category.id
        self.slug = category.slug
        self.parent_id = category.parent_id
        self.position = category.position
        self.name = category.name_in(language)

    def __repr__(self) -> str:
        return f"<LocalCategory {self.slug}: {self.name}>"


@dataclass
class CategoryTree:
    """Every category, indexed by id and by parent."""

    by_id: dict[int, Category]
    children: dict[int | None, list[Category]] = field(default_factory=dict)
    # The same tree in each language asked for, made once (see in_language).
    languages: dict[str, CategoryTree] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, categories: Iterable[Category]) -> CategoryTree:
        """Index categories by id and by parent, siblings in display order."""
        tree = cls(by_id={c.id: c for c in categories})
        for category in sorted(tree.by_id.values(), key=lambda c: (c.position, c.name)):
            tree.children.setdefault(category.parent_id, []).append(category)
        return tree

    def in_language(self, language: str) -> CategoryTree:
        """The tree of `LocalCategory` nodes named in this language (siblings in
        that language's order), made once per language."""
        if language not in self.languages:
            self.languages[language] = CategoryTree.build(
                LocalCategory(c, language) for c in self.by_id.values()
            )
        return self.languages[language]

    @property
    def roots(self) -> list[Category]:
        """The top-level categories, for the site navigation."""
        return self.children.get(None, [])

    def ancestors(self, category_id: int) -> list[Category]:
        """The chain from the root down to this category, itself included."""
        chain, seen = [], set()
        node = self.by_id.get(category_id)
        while node is not None and node.id not in seen:
            seen.add(node.id)
            chain.append(node)
            node = self.by_id.get(node.parent_id) if node.parent_id else None
        return chain[::-1]

    def trail(self, category_ids: Iterable[int]) -> list[Category]:
        """Assigned categories in their order, each after its parents, each once.

        ["Activities", "Rights > Right to life", "Announcements"] reads
        "Activities | Rights | Right to life | Announcements", as on the old site.
        """
        members = {a.id: a for cid in category_ids for a in self.ancestors(cid)}
        return list(members.values())

    def descendant_ids(self, category_id: int) -> list[int]:
        """This category's id and those of everything below it."""
        found, stack = [], [category_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.append(current)
            stack.extend(c.id for c in self.children.get(current, []))
        return found


def category_tree() -> CategoryTree:
    """The tree for this request, queried at most once."""
    if "category_tree" not in g:
        try:
            categories = db.session.scalars(db.select(Category)).all()
        except SQLAlchemyError:
            # Only an error page can get here with the database down: render it bare.
            db.session.rollback()
            categories = []
        g.category_tree = CategoryTree.build(categories)
    return g.category_tree


def local_category_tree() -> CategoryTree:
    """The tree for this request in the page's language: what public pages show."""
    return category_tree().in_language(current_language())
