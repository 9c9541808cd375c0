"""The page cache: shared pages stay right for every reader, change and worker."""

import re
from datetime import UTC, datetime
from hashlib import sha256

import pytest
from itsdangerous import TimestampSigner
from markupsafe import escape
from sqlalchemy import update

from ngo import create_app
from ngo.comments.moderation import set_status
from ngo.extensions import db
from ngo.models import Category, Comment, Organisation, Statement
from ngo.revisions import bump_revision, move_site_on
from tests.commenting import client_headers, form_fields, post_comment


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production, and the proxy the comment helpers assume."""
    return app_config | {"WTF_CSRF_ENABLED": True, "TRUSTED_PROXIES": 1}


def views(response) -> int:
    """The count after "views:"."""
    return int(re.search(r"views: (\d+)", response.get_data(as_text=True)).group(1))


def page(client, slug, reader="reader"):
    """A reader's GET of the statement page."""
    response = client.get(f"/statements/{slug}", headers={"User-Agent": reader})
    assert response.status_code == 200
    return response


def test_cached_page_gets_this_request_s_views_and_tokens(app, make_statement):
    slug = make_statement(title="Cached statement")
    first_client, second_client = app.test_client(), app.test_client()
    first = page(first_client, slug, "one")
    second = page(second_client, slug, "two")
    assert views(first) == 1 and views(second) == 2
    assert "\ue000" not in second.get_data(as_text=True)
    token_one = form_fields(first.get_data(as_text=True))["csrf_token"]
    token_two = form_fields(second.get_data(as_text=True))["csrf_token"]
    assert token_one != token_two  # each reader's session has its own token
    # The token filled into the cached page is valid for the reader who got it.
    response = second_client.post(
        "/accessibility", data={"csrf_token": token_two, "size": "150", "next": "/"}
    )
    assert response.status_code == 303


def test_a_post_from_a_cached_page_is_accepted(app, make_statement):
    slug = make_statement()
    page(app.test_client(), slug)  # fills the cache
    client = app.test_client()
    response = post_comment(client, slug, comment="From a cached page.")
    assert response.status_code == 303


def test_editing_a_statement_shows_at_once(app, client, make_statement):
    slug = make_statement(title="Old title", signatories=["First Org", "Second Org"])
    assert "Old title" in page(client, slug).get_data(as_text=True)
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        statement.title = "New title"
        db.session.commit()
    html = page(client, slug).get_data(as_text=True)
    assert "New title" in html and "Old title" not in html


def test_reordering_signatories_shows_at_once(app, client, make_statement):
    slug = make_statement(signatories=["First Org", "Second Org"])
    html = page(client, slug).get_data(as_text=True)
    assert html.index("First Org") < html.index("Second Org")
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        statement.set_signatories(
            [s.organisation for s in reversed(statement.signatures)]
        )
        db.session.commit()
    html = page(client, slug).get_data(as_text=True)
    assert html.index("Second Org") < html.index("First Org")


@pytest.mark.parametrize(
    "model, old, new",
    [
        (Organisation, "Peace Dialogue", "Peace Dialogue Network"),
        (Category, "Rights", "Human Rights"),
    ],
)
def test_renaming_an_organisation_or_category_shows_on_every_page(
    app, client, make_statement, model, old, new
):
    slug = make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    assert old in page(client, slug).get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(db.select(model).where(model.name == old))
        row.name = new
        db.session.commit()
    assert new in page(client, slug).get_data(as_text=True)


def test_approving_a_comment_shows_it_to_everyone(app, make_statement):
    slug = make_statement()
    page(app.test_client(), slug)
    post_comment(app.test_client(), slug, comment="Held for a moderator.")
    reader = app.test_client()
    assert "Held for a moderator." not in page(reader, slug).get_data(as_text=True)
    with app.app_context():
        comment = db.session.scalars(db.select(Comment)).one()
        assert set_status(comment, "approved")
        db.session.commit()
    assert "Held for a moderator." in page(reader, slug).get_data(as_text=True)


def test_a_change_made_by_another_worker_is_seen(app, app_config, make_statement):
    slug = make_statement(title="Before")
    other_worker = create_app(app_config)
    assert "Before" in page(app.test_client(), slug).get_data(as_text=True)
    assert "Before" in page(other_worker.test_client(), slug).get_data(as_text=True)
    with other_worker.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        statement.title = "After"
        db.session.commit()
        db.engine.dispose()
    assert "After" in page(app.test_client(), slug).get_data(as_text=True)


