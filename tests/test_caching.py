"""One module owns cacheability: what each kind of response says to caches."""

import re
from pathlib import Path

import pytest
from flask import make_response

from ngo import caching
from ngo.extensions import db
from ngo.models import SlugRedirect, Statement
from tests.staff import signed_in

NGO = Path(__file__).resolve().parent.parent / "ngo"


def vary(response) -> str:
    """The Vary header, lower case ("" when absent)."""
    return response.headers.get("Vary", "").lower()


def old_address(app, slug, old):
    """Give the statement with this slug an old address that answers 301."""
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        db.session.add(SlugRedirect(old_slug=old, statement_id=statement.id))
        db.session.commit()


def test_a_public_page_is_private_to_the_browser_and_varies_on_cookie(
    client, make_statement
):
    slug = make_statement(categories=["Rights"])
    for path in ("/", f"/statements/{slug}", "/category/rights", "/accessibility"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private", path
        assert "cookie" in vary(response), path
        assert "X-Robots-Tag" not in response.headers


def test_a_signed_in_editor_s_public_pages_are_personal(app, client, make_statement):
    slug = make_statement()
    signed_in(app, client, "editor")
    for path in ("/", f"/statements/{slug}"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "cookie" in vary(response)


def test_admin_pages_and_unknown_admin_paths_are_never_stored_or_indexed(app, client):
    signed_in(app, client, "admin")
    for path, status in (("/admin/", 200), ("/admin/no-such-page", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    anonymous = client.application.test_client().get("/admin/statements")
    assert anonymous.status_code == 302
    assert "no-store" in anonymous.headers["Cache-Control"]


def test_health_check_is_never_stored(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"


def test_an_old_address_301_is_public_for_a_day_without_vary_cookie(
    app, client, make_statement
):
    slug = make_statement()
    old_address(app, slug, "old-address")
    client.set_cookie("ngo_a11y", "fs:150")
    response = client.get("/statements/old-address")
    assert response.status_code == 301
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert "cookie" not in vary(response)


def test_a_draft_s_old_address_is_personal_for_an_editor(app, client, make_statement):
    slug = make_statement(status="draft")
    old_address(app, slug, "old-draft")
    assert client.get("/statements/old-draft").status_code == 404
    signed_in(app, client, "editor")
    response = client.get("/statements/old-draft")
    assert response.status_code == 301
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_a_redirect_without_intent_keeps_its_own_headers(client):
    response = client.post("/accessibility", data={"size": "150", "next": "/"})
    assert response.status_code == 303
    assert "Cache-Control" not in response.headers


@pytest.mark.parametrize(
    "declare, expected",
    [
        (lambda: caching.cache_for(60), "public, max-age=60"),
        (lambda: caching.no_store(), "no-store"),
        (lambda: caching.mark_personal(), "private, no-store"),
        # The strictest declaration wins, whatever the order.
        (
            lambda: (caching.mark_personal(), caching.cache_for(60)),
            "private, no-store",
        ),
        (lambda: (caching.cache_for(60), caching.no_store()), "no-store"),
    ],
)
def test_views_declare_intent_and_the_hook_writes_it(app, declare, expected):
    with app.test_request_context("/"):
        declare()
        response = caching.write_headers(make_response("<p>x</p>"))
    assert response.headers["Cache-Control"] == expected


def test_a_public_intent_does_not_reach_an_error_page(app):
    with app.test_request_context("/"):
        caching.cache_for(60)
        response = caching.write_headers(make_response("<p>gone</p>", 404))
    assert response.headers["Cache-Control"] == "private"
    assert "cookie" in vary(response)


def test_no_other_module_writes_cache_headers():
    writers = []
    for path in sorted(NGO.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if re.search(r"Cache-Control|cache_control|\.vary\b", source):
            writers.append(path.relative_to(NGO).as_posix())
    assert writers == ["caching.py"]
