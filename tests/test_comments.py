"""Comments through the test client with CSRF on: form, rules, cookies, speed."""

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func

from ngo.comments.demo import add_sample_thread
from ngo.comments.moderation import set_status, word_list
from ngo.comments.tokens import AUTHOR_COOKIE, PENDING_COOKIE, make_stamp
from ngo.extensions import db
from ngo.models import Comment, CommentThrottle, Statement
from tests.commenting import (
    client_headers,
    comment_id_from,
    form_fields,
    post_comment,
    stored,
    trust,
)

LABELS = {
    "comment": "Comment",
    "author": "Name",
    "email": "Email",
    "url": "Website",
    "remember": "Save my name, email, and website in this browser for the next time "
    "I comment.",
}


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production; no time trap unless a test asks for it."""
    return app_config | {
        "WTF_CSRF_ENABLED": True,
        "TRUSTED_PROXIES": 1,
        "COMMENT_MIN_SECONDS": 0,
    }


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org."
WEB_ADDRESS = (
    "Enter a web address that starts with http:// or https://, or leave Website empty."
)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def visible_text(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_of(response)).split())


def statement_id(app, slug) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Statement.id).where(Statement.slug == slug))


def count_comments(app, **where) -> int:
    with app.app_context():
        query = db.select(func.count()).select_from(Comment)
        for key, value in where.items():
            query = query.where(getattr(Comment, key) == value)
        return db.session.scalar(query)


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each label by its `for`."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.labels: dict[str, str] = {}
        self._label = None
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label":
            self._label = attrs.get("for")
            self.labels[self._label] = ""
        if tag == "span" and self._label and attrs.get("aria-hidden") == "true":
            self._hidden_depth += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None
        if tag == "span" and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if self._label is not None and not self._hidden_depth:
            self.labels[self._label] += data


def tags_of(response) -> _Tags:
    parser = _Tags()
    parser.feed(html_of(response))
    return parser


def by_id(parser: _Tags, element_id: str) -> dict:
    return next(attrs for tag, attrs in parser.tags if attrs.get("id") == element_id)


# -- The form ---------------------------------------------------------------------


def test_form_has_the_design_labels_note_and_required_markers(client, make_statement):
    slug = make_statement()
    response = client.get(f"/statements/{slug}")
    html = html_of(response)
    parser = tags_of(response)
    assert '<h3 id="reply-title"' in html and ">Leave a Reply</h3>" in html
    assert "Your email address will not be published." in visible_text(response)
    assert "Required fields are marked *" in visible_text(response)
    for field_id, label in LABELS.items():
        assert " ".join(parser.labels[field_id].split()) == label
    for field_id in ("comment", "author", "email"):
        assert "required" in by_id(parser, field_id)
        assert re.search(
            rf'<label for="{field_id}">[^<]*</label>'
            r'<span class="field__required" aria-hidden="true"> \*</span>',
            html,
        )
    assert "required" not in by_id(parser, "url")
    assert by_id(parser, "comment")["maxlength"] == "65525"
    assert by_id(parser, "author")["maxlength"] == "245"
    assert by_id(parser, "email")["maxlength"] == "100"
    assert by_id(parser, "url")["maxlength"] == "200"
    assert (
        by_id(parser, "email")["type"] == "email"
        and by_id(parser, "url")["type"] == "url"
    )
    assert ">Post Comment</button>" in html
    form = by_id(parser, "commentform")
    assert (
        form["method"] == "post"
        and form["action"] == f"/statements/{slug}/comments#respond"
    )
    fields = form_fields(html)
    assert fields["csrf_token"] and fields["stamp"] and fields["comment_parent"] == "0"
    # The honeypot is hidden from people and has a name no autofill targets.
    assert re.search(
        r'<div class="comment-form__hp" hidden>\s*<label for="subject">', html
    )
    assert by_id(parser, "subject")["autocomplete"] == "off"
    assert "No comments yet" in visible_text(response)


def test_post_without_csrf_token_is_400_with_the_text_kept(client, make_statement, app):
    slug = make_statement()
    client.get(f"/statements/{slug}")
    response = client.post(
        f"/statements/{slug}/comments",
        data={
            "comment": "My long reply\nwith two lines",
            "author": "Ani",
            "email": "ani@example.org",
        },
        headers=client_headers(),
    )
    assert response.status_code == 400
    fields = form_fields(html_of(response))
    assert fields["comment"] == "My long reply\nwith two lines"
    assert fields["author"] == "Ani" and fields["csrf_token"]
    assert "This form had expired" in visible_text(response)
    assert count_comments(app) == 0
    # The fresh token on the page lets the reader send it again.
    again = client.post(
        f"/statements/{slug}/comments", data=fields, headers=client_headers()
    )
    assert again.status_code == 303


def test_forged_csrf_token_is_refused(client, make_statement, app):
    slug = make_statement()
    page = client.get(f"/statements/{slug}")
    fields = form_fields(html_of(page)) | {
        "comment": "x",
        "author": "A",
        "email": "a@example.org",
        "csrf_token": "forged",
    }
    assert client.post(f"/statements/{slug}/comments", data=fields).status_code == 400
    assert count_comments(app) == 0


@pytest.mark.parametrize(
    "fields, errors",
    [
        (
            {"comment": "", "author": "", "email": ""},
            {
                "comment": "Enter your comment.",
                "author": "Enter your name.",
                "email": "Enter your email address.",
            },
        ),
        ({"comment": "   \n\t  "}, {"comment": "Enter your comment."}),
        (
            {"email": "not-an-address"},
            {"email": EMAIL_FORMAT},
        ),
        (
            {"url": "javascript:alert(1)"},
            {"url": WEB_ADDRESS},
        ),
        (
            {"url": "ftp://example.org/file"},
            {"url": WEB_ADDRESS},
        ),
        (
            {"comment": "x" * 65_526},
            {"comment": "Your comment must be 65,525 characters or fewer."},
        ),
        (
            {"author": "n" * 246},
            {"author": "Your name must be 245 characters or fewer."},
        ),
        (
            {"email": "e" * 89 + "@example.org"},
            {"email": "Your email address must be 100 characters or fewer."},
        ),
        (
            {"url": "https://example.org/" + "p" * 181},
            {"url": "The web address must be 200 characters or fewer."},
        ),
        (
            {"comment": "<script>alert(1)</script><img src=x>"},
            {
                "comment": "Enter your comment as text: what you typed was only HTML "
                "that is not allowed here."
            },
        ),
    ],
)
def test_invalid_fields_come_back_422_with_summary_errors_and_the_typed_text(
    client, make_statement, app, fields, errors
):
    slug = make_statement()
    typed = {
        "comment": 'Kept text <b>with</b> "quotes" & ünïcode\nline two',
        "author": "Ani & Co",
        "email": "ani@example.org",
        "url": "https://example.org/me",
        "remember": "y",
    } | fields
    response = post_comment(client, slug, **typed)
    assert response.status_code == 422
    html = html_of(response)
    parser = tags_of(response)
    assert "<title>Error: " in html
    summary = by_id(parser, "error-summary")
    assert summary["role"] == "alert"
    for field_id, message in errors.items():
        assert f'<a href="#{field_id}">{message}</a>' in html
        control = by_id(parser, field_id)
        assert control["aria-invalid"] == "true"
        assert f"{field_id}-error" in control["aria-describedby"].split()
        assert re.search(
            rf'id="{field_id}-error">\s*<li>'
            r'<span class="visually-hidden">Error: </span>' + re.escape(message),
            html,
        )
    for field_id in {"comment", "author", "email", "url"} - set(errors):
        assert "aria-invalid" not in by_id(parser, field_id)
    kept = form_fields(html)
    for name in ("comment", "author", "email", "url"):
        assert kept[name] == " ".join(typed[name].split()) or kept[name] == typed[name]
    assert kept["remember"] == "y"
    assert count_comments(app) == 0


def test_the_longest_allowed_values_are_accepted(client, make_statement, app):
    slug = make_statement()
    response = post_comment(
        client,
        slug,
        comment="y" * 65_525,
        author="n" * 245,
        email="e" * 88 + "@example.org",
        url="https://example.org/" + "p" * 180,
    )
    assert response.status_code == 303
    comment = stored(app, comment_id_from(response))
    assert len(comment.author_name) == 245 and len(comment.author_email) == 100
    assert len(comment.author_url) == 200 and "y" * 65_525 in comment.body


def test_success_is_a_303_to_the_comment_anchor(client, make_statement, app):
    slug = make_statement()
    response = post_comment(client, slug, url="example.org/ani")
    assert response.status_code == 303
    assert re.fullmatch(
        rf"/statements/{slug}#comment-\d+", response.headers["Location"]
    )
    comment = stored(app, comment_id_from(response))
    assert comment.author_url == "https://example.org/ani"
    assert comment.author_email == "ani@example.org"
    assert comment.ip_hash and "203.0.113.5" not in comment.ip_hash
    assert comment.body == "<p>A thoughtful comment.</p>"


def test_a_get_of_the_post_url_goes_to_the_form(client, make_statement):
    slug = make_statement()
    response = client.get(f"/statements/{slug}/comments")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/statements/{slug}#respond"
    assert client.post("/statements/no-such/comments").status_code in (400, 404)


def test_unknown_or_draft_statements_answer_404(client, make_statement):
    draft = make_statement(status="draft")
    page = client.get(f"/statements/{make_statement()}")
    fields = form_fields(html_of(page))
    for slug in ("no-such-statement", draft):
        assert (
            client.post(f"/statements/{slug}/comments", data=fields).status_code == 404
        )


# -- Moderation -----------------------------------------------------------------


def test_a_first_comment_is_pending_and_only_its_author_sees_it(
    client, app, make_statement
):
    slug = make_statement()
    response = post_comment(client, slug, comment="My first words here.", remember="y")
    comment_id = comment_id_from(response)
    assert stored(app, comment_id).status == "pending"
    assert stored(app, comment_id).moderation_note == "first comment from this email"
    pending_cookie = client.get_cookie(PENDING_COOKIE)
    assert pending_cookie is not None and pending_cookie.http_only

    mine = client.get(f"/statements/{slug}")
    assert "My first words here." in html_of(mine)
    assert "Your comment is awaiting moderation." in html_of(mine)
    assert f'id="comment-{comment_id}"' in html_of(mine)
    # A pending comment is not counted, and the heading says whose it is.
    assert "No comments yet" not in html_of(mine)
    assert ">Your comment, awaiting moderation</h2>" in html_of(mine)
    assert "private" in mine.headers["Cache-Control"]

    stranger = app.test_client()
    assert "My first words here." not in html_of(stranger.get(f"/statements/{slug}"))
    # Knowing the email (the remember-me cookie) shows nothing: the token is the key.
    same_email = app.test_client()
    same_email.set_cookie(AUTHOR_COOKIE, client.get_cookie(AUTHOR_COOKIE).value)
    page = same_email.get(f"/statements/{slug}")
    assert "My first words here." not in html_of(page)
    assert 'value="ani@example.org"' in html_of(page)  # their own details, prefilled
    # A token that was tampered with is ignored.
    forger = app.test_client()
    value = pending_cookie.value
    forger.set_cookie(
        PENDING_COOKIE, value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    )
    assert "My first words here." not in html_of(forger.get(f"/statements/{slug}"))


def test_once_approved_an_email_publishes_at_once(client, app, make_statement):
    slug = make_statement()
    first = comment_id_from(post_comment(client, slug, comment="First."))
    with app.app_context():
        assert set_status(db.session.get(Comment, first), "approved")
        db.session.commit()
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    second = comment_id_from(
        post_comment(client, slug, comment="Second.", email="ANI@example.org")
    )
    assert stored(app, second).status == "approved"
    page = app.test_client().get(f"/statements/{slug}")
    assert "First." in html_of(page) and "Second." in html_of(page)
    assert "2 comments" in visible_text(page)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(Statement.comment_count).where(Statement.slug == slug)
            )
            == 2
        )


@pytest.mark.parametrize(
    "comment, status",
    [
        ("One link: https://example.org/report", "approved"),
        ("Two: https://example.org/a and www.example.net", "pending"),
        (
            '<a href="https://a.example">a</a> <a href="https://b.example">b</a>',
            "pending",
        ),
    ],
)
def test_two_links_or_more_are_held(client, app, make_statement, comment, status):
    slug = make_statement()
    trust(app, slug, "ani@example.org")
    response = post_comment(client, slug, comment=comment)
    assert stored(app, comment_id_from(response)).status == status


def test_moderation_words_hold_and_block_words_send_to_spam(
    client, app, make_statement
):
    slug = make_statement()
    trust(app, slug, "ani@example.org")
    app.config.update(
        COMMENT_FLOOD_SECONDS=0,
        COMMENT_MODERATION_WORDS="lottery\ncheap pills\n" + "x" * 300,
        COMMENT_BLOCK_WORDS='["casino", "spam-domain.example"]',
    )
    held = post_comment(client, slug, comment="Win the LOTTERY today")
    assert stored(app, comment_id_from(held)).status == "pending"
    assert "moderation list" in stored(app, comment_id_from(held)).moderation_note
    # A long listed phrase still fits the note column (PostgreSQL enforces lengths).
    long = stored(app, comment_id_from(post_comment(client, slug, comment="x" * 400)))
    assert long.status == "pending" and len(long.moderation_note) == 200
    spam = post_comment(
        client, slug, comment="Great post", url="https://spam-domain.example/"
    )
    spam_id = comment_id_from(spam)
    assert stored(app, spam_id).status == "spam"
    # Spam is never shown, not even to the browser that sent it.
    assert "Great post" not in html_of(client.get(f"/statements/{slug}"))
    plain = post_comment(client, slug, comment="Casino-free thoughts")
    assert stored(app, comment_id_from(plain)).status == "spam"
    assert word_list("a, b\nc") == ["a", "b", "c"] and word_list(["X "]) == ["x"]


def test_the_honeypot_sends_to_spam_not_to_nowhere(client, app, make_statement):
    slug = make_statement()
    trust(app, slug, "ani@example.org")
    response = post_comment(client, slug, subject="Buy now")
    assert response.status_code == 303
    comment = stored(app, comment_id_from(response))
    assert (
        comment.status == "spam"
        and comment.moderation_note == "honeypot field filled in"
    )
    assert client.get_cookie(PENDING_COOKIE) is None


def test_the_time_trap_holds_fast_or_unstamped_posts(client, app, make_statement):
    slug = make_statement()
    trust(app, slug, "ani@example.org")
    app.config.update(COMMENT_MIN_SECONDS=3, COMMENT_FLOOD_SECONDS=0)
    fast = post_comment(client, slug, comment="Too fast")
    assert stored(app, comment_id_from(fast)).status == "pending"
    assert (
        "after the form was served"
        in stored(app, comment_id_from(fast)).moderation_note
    )
    with app.test_request_context():
        old_stamp = make_stamp(statement_id(app, slug), time.time() - 10)
    slow = post_comment(client, slug, comment="Thought it over", stamp=old_stamp)
    assert stored(app, comment_id_from(slow)).status == "approved"
    forged = post_comment(
        client, slug, comment="Forged stamp", stamp=old_stamp[:-3] + "abc"
    )
    assert stored(app, comment_id_from(forged)).status == "pending"
    missing = post_comment(client, slug, comment="No stamp", stamp=None)
    assert (
        stored(app, comment_id_from(missing)).moderation_note
        == "form time stamp missing or invalid"
    )
    # A stamp served for another statement does not count either.
    with app.test_request_context():
        other = make_stamp(statement_id(app, slug) + 1, time.time() - 10)
    assert (
        stored(
            app,
            comment_id_from(post_comment(client, slug, comment="Other", stamp=other)),
        ).status
        == "pending"
    )


# -- Flood and duplicates ------------------------------------------------------------


def test_flood_from_the_same_client_is_429_with_the_form_kept(
    client, app, make_statement
):
    slug = make_statement()
    assert post_comment(client, slug, comment="First").status_code == 303
    response = post_comment(
        client, slug, comment="Second, straight away", email="other@example.org"
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "15"
    assert "You are posting comments too quickly." in visible_text(response)
    kept = form_fields(html_of(response))
    assert (
        kept["comment"] == "Second, straight away"
        and kept["email"] == "other@example.org"
    )
    assert "<title>Error: " in html_of(response)
    assert count_comments(app) == 1


def test_flood_from_the_same_email_elsewhere_is_429(client, app, make_statement):
    slug = make_statement()
    assert (
        post_comment(client, slug, comment="First", ip="198.51.100.1").status_code
        == 303
    )
    elsewhere = app.test_client()
    response = post_comment(elsewhere, slug, comment="From my phone", ip="198.51.100.2")
    assert response.status_code == 429
    other_person = app.test_client()
    ok = post_comment(
        other_person, slug, comment="Me too", ip="198.51.100.3", email="b@example.org"
    )
    assert ok.status_code == 303


def test_after_the_flood_window_the_client_may_post_again(client, app, make_statement):
    slug = make_statement()
    assert post_comment(client, slug, comment="First").status_code == 303
    with app.app_context():
        for row in db.session.scalars(db.select(CommentThrottle)):
            row.posted_at = row.posted_at - timedelta(seconds=16)
        db.session.commit()
    assert post_comment(client, slug, comment="Later").status_code == 303


def test_a_duplicate_is_409_with_the_wordpress_message(client, app, make_statement):
    slug = make_statement()
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    assert post_comment(client, slug, comment="Same words").status_code == 303
    response = post_comment(
        client, slug, comment="  same   WORDS ", url="https://example.org/"
    )
    assert response.status_code == 409
    assert (
        "Duplicate comment detected; it looks as though you've already said that!"
        in html_of(response)
    )
    assert form_fields(html_of(response))["comment"] == "  same   WORDS "
    assert count_comments(app) == 1
    # The same words from someone else, or on another statement, are fine.
    other = app.test_client()
    assert (
        post_comment(
            other,
            slug,
            comment="Same words",
            author="Bo",
            email="bo@example.org",
            ip="192.0.2.9",
        ).status_code
        == 303
    )
    assert (
        post_comment(client, make_statement(), comment="Same words").status_code == 303
    )


# -- Closing -----------------------------------------------------------------------


def test_a_closed_statement_shows_closed_and_refuses_posts_with_403(
    client, app, make_statement
):
    slug = make_statement(comments_open=False)
    page = client.get(f"/statements/{slug}")
    assert "Comments are closed." in html_of(page)
    assert 'id="commentform"' not in html_of(
        page
    ) and "comment-reply-link" not in html_of(page)
    fields = form_fields(html_of(client.get(f"/statements/{make_statement()}")))
    response = client.post(
        f"/statements/{slug}/comments",
        data=fields
        | {"comment": "Please keep this text", "author": "A", "email": "a@example.org"},
    )
    assert response.status_code == 403
    assert "Comments are closed." in html_of(response)
    assert "Please keep this text" in html_of(response)
    assert count_comments(app) == 0


def test_comments_close_after_the_configured_days(client, app, make_statement):
    old = make_statement(published_at=datetime.now(UTC) - timedelta(days=40))
    new = make_statement(published_at=datetime.now(UTC) - timedelta(days=2))
    assert 'id="commentform"' in html_of(
        client.get(f"/statements/{old}")
    )  # off by default
    app.config["COMMENT_CLOSE_AFTER_DAYS"] = 30
    assert "Comments are closed." in html_of(client.get(f"/statements/{old}"))
    assert 'id="commentform"' in html_of(client.get(f"/statements/{new}"))
    assert post_comment(client, new).status_code == 303


# -- Remember me ---------------------------------------------------------------------


def test_remember_me_only_when_ticked_and_cleared_when_not(client, app, make_statement):
    slug = make_statement()
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    response = post_comment(
        client, slug, comment="One", url="https://example.org/ani", remember="y"
    )
    cookie_header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(AUTHOR_COOKIE)
    )
    assert "Max-Age=31536000" in cookie_header and "HttpOnly" in cookie_header
    assert "SameSite=Lax" in cookie_header and "Path=/" in cookie_header
    page = html_of(client.get(f"/statements/{slug}"))
    fields = form_fields(page)
    assert fields["author"] == "Ani Reader" and fields["email"] == "ani@example.org"
    assert fields["url"] == "https://example.org/ani" and fields["remember"] == "y"
    assert fields["comment"] == ""

    response = post_comment(client, slug, comment="Two", remember=None)
    cleared = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(AUTHOR_COOKIE)
    )
    assert "Max-Age=0" in cleared or "expires=Thu, 01 Jan 1970" in cleared
    assert client.get_cookie(AUTHOR_COOKIE) is None
    assert form_fields(html_of(client.get(f"/statements/{slug}")))["author"] == ""

    fresh = app.test_client()
    response = post_comment(
        fresh,
        slug,
        comment="Three",
        email="c@example.org",
        ip="192.0.2.3",
        remember=None,
    )
    assert not any(
        h.startswith(f"{AUTHOR_COOKIE}=") and "Max-Age=0" not in h
        for h in response.headers.getlist("Set-Cookie")
    )


def test_a_tampered_remember_cookie_is_ignored(client, make_statement):
    slug = make_statement()
    client.set_cookie(AUTHOR_COOKIE, "eyJhdXRob3IiOiI8c2NyaXB0PiJ9.forged")
    page = html_of(client.get(f"/statements/{slug}"))
    assert form_fields(page)["author"] == "" and '<script>"' not in page


# -- Replies -----------------------------------------------------------------------


def test_replies_work_without_javascript(client, app, make_statement):
    slug = make_statement()
    trust(app, slug, "ani@example.org", name="Ani Reader")
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    parent_id = comment_id_from(
        post_comment(client, slug, comment="The first thought.")
    )
    page = client.get(f"/statements/{slug}")
    link = f'href="/statements/{slug}?replytocom={parent_id}#respond"'
    assert link in html_of(page) and ">Reply</a>" in html_of(page)

    reply_page = client.get(f"/statements/{slug}?replytocom={parent_id}")
    html = html_of(reply_page)
    assert ">Reply to Ani Reader</h3>" in html
    assert form_fields(html)["comment_parent"] == str(parent_id)
    assert re.search(
        r'<p class="comment-respond__cancel"><a id="cancel-comment-reply-link" '
        rf'rel="nofollow" href="/statements/{slug}#respond">Cancel reply</a>',
        html,
    )
    assert '<meta name="robots" content="noindex">' in html

    reply = post_comment(
        client,
        slug,
        query=f"?replytocom={parent_id}",
        comment="An answer.",
        email="bo@example.org",
        author="Bo",
    )
    reply_id = comment_id_from(reply)
    assert (
        stored(app, reply_id).parent_id == parent_id
        and stored(app, reply_id).depth == 2
    )
    with app.app_context():
        set_status(db.session.get(Comment, reply_id), "approved")
        db.session.commit()
    html = html_of(app.test_client().get(f"/statements/{slug}"))
    nested = re.search(
        rf'id="comment-{parent_id}">.*?<ol class="comment-list comment-list--children">'
        rf'\s*<li class="comment" id="comment-{reply_id}">',
        html,
        re.DOTALL,
    )
    assert nested


def test_only_approved_comments_of_the_same_statement_can_be_replied_to(
    client, app, make_statement
):
    slug, other = make_statement(), make_statement()
    trust(app, other, "x@example.org")
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    pending = comment_id_from(post_comment(client, slug, comment="Still pending"))
    with app.app_context():
        foreign = db.session.scalar(
            db.select(Comment.id).where(Comment.author_email == "x@example.org")
        )
    for target in (pending, foreign, 999_999, "abc", "-1"):
        html = html_of(client.get(f"/statements/{slug}?replytocom={target}"))
        assert (
            ">Leave a Reply</h3>" in html and form_fields(html)["comment_parent"] == "0"
        )
    for target in (pending, foreign, 999_999, "abc"):
        response = post_comment(
            client, slug, comment=f"Reply to {target}", comment_parent=str(target)
        )
        assert response.status_code == 422
        assert "The comment you were replying to is not available any more." in html_of(
            response
        )
        assert form_fields(html_of(response))["comment"] == f"Reply to {target}"


def test_threads_nest_five_deep_then_continue_as_siblings(client, app, make_statement):
    slug = make_statement()
    trust(app, slug, "ani@example.org", name="Ani Reader")
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    parent = None
    ids = []
    for level in range(1, 8):
        extra = {"comment_parent": str(parent)} if parent else {}
        parent = comment_id_from(
            post_comment(client, slug, comment=f"Level {level}", **extra)
        )
        ids.append(parent)
    depths = [stored(app, i).depth for i in ids]
    assert depths == [1, 2, 3, 4, 5, 5, 5]
    html = html_of(app.test_client().get(f"/statements/{slug}"))
    assert html.count("comment-list--children") == 4
    # No Reply link at the deepest level; oldest first everywhere.
    assert f"replytocom={ids[4]}" not in html and f"replytocom={ids[3]}" in html
    assert html.index("Level 5") < html.index("Level 6") < html.index("Level 7")


# -- Privacy ---------------------------------------------------------------------


def test_the_email_never_appears_in_public_responses(client, app, make_statement):
    slug = make_statement()
    email = "secret.person@example.org"
    response = post_comment(
        client, slug, email=email, comment="Visible words", remember="y"
    )
    assert all(email not in value for _, value in response.headers.items())
    with app.app_context():
        set_status(db.session.get(Comment, comment_id_from(response)), "approved")
        db.session.commit()
    reader = app.test_client()
    responses = [
        reader.get(f"/statements/{slug}"),
        reader.get(f"/statements/{slug}?replytocom=1"),
        reader.get("/"),
        reader.get("/no-such-page"),
        reader.get(f"/statements/{slug}/comments"),
        reader.get("/healthz"),
        post_comment(
            reader,
            slug,
            comment="Visible words",
            author="Ani Reader",
            email="x@example.org",
            ip="192.0.2.77",
        ),
    ]
    assert "Visible words" in html_of(responses[0])
    for page in responses:
        assert email not in html_of(page) and email.split("@")[0] not in html_of(page)
        assert all(email not in value for _, value in page.headers.items())


def test_pending_and_error_pages_are_never_cached_for_others(client, make_statement):
    slug = make_statement()
    response = post_comment(client, slug, email="bad")
    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in response.headers["Vary"]


# -- Odd input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {
            "comment": "nul\x00byte",
            "author": "N\x00ame",
            "url": "https://exa\x00mple.org",
        },
        {"comment_parent": "1" * 40},
        {"comment_parent": "\u0661\u0662"},
        {"stamp": "x" * 5000},
        {"remember": "\x00"},
        {"email": "a@" + "b" * 300 + ".org"},
        {
            "comment": "\ud800".encode("utf-8", "surrogatepass").decode(
                "utf-8", "replace"
            )
        },
    ],
)
def test_odd_input_never_makes_a_500(client, make_statement, fields):
    slug = make_statement()
    response = post_comment(client, slug, **fields)
    assert response.status_code in (303, 422), response.status_code


def test_a_comment_with_nul_bytes_is_stored_without_them(client, app, make_statement):
    slug = make_statement()
    response = post_comment(client, slug, comment="nul\x00byte", author="Na\x00me")
    comment = stored(app, comment_id_from(response))
    assert comment.body == "<p>nulbyte</p>" and comment.author_name == "Name"


# -- Speed -----------------------------------------------------------------------------


def _page_queries(client, count_queries, slug, **kwargs):
    """Queries of a repeat view: rendered (cache cleared), then from the page cache."""
    client.get(
        f"/statements/{slug}", **kwargs
    )  # warm up: the first view counts and writes
    client.application.extensions["pages"].clear()
    with count_queries() as rendered:
        response = client.get(f"/statements/{slug}", **kwargs)
        assert response.status_code == 200
    with count_queries() as cached:
        again = client.get(f"/statements/{slug}", **kwargs)
        assert visible_text(again) == visible_text(response)
    return rendered, cached, response


def test_the_statement_page_costs_the_same_queries_with_0_or_200_comments(
    client, app, make_statement, count_queries
):
    empty, busy = make_statement(), make_statement()
    with app.app_context():
        add_sample_thread(
            db.session.scalar(db.select(Statement).where(Statement.slug == busy)), 200
        )
        db.session.commit()
    none, none_cached, _ = _page_queries(client, count_queries, empty)
    many, many_cached, response = _page_queries(client, count_queries, busy)
    assert "200 comments" in visible_text(response)
    assert html_of(response).count('class="comment"') == 200
    assert html_of(response).count("comment-list--children") > 20
    # head row (with the view check), statement + links, tags, signatories,
    # comments, category tree, footer pages; from the page cache only the head row
    assert len(none) == len(many) == 7, (none, many)
    assert len(none_cached) == len(many_cached) == 1, (none_cached, many_cached)
    assert not any(
        q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in many
    )


def test_a_pending_token_adds_no_query(client, app, make_statement, count_queries):
    slug = make_statement()
    before, _, _ = _page_queries(app.test_client(), count_queries, slug)
    post_comment(client, slug)
    after, _, response = _page_queries(client, count_queries, slug)
    assert "Your comment is awaiting moderation." in html_of(response)
    assert len(after) == len(before)


def test_posting_takes_a_handful_of_queries(client, app, make_statement, count_queries):
    slug = make_statement()
    trust(app, slug, "ani@example.org", name="Ani Reader")
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    parent = comment_id_from(post_comment(client, slug, comment="Parent"))
    page = client.get(f"/statements/{slug}", headers=client_headers())
    fields = form_fields(html_of(page)) | {
        "comment": "A reply",
        "author": "Ani Reader",
        "email": "ani@example.org",
        "comment_parent": str(parent),
    }
    with count_queries() as queries:
        response = client.post(
            f"/statements/{slug}/comments", data=fields, headers=client_headers()
        )
    assert (
        response.status_code == 303
        and stored(app, comment_id_from(response)).status == "approved"
    )
    # statement, parent, duplicate+flood read (before the cleaning), flood claim,
    # duplicate+trusted check, insert, count update, site revision
    assert len(queries) <= 8, queries


def test_lists_show_comment_counts_without_a_query_per_statement(
    client, app, make_statement, count_queries
):
    slugs = [make_statement() for _ in range(3)]
    client.get("/")
    app.extensions["pages"].clear()  # rendered, not served from the page cache
    with count_queries() as without:
        client.get("/")
    for slug in slugs:
        trust(app, slug, f"r-{slug}@example.org")
    trust(app, slugs[0], "second@example.org")
    app.extensions["pages"].clear()
    with count_queries() as with_counts:
        response = client.get("/")
    assert len(without) == len(with_counts)
    text = visible_text(response)
    assert text.count("1 comment on") == 2 and "2 comments on" in text
    assert f'href="/statements/{slugs[0]}#comments"' in html_of(response)


# -- Demo content ---------------------------------------------------------------


def test_seed_demo_adds_threaded_approved_comments_once(runner, app):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo comments:" in first.output
    with app.app_context():
        total = db.session.scalar(db.select(func.count()).select_from(Comment))
        replies = db.session.scalar(
            db.select(func.count()).where(Comment.parent_id.is_not(None))
        )
        statuses = set(db.session.scalars(db.select(Comment.status).distinct()))
        counted = db.session.scalar(db.select(func.sum(Statement.comment_count)))
    assert (
        total >= 15 and replies >= 8 and statuses == {"approved"} and counted == total
    )
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "Demo comments: 0 added." in second.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Comment)) == total


# -- Moderators' status changes -------------------------------------------------


def test_set_status_keeps_the_approved_count_right(app, make_statement):
    slug = make_statement()
    trust(app, slug, "a@example.org")
    with app.app_context():
        comment = db.session.scalar(db.select(Comment))
        assert set_status(comment, "spam") and set_status(comment, "trash")
        assert set_status(comment, "approved")
        db.session.commit()
        count = db.session.scalar(
            db.select(Statement.comment_count).where(Statement.slug == slug)
        )
        assert count == 1
        with pytest.raises(ValueError):
            set_status(comment, "deleted")


# -- Concurrency: nothing lost, flood and duplicates hold -----------------------


def _ready_clients(app, slug, count, same_client=False):
    """Clients that loaded the form, each with its own session and token."""
    clients = []
    for number in range(count):
        ip = (
            "203.0.113.200"
            if same_client
            else f"10.0.{number // 250}.{number % 250 + 1}"
        )
        client = app.test_client()
        page = client.get(f"/statements/{slug}", headers=client_headers(ip))
        clients.append((client, ip, form_fields(html_of(page))))
    return clients


def _post_together(slug, jobs):
    """Post every (client, ip, fields) at the same moment from its own thread."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, client, ip, fields):
        barrier.wait()
        try:
            results[index] = client.post(
                f"/statements/{slug}/comments", data=fields, headers=client_headers(ip)
            ).status_code
        except Exception as error:  # a lost comment must fail the test, not a thread
            results[index] = repr(error)

    threads = [
        threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_posts_from_many_readers_all_land(app, make_statement):
    slug = make_statement()
    for number in range(24):
        trust(app, slug, f"reader{number}@example.org")
    clients = _ready_clients(app, slug, 24)
    jobs = [
        (
            client,
            ip,
            fields
            | {
                "comment": f"Comment number {n}",
                "author": f"Reader {n}",
                "email": f"reader{n}@example.org",
            },
        )
        for n, (client, ip, fields) in enumerate(clients)
    ]
    results = _post_together(slug, jobs)
    assert results == [303] * 24, results
    with app.app_context():
        bodies = set(
            db.session.scalars(
                db.select(Comment.body).where(Comment.body.like("%number%"))
            )
        )
        count = db.session.scalar(
            db.select(Statement.comment_count).where(Statement.slug == slug)
        )
    assert bodies == {f"<p>Comment number {n}</p>" for n in range(24)}
    assert count == 48  # 24 trusted + 24 new, none lost by concurrent increments


def test_many_posts_in_a_row_from_many_threads_all_land(app, make_statement):
    slug = make_statement()
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    clients = _ready_clients(app, slug, 8)
    errors = []

    def run(n, client, ip, fields):
        for k in range(6):
            data = fields | {
                "comment": f"Thread {n} post {k}",
                "author": f"R{n}",
                "email": f"r{n}@example.org",
            }
            status = client.post(
                f"/statements/{slug}/comments", data=data, headers=client_headers(ip)
            ).status_code
            if status != 303:
                errors.append(status)

    threads = [
        threading.Thread(target=run, args=(n, *job)) for n, job in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert count_comments(app) == 48


def test_simultaneous_posts_from_one_client_store_exactly_one(app, make_statement):
    slug = make_statement()
    clients = _ready_clients(app, slug, 10, same_client=True)
    jobs = [
        (
            client,
            ip,
            fields
            | {
                "comment": f"Different text {n}",
                "author": f"Twin {n}",
                "email": f"t{n}@example.org",
            },
        )
        for n, (client, ip, fields) in enumerate(clients)
    ]
    results = _post_together(slug, jobs)
    assert sorted(results) == [303] + [429] * 9, results
    assert count_comments(app) == 1


def test_a_double_submitted_comment_is_stored_once(app, make_statement):
    slug = make_statement()
    clients = _ready_clients(app, slug, 6, same_client=True)
    jobs = [
        (
            client,
            ip,
            fields
            | {
                "comment": "Pressed Post Comment twice",
                "author": "Ani",
                "email": "ani@example.org",
            },
        )
        for client, ip, fields in clients
    ]
    results = _post_together(slug, jobs)
    assert results.count(303) == 1 and set(results) <= {303, 409, 429}, results
    assert count_comments(app) == 1


def _post_in_process(database_url, slug, number, same_client, barrier, results):
    """A separate worker process, with its own app and connections, posting once."""
    from ngo import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": True,
            "TRUSTED_PROXIES": 1,
            "COMMENT_MIN_SECONDS": 0,
        }
    )
    client = app.test_client()
    ip = "203.0.113.250" if same_client else f"10.1.0.{number + 1}"
    page = client.get(f"/statements/{slug}", headers=client_headers(ip))
    fields = form_fields(html_of(page)) | {
        "comment": f"From worker {number}",
        "author": f"Worker {number}",
        "email": f"worker{number}@example.org",
    }
    barrier.wait(timeout=60)
    response = client.post(
        f"/statements/{slug}/comments", data=fields, headers=client_headers(ip)
    )
    results.put(response.status_code)


