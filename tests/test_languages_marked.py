"""The toolbar, the accessibility page and the comments speak the page's language:
every word a reader meets there comes from the catalog (checked with a catalog that
wraps each message in « »), and numbers, dates and ratios are written the page's way.
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import flask_babel
import pytest

from tests.commenting import add_comment, client_headers, form_fields
from tests.test_interface_words import StandIn

# What is written the same in every language: font names, spacings, colour codes,
# ratios and what readers typed (made of digits here). The honeypot's label is for
# robots only: no person sees it, and no screen reader reads it.
KEPT = re.compile(
    r"^(Arial|Verdana|Tahoma|[123]px|#[0-9a-f]{6}|[\d.,:\s]+|Leave this field empty)$"
)
MINE = ("a11y", "comments")


@pytest.fixture
def marked(monkeypatch):
    """Every translation goes through a stand-in catalog marking it with « »."""
    marks = StandIn("«", "»")
    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: marks)


class _Words(HTMLParser):
    """Text and spoken attributes inside the toolbar, the comments and the
    accessibility page's own content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[bool] = []
        self.depth = 0
        self.typed = False  # inside a textarea: what the reader wrote
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "meta", "link", "br", "img"):
            return
        self.typed = tag == "textarea"
        ours = attrs.get("id") in MINE or attrs.get("class") == "settings"
        self.open.append(ours)
        self.depth += ours
        if self.depth:
            for name in ("aria-label", "title", "data-default", "data-reply"):
                if attrs.get(name):
                    self.words.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("input", "meta", "link", "br", "img"):
            return
        self.typed = False
        if self.open:
            self.depth -= self.open.pop()

    def handle_data(self, data):
        if self.depth and data.strip() and not self.typed:
            self.words.append(data.strip())


def without_messages(text: str) -> str:
    """The text without what the catalog gave (messages inside messages too)."""
    while True:  # the innermost first
        text, found = re.subn(r"«[^«»]*»", "", text)
        if not found:
            return text


def unmarked(html: str) -> list[str]:
    """What the reader meets in our parts of a page that no message gave."""
    html = without_messages(html)
    reader = _Words()
    reader.feed(html)
    return [w for w in reader.words if re.search(r"[A-Za-z]", w) and not KEPT.match(w)]


def test_every_word_of_the_toolbar_and_the_accessibility_page_is_translated(
    marked, client
):
    client.set_cookie("ngo_a11y", "tb:open|cs:wb")
    page = client.get("/ru/accessibility?next=/ru/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "«Accessibility»" in html
    # In the page's language: no lang of its own.
    assert re.search(r'<section class="a11y" id="a11y" [^>]*data-a11y-toolbar>', html)
    assert 'lang="en" data-a11y-toolbar' not in html
    assert unmarked(html) == []
    # A choice the buttons never send, and a colour that is not one: the errors too.
    refused = client.post(
        "/ru/accessibility",
        data={"apply": "fg", "fg_custom": "red", "size": "999", "place": "settings"},
    )
    assert refused.status_code == 400
    assert unmarked(refused.get_data(as_text=True)) == []
    assert "«That is not a text size this site offers.»" in refused.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "choice",
    [{"size": "150"}, {"weight": "light"}, {"bg": "#777777"}, {"reset": "all"}],
)
def test_the_toolbar_announces_its_choices_from_the_catalog(marked, client, choice):
    answer = client.post(
        "/ru/accessibility", data=choice, headers={"Accept": "application/json"}
    )
    message = answer.get_json()["message"]
    assert message.startswith("«") and not re.search(
        r"[A-Za-z]", without_messages(message)
    ), message