def test_personal_pages_are_not_shared(app, make_statement):
    slug = make_statement()
    page(app.test_client(), slug)  # the shared page, without anyone's data
    author = app.test_client()
    post_comment(
        author, slug, comment="My pending words.", remember="y", author="Ani Reader"
    )
    mine = author.get(f"/statements/{slug}", headers=client_headers())
    html = mine.get_data(as_text=True)
    assert "My pending words." in html and 'value="Ani Reader"' in html
    assert "no-store" in mine.headers["Cache-Control"]
    stranger = page(app.test_client(), slug).get_data(as_text=True)
    assert "My pending words." not in stranger and "Ani Reader" not in stranger


def test_each_preference_set_gets_its_own_page(app, make_statement):
    slug = make_statement()
    plain = page(app.test_client(), slug)
    large = app.test_client()
    large.set_cookie("ngo_a11y", "fs:200")
    styled = page(large, slug)
    html_tag = re.compile(r"<html[^>]*>")
    assert "a11y-size-200" in html_tag.search(styled.get_data(as_text=True)).group()
    assert "a11y-size-200" not in html_tag.search(plain.get_data(as_text=True)).group()
    assert (
        "Cookie" in styled.headers["Vary"]
        and "private" in styled.headers["Cache-Control"]
    )


def test_views_count_through_bulk_sql_still_show(app, client, make_statement):
    slug = make_statement()
    page(client, slug)
    with app.app_context():
        db.session.execute(update(Statement).values(views=Statement.views + 100))
        db.session.commit()
    assert views(page(client, slug)) == 101


# -- Content can never reach the slots ------------------------------------------

# Text a reader, an editor or an importer may type: the old slot markers, names of
# every slot, and private-use characters on their own.
HOSTILE = [
    "\ue000boom\ue000",
    "\ue000csrf\ue000",
    "\ue000views\ue000",
    "\ue000stamp\ue000",
    "\ue000nonce\ue000",
    "a\ue000b",
    "\ue000",
]


def csrf_inputs(html: str) -> list[str]:
    """The values of every csrf_token hidden input on a page."""
    return re.findall(r'name="csrf_token"[^>]*value="([^"]*)"', html) + re.findall(
        r'value="([^"]*)"[^>]*name="csrf_token"', html
    )


def approve_comment(app, slug, text, author="Lilit Hakobyan"):
    """An approved comment with this text (escaped, as the sanitiser would keep it)."""
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        db.session.add(
            Comment(
                statement_id=statement.id,
                author_name=author,
                author_email="lilit@example.org",
                body=f"<p>{escape(text)}</p>",
                body_hash=sha256(f"{text}|{author}".encode()).hexdigest(),
                status="approved",
            )
        )
        statement.comment_count += 1
        db.session.commit()


def own_token(html: str) -> str:
    """The reader's CSRF token: in every form's hidden input, and nowhere else."""
    inputs = csrf_inputs(html)
    assert len(inputs) >= 2 and len(set(inputs)) == 1  # toolbar and comment form
    assert html.count(inputs[0]) == len(inputs)
    return inputs[0]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_text_in_any_field_renders_as_typed(app, make_statement, text):
    slug = make_statement(
        title=f"Title {text} end",
        summary=f"Summary {text} end",
        body=f"<p>Body {escape(text)} end</p>",
        signatories=[f"Org {text} end"],
    )
    approve_comment(app, slug, f"Comment {text} end", author=f"Name {text} end")
    tokens = []
    for reader in ("first", "second", "third"):  # renders, then served from the cache
        html = page(app.test_client(), slug, reader).get_data(as_text=True)
        for field in ("Title", "Summary", "Body", "Org", "Comment", "Name"):
            assert f"{field} {text} end" in html, (field, reader)
        assert "\ue000" not in html.replace(text, "")
        tokens.append(own_token(html))
        assert not any(token in html for token in tokens[:-1])