@pytest.mark.parametrize(
    "same_client", [False, True], ids=["many-clients", "one-client"]
)
def test_worker_processes_share_the_flood_guard_and_lose_nothing(
    app, database_url, make_statement, same_client
):
    import multiprocessing

    slug = make_statement()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [
        context.Process(
            target=_post_in_process,
            args=(database_url, slug, n, same_client, barrier, results),
        )
        for n in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    codes = sorted(results.get(timeout=5) for _ in workers)
    if same_client:
        assert codes == [303, 429, 429, 429] and count_comments(app) == 1
    else:
        assert codes == [303] * 4 and count_comments(app) == 4


def test_a_renamed_statement_takes_the_post_to_its_new_address(
    client, app, make_statement
):
    from ngo.models import SlugRedirect

    slug = make_statement()
    page = client.get(f"/statements/{slug}", headers=client_headers())
    fields = form_fields(html_of(page)) | {
        "comment": "Typed before the rename",
        "author": "A",
        "email": "a@example.org",
    }
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        statement.slug = "renamed-statement"
        db.session.add(SlugRedirect(old_slug=slug, statement_id=statement.id))
        db.session.commit()
    response = client.post(
        f"/statements/{slug}/comments", data=fields, headers=client_headers()
    )
    assert response.status_code == 308
    assert response.headers["Location"] == "/statements/renamed-statement/comments"
    again = client.post(
        response.headers["Location"], data=fields, headers=client_headers()
    )
    assert again.status_code == 303 and count_comments(app) == 1


def test_prune_forgets_old_flood_records(client, app, make_statement, runner):
    slug = make_statement()
    post_comment(client, slug)
    with app.app_context():
        for row in db.session.scalars(db.select(CommentThrottle)):
            row.posted_at -= timedelta(minutes=5)
        db.session.commit()
    post_comment(
        app.test_client(), slug, ip="192.0.2.55", email="b@example.org", comment="Other"
    )
    result = runner.invoke(args=["comments", "prune"])
    assert (
        result.exit_code == 0 and "2 old flood-guard records deleted." in result.output
    )
    with app.app_context():
        assert (
            db.session.scalar(db.select(func.count()).select_from(CommentThrottle)) == 2
        )


def test_an_editors_draft_preview_takes_no_comments(client, app, make_statement):
    from tests.staff import signed_in

    draft = make_statement(status="draft")
    app.config["WTF_CSRF_ENABLED"] = False  # the staff helper signs in without a token
    signed_in(app, client, "editor")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/statements/{draft}")
    assert page.status_code == 200
    assert "Readers can comment once this statement is published." in html_of(page)
    assert 'id="commentform"' not in html_of(page)
