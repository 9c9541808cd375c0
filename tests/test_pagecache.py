"""The statement page cache: shared pages stay right for every reader and every change."""

import re

import pytest
from sqlalchemy import update

from ngo import create_app
from ngo.comments.moderation import set_status
from ngo.extensions import db
from ngo.models import Category, Comment, Organisation, Statement
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