def test_a_readers_own_csrf_token_typed_as_a_comment_stays_text(
    app, make_statement, monkeypatch
):
    # One signing time: the token the page is rendered with is the one typed.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_700_000_000)
    slug = make_statement()
    author = app.test_client()
    token = own_token(page(author, slug, "author").get_data(as_text=True))
    approve_comment(app, slug, f"My token is {token}.")
    # The author's own request renders the new revision for the cache.
    mine = page(author, slug, "author").get_data(as_text=True)
    assert f"My token is {token}." in mine
    assert own_token(mine.replace(f"My token is {token}.", "")) == token
    for reader in ("second", "third"):
        html = page(app.test_client(), slug, reader).get_data(as_text=True)
        assert f"My token is {token}." in html  # as typed, not this reader's token
        assert html.count(token) == 1
        assert own_token(html) != token


def test_a_posted_comment_with_slot_markers_is_served_after_approval(
    app, make_statement
):
    slug = make_statement()
    page(app.test_client(), slug)
    text = "\ue000boom\ue000 \ue000csrf\ue000 \ue000views\ue000"
    response = post_comment(app.test_client(), slug, comment=text)
    assert response.status_code == 303
    with app.app_context():
        comment = db.session.scalars(db.select(Comment)).one()
        assert set_status(comment, "approved")
        db.session.commit()
    for reader in ("one", "two"):
        html = page(app.test_client(), slug, reader).get_data(as_text=True)
        assert text in html


def test_the_nonce_of_a_cached_page_is_this_response_s(app, make_statement):
    slug = make_statement()
    nonces = set()
    for reader in ("one", "two"):
        client = app.test_client()
        client.set_cookie("ngo_a11y", "bg:102030|fg:f0f0f0")
        response = page(client, slug, reader)
        found = re.search(r'<style nonce="([^"]+)">', response.get_data(as_text=True))
        assert found, "custom colours need the inline style"
        policy = response.headers["Content-Security-Policy"]
        assert f"'nonce-{found.group(1)}'" in policy
        nonces.add(found.group(1))
    assert len(nonces) == 2


# -- Every public page: lists from the cache, right across workers ----------------

LIST_PAGES = [
    "/",
    "/statements",
    "/category/rights",
    "/organisations",
    "/organisations/peace-dialogue",
]


def get(client, path, reader="reader"):
    """A reader's GET of any page, which must answer 200."""
    response = client.get(path, headers={"User-Agent": reader})
    assert response.status_code == 200, (path, response.status_code)
    return response


def text(response) -> str:
    """The page's HTML."""
    return response.get_data(as_text=True)


def fill_lists(app, client=None):
    """Every list page through this app, so that each is in its cache."""
    client = client or app.test_client()
    return {path: text(get(client, path)) for path in LIST_PAGES}


def statement_row(slug):
    """The statement with this slug, in the current app context."""
    return db.session.scalar(db.select(Statement).where(Statement.slug == slug))


def test_a_list_page_from_the_cache_costs_one_query(app, make_statement, count_queries):
    make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    client = app.test_client()
    for path in LIST_PAGES:
        get(client, path)
        with count_queries() as queries:
            get(client, path)
        assert len(queries) == 1, (path, queries)
        assert "site_revision" in queries[0]


def test_a_statement_page_from_the_cache_costs_one_query(
    app, make_statement, count_queries
):
    slug = make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    client = app.test_client()
    get(client, f"/statements/{slug}")  # the view is counted here
    with count_queries() as queries:
        get(client, f"/statements/{slug}")
    assert len(queries) == 1, queries


def _costs(app, client, count_queries, paths):
    """Queries of each page rendered afresh, and served again from the cache."""
    costs = {}
    for path in paths:
        get(client, path)  # a statement's first view counts (a write)
        app.extensions["pages"].clear()
        with count_queries() as rendered:
            get(client, path)
        with count_queries() as cached:
            get(client, path)
        costs[path] = (len(rendered), len(cached))
    return costs


def test_list_pages_cost_the_same_with_5_or_50_statements(
    app, make_statement, count_queries
):
    app.config["STATEMENTS_PER_PAGE"] = 100  # the whole list on one page
    client = app.test_client()

    def add(count):
        for _ in range(count):
            make_statement(
                categories=["Rights > Right to life", "Activities"],
                signatories=["Peace Dialogue", "Article 3 Club"],
            )

    add(5)
    small = _costs(app, client, count_queries, LIST_PAGES)
    assert text(get(client, "/statements")).count('class="statement-card"') == 5
    add(45)
    large = _costs(app, client, count_queries, LIST_PAGES)
    assert text(get(client, "/statements")).count('class="statement-card"') == 50
    assert small == large
    for path, (rendered, cached) in large.items():
        assert cached == 1 and rendered <= 7, (path, rendered)  # 1: footer pages


