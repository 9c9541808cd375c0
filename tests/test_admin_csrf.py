"""Every admin POST needs its CSRF token, as in production."""

import re

import pytest

from ngo.extensions import db
from ngo.models import Comment, Statement
from tests.commenting import add_comment
from tests.staff import PASSWORD, make_user

POSTS = [
    "/admin/login",
    "/admin/logout",
    "/admin/account",
    "/admin/statements/new",
    "/admin/statements/1/edit",
    "/admin/categories/new",
    "/admin/categories/1/edit",
    "/admin/categories/1/delete",
    "/admin/organisations/new",
    "/admin/organisations/1/edit",
    "/admin/organisations/1/delete",
    "/admin/users/new",
    "/admin/users/1/edit",
    "/admin/comments",
]


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def token_from(response) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"'
        r'|name="csrf_token" value="([^"]+)"',
        response.get_data(as_text=True),
    )
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def sign_in_with_token(client, email="admin@example.org"):
    """Sign in as a browser does: read the form's token, post it back."""
    token = token_from(client.get("/admin/login"))
    return client.post(
        "/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )


@pytest.fixture
def admin(app, client, make_statement):
    """A signed-in admin, and something to act on."""
    make_user(app, "admin", "admin@example.org")
    slug = make_statement(categories=["Rights"], signatories=["Article 3 Club"])
    add_comment(app, slug)
    assert sign_in_with_token(client).status_code == 303
    return client


def test_sign_in_without_a_token_is_400(app, client):
    make_user(app, "admin", "admin@example.org")
    response = client.post(
        "/admin/login", data={"email": "admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form had expired or was sent from elsewhere." in response.get_data(
        as_text=True
    )


def test_the_token_changes_at_sign_in(app, client):
    make_user(app, "admin", "admin@example.org")
    client.get("/admin/login")
    with client.session_transaction() as session:
        before = session["csrf_token"]
    sign_in_with_token(client)
    page = client.get("/admin/")
    with client.session_transaction() as session:
        assert session["csrf_token"] != before
    assert token_from(page)


@pytest.mark.parametrize("path", POSTS[1:])
def test_every_admin_post_without_a_token_is_400(admin, app, path):
    response = admin.post(path, data={"title": "x", "name": "x", "one": "approve:1"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Comment, 1).status == "pending"
        assert db.session.scalar(db.select(db.func.count()).select_from(Statement)) == 1


def test_a_forged_token_is_400(admin):
    response = admin.post(
        "/admin/comments", data={"one": "approve:1", "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_with_the_page_token_buttons_work(admin, app):
    token = token_from(admin.get("/admin/comments"))
    response = admin.post(
        "/admin/comments?status=pending", data={"one": "approve:1", "csrf_token": token}
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Comment, 1).status == "approved"
    token = token_from(admin.get("/admin/"))
    assert admin.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert admin.get("/admin/").status_code == 302