def test_numbers_and_ratios_are_written_the_page_s_way(client):
    for prefix, size, ratio in (("", "150%", "4.68:1"), ("/ru", "150\xa0%", "4,68:1")):
        answer = client.post(
            f"{prefix}/accessibility",
            data={"size": "150"},
            headers={"Accept": "application/json"},
        ).get_json()
        assert size in answer["message"]
        answer = client.post(
            f"{prefix}/accessibility",
            data={"bg": "#777777"},
            headers={"Accept": "application/json"},
        ).get_json()
        assert answer["contrast"] == ratio and ratio in answer["message"]
        # The accessibility page writes the same ratio.
        html = client.get(f"{prefix}/accessibility").get_data(as_text=True)
        assert f"<strong data-a11y-contrast>{ratio}</strong>" in html
    refused = client.post(
        "/ru/accessibility",
        data={"apply": "bg", "bg_custom": "red"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    (error,) = refused.get_json()["errors"]["bg_custom"]
    assert "#1a4d8f" in error


def ru_post(client, slug, ip, **fields):
    """Post the Russian page's comment form as a reader at `ip`."""
    page = client.get(f"/ru/statements/{slug}", headers=client_headers(ip))
    data = form_fields(page.get_data(as_text=True))
    data.update({"comment": "1234", "author": "5678", "email": "r@example.org"})
    data.update(fields)
    return client.post(
        f"/ru/statements/{slug}/comments", data=data, headers=client_headers(ip)
    )


def test_every_word_of_the_comments_is_translated(marked, app, client, make_statement):
    app.config["COMMENT_FLOOD_SECONDS"] = 0
    slug = make_statement()
    when = datetime(2023, 9, 19, 10, 4, tzinfo=UTC)
    for _ in range(2):  # two in one minute: "(1 of 2)"
        add_comment(
            app, slug, "approved", author_name="1", body="<p>2</p>", created_at=when
        )
    pages = [client.get(f"/ru/statements/{slug}")]
    first = re.search(r'id="comment-(\d+)"', pages[0].get_data(as_text=True))[1]
    pages.append(client.get(f"/ru/statements/{slug}?replytocom={first}"))
    # Every error of the form at once, then a duplicate.
    pages.append(
        ru_post(
            client,
            slug,
            "203.0.113.9",
            comment="1" * 65_526,
            author="",
            email="no",
            url="ftp://x",
            comment_parent="999",
        )
    )
    pages.append(ru_post(client, slug, "203.0.113.9", comment="<b></b>"))
    # The reader's own comments awaiting moderation, one then two.
    posted = ru_post(client, slug, "203.0.113.9")
    assert posted.status_code == 303
    after = client.get(posted.headers["Location"], headers=client_headers())
    assert "«Thank you. Your comment is awaiting moderation.»" in after.get_data(
        as_text=True
    )
    pages.append(after)
    pages.append(ru_post(client, slug, "203.0.113.9"))  # the same text again
    ru_post(client, slug, "203.0.113.9", comment="4321")
    pages.append(client.get(f"/ru/statements/{slug}", headers=client_headers()))
    # Closed while the reader wrote: the text is given back.
    closed = make_statement(comments_open=False)
    pages.append(
        client.post(f"/ru/statements/{closed}/comments", data={"comment": "9"})
    )
    assert [p.status_code for p in pages] == [200, 200, 422, 422, 200, 409, 200, 403]
    for page in pages:
        assert unmarked(page.get_data(as_text=True)) == [], page.request.url
    # The script's words are the page's: "Reply to {name}" from the catalog.
    assert 'data-reply="«Reply to {name}»"' in pages[0].get_data(as_text=True)


def test_reply_names_and_limits_are_written_the_page_s_way(app, client, make_statement):
    slug = make_statement()
    add_comment(
        app,
        slug,
        "approved",
        author_name="Ani",
        created_at=datetime(2023, 9, 19, 10, 4, tzinfo=UTC),
    )
    html = client.get(f"/ru/statements/{slug}").get_data(as_text=True)
    # The time the comment shows, in the site's time zone and the page's language.
    label = re.search(r'class="comment-reply-link"[^>]*aria-label="([^"]*)"', html)[1]
    assert "19 сентября 2023\u202fг. в 14:04" in label
    refused = ru_post(client, slug, "203.0.113.7", comment="x" * 65_526)
    assert refused.status_code == 422
    assert "65\xa0525" in refused.get_data(as_text=True)