def test_statement_page_costs_the_same_with_0_or_50_comments_and_1_or_30_signatories(
    app, make_statement, count_queries
):
    plain = make_statement(categories=["Rights"], signatories=["One"])
    busy = make_statement(
        categories=["Rights > Right to life", "Activities", "Announcements"],
        signatories=[f"Organisation {n}" for n in range(30)],
    )
    for number in range(50):
        approve_comment(app, busy, f"Comment number {number}.", author=f"R{number}")
    client = app.test_client()
    costs = _costs(app, client, count_queries, [f"/statements/{plain}"])
    busy_costs = _costs(app, client, count_queries, [f"/statements/{busy}"])
    assert list(costs.values()) == list(busy_costs.values())
    assert list(costs.values())[0][1] == 1
    assert "Comment number 49." in text(get(client, f"/statements/{busy}"))


def test_a_change_made_through_another_worker_shows_on_every_list(
    app, app_config, make_statement
):
    slug = make_statement(
        title="Before", categories=["Rights"], signatories=["Peace Dialogue"]
    )
    for path, html in fill_lists(app).items():
        assert "Before" in html or path == "/organisations", path
    other_worker = create_app(app_config)
    with other_worker.app_context():
        statement_row(slug).title = "After"
        db.session.commit()
        db.engine.dispose()
    for path, html in fill_lists(app).items():
        if path != "/organisations":  # the directory shows names and counts only
            assert "After" in html and "Before" not in html, path


def test_a_statement_published_elsewhere_is_listed_at_once(
    app, app_config, make_statement
):
    make_statement(title="First", categories=["Rights"], signatories=["Peace Dialogue"])
    draft = make_statement(
        title="Second",
        categories=["Rights"],
        signatories=["Peace Dialogue"],
        status="draft",
    )
    for html in fill_lists(app).values():
        assert "Second" not in html
    assert "(1 statement)" in fill_lists(app)["/organisations"]
    other_worker = create_app(app_config)
    with other_worker.app_context():
        statement_row(draft).status = "published"
        db.session.commit()
        db.engine.dispose()
    pages = fill_lists(app)
    for path in LIST_PAGES:
        if path != "/organisations":
            assert "Second" in pages[path], path
    assert "(2 statements)" in pages["/organisations"]


def test_a_category_renamed_elsewhere_shows_on_lists_and_statements(
    app, app_config, make_statement
):
    slug = make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    fill_lists(app)
    get(app.test_client(), f"/statements/{slug}")
    other_worker = create_app(app_config)
    with other_worker.app_context():
        row = db.session.scalar(db.select(Category).where(Category.name == "Rights"))
        row.name = "Human Rights"
        organisation = db.session.scalar(db.select(Organisation))
        organisation.name = "Peace Dialogue Network"
        db.session.commit()
        db.engine.dispose()
    pages = fill_lists(app)
    for path, html in pages.items():
        assert "Human Rights" in html, path  # the navigation, and trails
    for path in ("/organisations", "/organisations/peace-dialogue"):
        assert "Peace Dialogue Network" in pages[path], path
    html = text(get(app.test_client(), f"/statements/{slug}"))
    assert "Human Rights" in html and "Peace Dialogue Network" in html


def test_a_comment_approved_elsewhere_moves_the_count_on_lists(
    app, app_config, make_statement
):
    slug = make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    post_comment(app.test_client(), slug, comment="Held for a moderator.")
    for path, html in fill_lists(app).items():
        assert "1 comment" not in html, path
    other_worker = create_app(app_config)
    with other_worker.app_context():
        comment = db.session.scalars(db.select(Comment)).one()
        assert set_status(comment, "approved")
        db.session.commit()
        db.engine.dispose()
    for path, html in fill_lists(app).items():
        if path != "/organisations":
            assert "1 comment" in html, path


