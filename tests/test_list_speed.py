"""Kept lists (ngo.statements.listing): every list page shows the right statements
in the right order on every page, the last included, with counts kept right
through publishing, unpublishing, moving a category and deleting, and costs the
same SQL statements on its first page as on its last, however long the list."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from ngo.authoring import category_for_trail
from ngo.extensions import db
from ngo.models import Category, ListCount, ListEntry, Statement
from ngo.statements import listing
from tests.staff import text_of

TITLE = re.compile(r"Item (\d+)\b")


def titles(response) -> list[int]:
    """The numbers of the 'Item N' statements a list page shows, in its order."""
    assert response.status_code == 200, response.status_code
    return [int(n) for n in TITLE.findall(text_of(response))]


def pages_of(response) -> int:
    """The N of 'Page 1 of N' (1 when the list has no pager)."""
    found = re.search(r"Page \d+ of (\d+)", text_of(response))
    return int(found.group(1)) if found else 1


@pytest.fixture
def items(app, make_statement):
    """Items 1..11, item N published on day N (so 11 is the newest), in
    Rights > Fair trial when odd, in Activities when even; signed by 'Signer'
    when N is a multiple of 3. Three to a page."""
    app.config["STATEMENTS_PER_PAGE"] = 3
    for number in range(1, 12):
        make_statement(
            title=f"Item {number}",
            published_at=datetime(2024, 1, number, tzinfo=UTC),
            categories=["Rights > Fair trial" if number % 2 else "Activities"],
            signatories=["Signer"] if number % 3 == 0 else [],
        )
    return list(range(11, 0, -1))


NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def all_pages(client, path: str) -> list[int]:
    """Every page of a list, following its pager's next links (in any language);
    the page after the last is 404."""
    response = client.get(path)
    shown, pages = titles(response), 1
    while found := NEXT.search(response.get_data(as_text=True)):
        response = client.get(found.group(1).replace("&amp;", "&"))
        shown += titles(response)
        pages += 1
    assert client.get(f"{path}?page={pages + 1}").status_code == 404
    return shown


def test_every_list_shows_its_statements_newest_first_to_the_last_page(client, items):
    odd = [n for n in items if n % 2]
    assert all_pages(client, "/statements") == items
    assert titles(client.get("/statements?page=4")) == [2, 1]  # the last page
    assert all_pages(client, "/category/rights") == odd  # a parent: its children's
    assert all_pages(client, "/category/fair-trial") == odd
    assert all_pages(client, "/category/activities") == [n for n in items if n % 2 == 0]
    assert all_pages(client, "/organisations/signer") == [9, 6, 3]
    # The front page leads with the newest, and leaves it out of the list below.
    assert list(dict.fromkeys(titles(client.get("/")))) == [11, 10, 9]
    assert titles(client.get("/?page=4")) == [2, 1]
    assert client.get("/?page=5").status_code == 404
    assert "Signer (3 statements)" in text_of(client.get("/organisations"))


def test_a_page_past_the_end_is_404_and_an_empty_list_has_its_first_page(client):
    assert client.get("/statements").status_code == 200
    assert client.get("/statements?page=2").status_code == 404
    assert client.get("/organisations?page=2").status_code == 404


def kept_state(app) -> tuple[set, set]:
    """The kept rows and the non-zero counts, as sets."""
    with app.app_context():
        entries = set(
            db.session.execute(
                db.select(
                    ListEntry.kind,
                    ListEntry.scope_id,
                    ListEntry.language,
                    ListEntry.rank,
                    ListEntry.statement_id,
                )
            ).all()
        )
        counts = set(
            db.session.execute(
                db.select(
                    ListCount.kind,
                    ListCount.scope_id,
                    ListCount.language,
                    ListCount.rank,
                    ListCount.count,
                ).where(ListCount.count != 0)
            ).all()
        )
    return entries, counts


def assert_kept_right(app):
    """What was kept on every write equals the lists made again from scratch."""
    kept = kept_state(app)
    with app.app_context():
        listing.rebuild(db.session.connection())
        db.session.commit()
    assert kept == kept_state(app)


def statement(slug: str) -> Statement:
    return db.session.scalar(db.select(Statement).where(Statement.slug == slug))


def test_counts_follow_unpublishing_publishing_moving_and_deleting(app, client, items):
    assert pages_of(client.get("/statements")) == 4  # 11 items
    with app.app_context():
        statement("statement-11").status = "draft"
        db.session.commit()
    assert all_pages(client, "/statements") == items[1:]
    assert all_pages(client, "/category/rights") == [9, 7, 5, 3, 1]
    assert "Signer (3 statements)" in text_of(client.get("/organisations"))
    with app.app_context():
        statement("statement-11").status = "published"
        statement("statement-9").set_signatories([])
        db.session.commit()
    assert all_pages(client, "/statements") == items
    assert all_pages(client, "/organisations/signer") == [6, 3]
    assert "Signer (2 statements)" in text_of(client.get("/organisations"))
    assert_kept_right(app)

    # Fair trial moves from Rights to Activities: its statements go with it.
    with app.app_context():
        fair_trial = db.session.scalar(
            db.select(Category).where(Category.slug == "fair-trial")
        )
        fair_trial.parent = category_for_trail(["Activities"])
        db.session.commit()
    assert all_pages(client, "/category/rights") == []
    assert all_pages(client, "/category/activities") == items
    assert_kept_right(app)

    with app.app_context():
        db.session.delete(statement("statement-10"))
        db.session.delete(statement("statement-3"))
        db.session.commit()
    assert all_pages(client, "/statements") == [11, 9, 8, 7, 6, 5, 4, 2, 1]
    assert all_pages(client, "/organisations/signer") == [6]
    assert pages_of(client.get("/category/activities")) == 3
    assert_kept_right(app)


def test_a_scheduled_statement_is_neither_listed_nor_counted(
    app, client, items, make_statement
):
    make_statement(
        title="Item 99",
        published_at=datetime.now(UTC) + timedelta(days=2),
        categories=["Rights > Fair trial"],
        signatories=["Signer"],
    )
    assert all_pages(client, "/statements") == items
    assert all_pages(client, "/category/rights") == [n for n in items if n % 2]
    assert all_pages(client, "/organisations/signer") == [9, 6, 3]
    assert "Signer (3 statements)" in text_of(client.get("/organisations"))


def test_a_translation_takes_the_place_of_its_original_in_its_language(
    app, client, items, make_statement
):
    make_statement(
        title="Item 12",
        slug="item-12-hy",
        language="hy",
        published_at=datetime(2024, 1, 12, tzinfo=UTC),
    )
    # Another language's statement comes after the page's own.
    assert all_pages(client, "/hy/statements") == [12, *items]
    with app.app_context():
        original, version = statement("statement-5"), statement("item-12-hy")
        original.translation_group = version.translation_group = original.id
        db.session.commit()
    # In Armenian, the Armenian version stands for its English original.
    assert all_pages(client, "/hy/statements") == [12, *(n for n in items if n != 5)]
    assert all_pages(client, "/statements") == items  # its English original
    with app.app_context():
        statement("item-12-hy").status = "draft"
        db.session.commit()
    assert all_pages(client, "/hy/statements") == items
    assert_kept_right(app)


def test_a_list_page_costs_the_same_statements_first_or_last_short_or_long(
    app, client, items, make_statement, count_queries
):
    app.config["PAGE_CACHE_SIZE"] = 0
    app.extensions["pages"].clear()

    def cost(path: str) -> int:
        client.get(path)  # the category tree and footer as on any request
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    paths = ["/", "/statements", "/category/rights", "/organisations/signer"]
    short = {path: cost(path) for path in paths}
    for number in range(12, 40):
        make_statement(
            title=f"Item {number}",
            published_at=datetime(2024, 2, number % 28 + 1, tzinfo=UTC),
            categories=["Rights > Fair trial"],
            signatories=["Signer"],
        )
    for path in paths:
        last = pages_of(client.get(path))
        assert last > 3
        first, middle, end = (cost(f"{path}?page={n}") for n in (1, 3, last))
        assert first == short[path], path
        # Page 1 of the front page also reads its lead; no other page differs.
        assert middle == end == first - (path == "/"), path


def test_imported_statements_are_listed_with_their_categories_and_signatories(
    app, client, runner, tmp_path
):
    """The importer inserts link rows in bulk: the lists still hold them."""
    paths = []
    for number in (1, 2):
        path = tmp_path / f"item-{number}.md"
        path.write_text(
            f'---\ntitle: "Item {number}"\nslug: item-{number}\n'
            f"date: 2024-03-0{number}\ncategories:\n  - Rights > Fair trial\n"
            'signatories:\n  - "Signer"\n---\nBody.\n',
            encoding="utf-8",
        )
        paths.append(str(path))
    assert runner.invoke(args=["import-statements", *paths]).exit_code == 0
    assert all_pages(client, "/category/rights") == [2, 1]
    assert all_pages(client, "/organisations/signer") == [2, 1]
    assert_kept_right(app)


def test_tag_and_category_lists_are_kept_when_links_are_taken_away(app, client, items):
    from ngo.models import LIST_TAG, Tag

    def tagged() -> dict[str, int]:
        with app.app_context():
            return dict(
                db.session.execute(
                    db.select(Tag.slug, db.func.sum(ListCount.count))
                    .join(ListCount, ListCount.scope_id == Tag.id)
                    .where(ListCount.kind == LIST_TAG, ListCount.language == "en")
                    .group_by(Tag.slug)
                ).all()
            )

    with app.app_context():
        appeal, trial = (
            Tag(slug="appeal", name="Appeal"),
            Tag(slug="trial", name="Trial"),
        )
        for slug in ("statement-1", "statement-2", "statement-3"):
            statement(slug).set_tags([appeal, trial])
        db.session.commit()
    assert tagged() == {"appeal": 3, "trial": 3}
    with app.app_context():
        statement("statement-2").set_tags([db.session.merge(appeal)])
        statement("statement-3").status = "draft"
        statement("statement-1").set_categories([])
        db.session.commit()
    assert tagged() == {"appeal": 2, "trial": 1}
    assert all_pages(client, "/category/rights") == [11, 9, 7, 5]
    assert_kept_right(app)
