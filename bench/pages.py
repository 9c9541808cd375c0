"""The pages `make bench` measures: add a scenario here and nothing else changes.

Each Page has a name, a path, and optionally a `prepare` hook. Both `path` (when
it is a callable) and `prepare` run inside an app context on the bench's scratch
database, after `db upgrade` and `seed-demo`, before any server starts. A hook may
add rows (commit them) and return the path to measure; a plain string path needs
no hook.

Example, once comments exist:

    def statement_with_comments() -> str:
        statement = ...  # a demo statement
        ...              # add 200 approved threaded comments, db.session.commit()
        return f"/statements/{statement.slug}"

    PAGES.append(Page("statement+200 comments", statement_with_comments))
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func

from ngo.extensions import db
from ngo.models import Category, Organisation, Signature, Statement, StatementCategory


@dataclass(frozen=True)
class Page:
    """One measured page: `path` is a string or a hook that returns one.

    `target`, when given, is the least share of its floor the page must reach
    (`run.py --check` fails below it).
    """

    name: str
    path: str | Callable[[], str]
    prepare: Callable[[], None] | None = None
    target: float | None = None

    def resolve(self) -> str:
        """Run the hooks (inside an app context) and give the path to measure."""
        if self.prepare is not None:
            self.prepare()
        return self.path() if callable(self.path) else self.path


def busiest_statement() -> str:
    """The published demo statement with the most signatories, then categories.

    In the demo data that is the joint appeal: 12 signatories, 4 categories,
    the shape of the real statement the issue names.
    """
    signatories = (
        db.select(func.count())
        .where(Signature.statement_id == Statement.id)
        .scalar_subquery()
    )
    categories = (
        db.select(func.count())
        .where(StatementCategory.statement_id == Statement.id)
        .scalar_subquery()
    )
    slug = db.session.scalar(
        db.select(Statement.slug)
        .where(Statement.status == "published")
        .order_by(signatories.desc(), categories.desc(), Statement.id)
        .limit(1)
    )
    if slug is None:
        raise SystemExit("bench: no published statement in the bench database")
    return f"/statements/{slug}"


def statement_with_200_comments() -> str:
    """Another published demo statement, given 200 approved comments in threads 5 deep.

    Its page must cost the same queries as a statement without comments
    (issue 4), so its speed should stay close to the plain statement page's.
    """
    from ngo.comments.demo import add_sample_thread

    busiest = busiest_statement().rsplit("/", 1)[1]
    statement = db.session.scalar(
        db.select(Statement)
        .where(Statement.status == "published", Statement.slug != busiest)
        .order_by(Statement.published_at.desc(), Statement.id)
        .limit(1)
    )
    if statement is None:
        raise SystemExit("bench: no second published statement for the comments page")
    add_sample_thread(statement, 200)
    db.session.commit()
    return f"/statements/{statement.slug}"


def _busiest(model, link, link_key) -> str | None:
    """The slug of the category or organisation on most published statements."""
    return db.session.scalar(
        db.select(model.slug)
        .join(link, link_key == model.id)
        .join(Statement, Statement.id == link.statement_id)
        .where(Statement.status == "published")
        .group_by(model.id, model.slug)
        .order_by(func.count().desc(), model.id)
        .limit(1)
    )


def busiest_category() -> str:
    """Page 1 of the category with the most published statements (a full list)."""
    slug = _busiest(Category, StatementCategory, StatementCategory.category_id)
    if slug is None:
        raise SystemExit("bench: no category with a published statement")
    return f"/category/{slug}"


def busiest_organisation() -> str:
    """Page 1 of the organisation that signed the most published statements."""
    slug = _busiest(Organisation, Signature, Signature.organisation_id)
    if slug is None:
        raise SystemExit("bench: no organisation signed a published statement")
    return f"/organisations/{slug}"


# Each page's target: the least share of its own floor (run.py checks them).
PAGES: list[Page] = [
    Page("home", "/", target=0.30),
    Page("statement", busiest_statement, target=0.35),
    Page("statement+200 comments", statement_with_200_comments),
    Page("category", busiest_category, target=0.30),
    Page("organisation", busiest_organisation, target=0.30),
]
