"""The comment POST runs its cheap checks (CSRF, fields and lengths, duplicate and
flood) before it cleans the text, and cleans the longest hostile text quickly."""

import time

import pytest

from ngo.comments import forms
from ngo.sanitize import clean_comment_html
from tests.commenting import comment_id_from, form_fields, post_comment, stored

# 54 KB that took 30 s to clean before; a 4xx for it must not clean it at all.
HOSTILE = "<b>x\n\n" * 9000


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production; no time trap."""
    return app_config | {
        "WTF_CSRF_ENABLED": True,
        "TRUSTED_PROXIES": 1,
        "COMMENT_MIN_SECONDS": 0,
    }


@pytest.fixture
def cleanings(monkeypatch):
    """Every text the comment form cleans, in order."""
    seen = []

    def spy(text):
        seen.append(text)
        return clean_comment_html(text)

    monkeypatch.setattr(forms, "clean_comment_html", spy)
    return seen


def _timed_post(client, slug, **fields):
    """post_comment, and how long the POST itself took."""
    started = time.perf_counter()
    response = post_comment(client, slug, **fields)
    return response, time.perf_counter() - started


def test_an_invalid_email_answers_422_without_cleaning(
    client, make_statement, cleanings
):
    slug = make_statement()
    started = time.perf_counter()
    response = post_comment(client, slug, comment=HOSTILE, email="not-an-address")
    assert response.status_code == 422
    assert time.perf_counter() - started < 5
    assert cleanings == []
    assert form_fields(response.get_data(as_text=True))["comment"] == HOSTILE


def test_a_comment_too_long_answers_422_without_cleaning(
    client, make_statement, cleanings
):
    slug = make_statement()
    response = post_comment(client, slug, comment="<b>x\n\n" * 11_000)
    assert response.status_code == 422
    assert "Your comment must be 65,525 characters or fewer." in response.get_data(
        as_text=True
    )
    assert cleanings == []


def test_a_missing_csrf_token_answers_400_without_cleaning(
    client, make_statement, cleanings
):
    slug = make_statement()
    response = post_comment(client, slug, comment=HOSTILE, csrf_token=None)
    assert response.status_code == 400
    assert cleanings == []


def test_a_flood_answers_429_without_cleaning(app, client, make_statement, cleanings):
    app.config["COMMENT_FLOOD_SECONDS"] = 60
    slug = make_statement()
    assert post_comment(client, slug, comment="First words.").status_code == 303
    assert len(cleanings) == 1
    response = post_comment(client, slug, comment=HOSTILE, email="other@example.org")
    assert response.status_code == 429
    assert len(cleanings) == 1


def test_a_duplicate_answers_409_without_cleaning(
    app, client, make_statement, cleanings
):
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    slug = make_statement()
    assert post_comment(client, slug, comment=HOSTILE).status_code == 303
    assert len(cleanings) == 1
    assert post_comment(client, slug, comment=HOSTILE).status_code == 409
    assert len(cleanings) == 1


def test_only_html_that_is_not_allowed_is_refused_after_the_cheap_checks(
    client, make_statement, cleanings
):
    slug = make_statement()
    response = post_comment(client, slug, comment="<script>x</script><img src=x>")
    assert response.status_code == 422
    assert "what you typed was only HTML" in response.get_data(as_text=True)
    assert len(cleanings) == 1


@pytest.mark.parametrize(
    "body",
    [
        ("<b>x\n\n" * 11_000)[:65_525],
        ("<i><b><u>x\n\n" * 6000)[:65_525],
        ("www.a.com " * 7000)[:65_525],
        ("&" * 65_525),
    ],
    ids=["unclosed bold", "i b u", "addresses", "ampersands"],
)
def test_the_longest_hostile_comment_is_stored_quickly_and_bounded(
    app, client, make_statement, body
):
    slug = make_statement()
    response, took = _timed_post(client, slug, comment=body)
    assert response.status_code == 303
    assert took < 5, f"{took:.1f} s"
    stored_body = stored(app, comment_id_from(response)).body
    assert len(stored_body) <= 7 * len(body)
    assert client.get(f"/statements/{slug}").status_code == 200