def test_bulk_sql_with_a_revision_bump_shows_through_another_worker(
    app, app_config, make_statement
):
    slug = make_statement(title="Before", categories=["Rights"])
    other_worker = create_app(app_config)
    assert "Before" in text(get(other_worker.test_client(), "/"))
    with app.app_context():
        db.session.execute(
            update(Statement)
            .where(Statement.slug == slug)
            .values(title="After", **bump_revision())
        )
        move_site_on()
        db.session.commit()
    html = text(get(other_worker.test_client(), "/"))
    assert "After" in html and "Before" not in html
    assert "After" in text(get(other_worker.test_client(), f"/statements/{slug}"))
    with other_worker.app_context():
        db.engine.dispose()


def test_another_statement_s_edit_keeps_a_statement_page_cached(
    app, make_statement, count_queries
):
    slug = make_statement(title="Kept", categories=["Rights"])
    other = make_statement(title="Other", categories=["Rights"])
    client = app.test_client()
    get(client, f"/statements/{slug}")
    with app.app_context():
        statement_row(other).title = "Other, edited"
        db.session.commit()
    with count_queries() as queries:
        assert "Kept" in text(get(client, f"/statements/{slug}"))
    assert len(queries) == 1, queries  # no render: its own page did not change
    assert "Other, edited" in text(get(client, "/"))


def test_each_page_number_and_preference_set_has_its_own_page(app, make_statement):
    app.config["STATEMENTS_PER_PAGE"] = 2
    for day in (1, 2, 3):
        make_statement(
            title=f"Day {day}", published_at=datetime(2024, 1, day, tzinfo=UTC)
        )
    client = app.test_client()
    for _ in range(2):  # rendered, then from the cache
        first, second = text(get(client, "/")), text(get(client, "/?page=2"))
        assert "Day 3" in first and "Day 1" not in first
        assert "Day 1" in second and "Day 3" not in second
        assert 'name="next" value="/?page=2"' in second
    large = app.test_client()
    large.set_cookie("ngo_a11y", "fs:200")
    html_tag = re.compile(r"<html[^>]*>")
    assert "a11y-size-200" in html_tag.search(text(get(large, "/"))).group()
    assert "a11y-size-200" not in html_tag.search(text(get(client, "/"))).group()


def test_a_query_the_page_does_not_know_is_rendered_afresh(
    app, make_statement, count_queries
):
    make_statement()
    client = app.test_client()
    get(client, "/?utm_source=x")
    with count_queries() as queries:
        html = text(get(client, "/?utm_source=x"))
    assert len(queries) > 1
    assert 'name="next" value="/?utm_source=x"' in html


@pytest.mark.parametrize("reader_first", [True, False])
def test_a_flashed_message_is_never_shared(app, make_statement, reader_first):
    make_statement()
    stranger, flashed = app.test_client(), app.test_client()
    with flashed.session_transaction() as session:
        session["_flashes"] = [("success", "Only for you.")]
    if reader_first:
        assert "Only for you." not in text(get(stranger, "/"))
    mine = get(flashed, "/")
    assert "Only for you." in text(mine)
    assert mine.headers["Cache-Control"] == "private, no-store"
    assert "Only for you." not in text(get(stranger, "/"))
    assert "Only for you." not in text(get(flashed, "/"))  # shown once


def test_a_cached_list_page_gets_this_reader_s_token_and_nonce(app, make_statement):
    make_statement()
    tokens, nonces = set(), set()
    for reader in ("one", "two"):
        client = app.test_client()
        client.set_cookie("ngo_a11y", "bg:102030|fg:f0f0f0")
        response = get(client, "/", reader)
        html = text(response)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        nonce = re.search(r'<style nonce="([^"]+)">', html).group(1)
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        answer = client.post(
            "/accessibility", data={"csrf_token": token, "size": "150", "next": "/"}
        )
        assert answer.status_code == 303
        tokens.add(token)
        nonces.add(nonce)
    assert len(tokens) == 2 and len(nonces) == 2


@pytest.mark.parametrize(
    "path", ["/?page=9", "/category/nowhere", "/organisations/nobody", "/?page=x"]
)
def test_missing_list_pages_are_404_every_time(app, make_statement, path):
    make_statement()
    client = app.test_client()
    for _ in range(2):
        assert client.get(path).status_code == 404
