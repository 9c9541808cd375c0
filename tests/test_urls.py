"""Redirect safety: one `safe_next` for the toolbar's forms and the admin sign-in."""

import pytest

from ngo.urls import safe_next
from tests.staff import make_user, sign_in
from tests.test_accessibility import OPEN_REDIRECTS as TOOLBAR_CASES

# Every open-redirect case the toolbar's tests cover, and those the admin's rule let
# through or did not name.
OPEN_REDIRECTS = [
    *TOOLBAR_CASES,
    None,
    "https://evil.example/",
    "http:/evil.example",
    "/admin/\r\nSet-Cookie: x=1",
    "/a\x0bb",  # once let through by the admin's rule
    "/a\x7fb",
    "/a b",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_anything_but_a_same_site_path_gives_the_default(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
        assert safe_next(target, default="/admin/") == "/admin/"


@pytest.mark.parametrize(
    "target,kept",
    [
        ("/statements/a-b?page=2", "/statements/a-b?page=2"),
        ("/category/rights?page=3&x=y", "/category/rights?page=3&x=y"),
        ("/admin/statements?status=draft", "/admin/statements?status=draft"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ("/статья", "/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"),
    ],
)
def test_same_site_paths_are_kept_percent_encoded(app, target, kept):
    with app.test_request_context():
        assert safe_next(target) == kept


@pytest.mark.parametrize("target", ["/a\x0bb", "/admin/\x01x", "/a b"])
def test_sign_in_follows_the_same_rule(app, client, target):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org", next_path=target)
    assert response.status_code == 303
    assert response.location == "/admin/"


def test_sign_in_encodes_a_path_outside_ascii(app, client):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org", next_path="/admin/статья")
    assert response.location == "/admin/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"
