"""Markup every page sends: its language, unique ids, true headings, distinct names."""

import re
from datetime import UTC, datetime
from hashlib import sha256
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from ngo.extensions import db
from ngo.models import Category, Comment, Organisation, Statement
from tests.commenting import client_headers, comment_id_from, post_comment

# Elements without an end tag.
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Attributes that name other elements by id (space-separated lists for aria-*).
ID_REFERENCES = ("aria-labelledby", "aria-describedby", "aria-controls", "for", "form")


class PageReader(HTMLParser):
    """Ids, references to ids, and the language of every piece of text of a page."""

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.texts: list[tuple[str, str]] = []  # (text, language)
        self.reply_links: list[dict[str, str]] = []
        self._stack: list[tuple[str, str]] = []  # (tag, language)
        self._reply: dict[str, str] | None = None

    @property
    def lang(self) -> str:
        """The language of the element being read."""
        return self._stack[-1][1] if self._stack else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") is not None:
            self.ids.append(attrs["id"])
        for name in ID_REFERENCES:
            for target in (attrs.get(name) or "").split():
                self.references.append((tag, name, target))
        href = attrs.get("href") or ""
        path, _, fragment = href.partition("#")
        if fragment and path in ("", self.path):
            self.references.append((tag, "href", fragment))
        if "comment-reply-link" in (attrs.get("class") or "").split():
            self._reply = {"label": attrs.get("aria-label") or "", "text": ""}
            self.reply_links.append(self._reply)
        if tag not in VOID:
            self._stack.append((tag, attrs.get("lang", self.lang)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag == "a":
            self._reply = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((" ".join(data.split()), self.lang))
        if self._reply is not None:
            self._reply["text"] += data


def read(response, path: str) -> PageReader:
    """Parse a response's page."""
    reader = PageReader(path)
    reader.feed(response.get_data(as_text=True))
    reader.close()
    return reader


def lang_of(reader: PageReader, text: str) -> str:
    """The language of the text `text`, or else of the first text containing it."""
    found = [lang for data, lang in reader.texts if text == data]
    found = found or [lang for data, lang in reader.texts if text in data]
    assert found, f"{text!r} not on the page"
    return found[0]


def add_comment(app, slug, author, when, status="approved", body="A comment."):
    """A comment by `author` written at `when`; its id."""
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        comment = Comment(
            statement_id=statement.id,
            author_name=author,
            author_email=f"{author.split()[0].lower()}@example.org",
            body=f"<p>{body}</p>",
            body_hash=sha256(f"{author}|{when}|{body}".encode()).hexdigest(),
            status=status,
            created_at=when,
        )
        db.session.add(comment)
        if status == "approved":
            statement.comment_count += 1
        db.session.commit()
        return comment.id


# -- The page's language ----------------------------------------------------------


@pytest.mark.parametrize("repeat", [1, 2], ids=["rendered", "cached"])
def test_an_armenian_statement_at_its_armenian_address_is_an_armenian_page(
    app, client, make_statement, repeat
):
    slug = make_statement(
        title="Հայտարարություն",
        summary="Կարճ ամփոփում",
        body="<p>Մարդու իրավունքներ</p>",
        language="hy",
        categories=["Rights"],
        signatories=["Article 3 Club"],
    )
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 19, 10, 4, tzinfo=UTC))
    for _ in range(repeat):
        response = client.get(f"/hy/statements/{slug}")
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="hy"[ >]', html)
    page = read(response, f"/hy/statements/{slug}")
    assert page.texts[0] == ("Հայտարարություն · Test Rights Site", "hy")  # <title>
    assert '<meta name="description" content="Կարճ ամփոփում">' in html
    # Everything is Armenian but the names of the other languages in the switcher.
    others = {text for text, lang in page.texts if lang != "hy"}
    assert others == {"English", "Русский"}, others


@pytest.mark.parametrize("repeat", [1, 2], ids=["rendered", "cached"])
def test_an_armenian_statement_in_the_english_interface_is_marked_armenian(
    app, client, make_statement, repeat
):
    slug = make_statement(
        title="Հայտարարություն",
        body="<p>Մարդու իրավունքներ</p>",
        language="hy",
        categories=["Rights"],
        signatories=["Article 3 Club"],
    )
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 19, 10, 4, tzinfo=UTC))
    for _ in range(repeat):
        response = client.get(f"/statements/{slug}")
    html = response.get_data(as_text=True)
    assert re.search(r'<html lang="en"[ >]', html)
    page = read(response, f"/statements/{slug}")
    # What the statement says: marked Armenian.
    for text in ("Հայտարարություն", "Մարդու իրավունքներ"):
        assert lang_of(page, text) == "hy", text
    # The interface around it: in the page's language.
    for text in (
        "Skip to main content",
        "Accessibility",
        "Test Rights Site",  # the header's site name
        "Statements",
        "Signatories",
        "views:",
        "1 comment",
        "Leave a Reply",
        "Your email address will not be published.",
        "Post Comment",
        "publishes statements and appeals",  # the footer
        "A comment.",  # readers answer in the page's language
    ):
        assert lang_of(page, text) == "en", text


def test_the_default_language_comes_from_the_setting(app, make_statement):
    app.config["DEFAULT_LANGUAGE"] = "ru"
    slug = make_statement(title="An English statement", language="en")
    response = app.test_client().get(f"/statements/{slug}")
    assert '<html lang="ru"' in response.get_data(as_text=True)
    page = read(response, f"/statements/{slug}")
    assert lang_of(page, "An English statement") == "en"


@pytest.mark.parametrize("path", ["/", "/accessibility", "/no-such-page"])
@pytest.mark.parametrize("prefix,language", [("", "en"), ("/hy", "hy"), ("/ru", "ru")])
def test_every_page_is_in_the_language_of_its_address(
    client, make_statement, path, prefix, language
):
    make_statement(language="hy")
    html = client.get(prefix + path).get_data(as_text=True)
    assert re.search(rf'<html lang="{language}"[ >]', html)


def test_a_statement_in_the_page_language_adds_only_the_switchers_lang(
    client, make_statement
):
    slug = make_statement()
    html = client.get(f"/statements/{slug}").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert '<header class="site-header">' in html
    # <html> and the three language names of the switcher only.
    assert html.count(' lang="') == 4


# -- Unique ids, and every reference finds its element ------------------------------


@pytest.fixture
def site(app, make_statement):
    """A statement with a thread, its category and organisation, and their paths."""
    slug = make_statement(
        title="With a thread",
        categories=["Rights > Right to life"],
        signatories=["Article 3 Club"],
    )
    first = add_comment(
        app, slug, "Lilit Hakobyan", datetime(2023, 9, 19, 10, 4, tzinfo=UTC)
    )
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 20, 8, 30, tzinfo=UTC))
    with app.app_context():
        category = db.session.scalar(
            db.select(Category).where(Category.name == "Right to life")
        )
        org = db.session.scalar(db.select(Organisation))
        return {
            "slug": slug,
            "first": first,
            "category": f"/category/{category.slug}",
            "organisation": f"/organisations/{org.slug}",
        }


def public_pages(app, site):
    """(path, response) of every kind of public page, errors and forms included."""
    slug = site["slug"]
    statement = f"/statements/{slug}"
    client = app.test_client()
    yield "/", client.get("/")
    yield statement, client.get(statement)
    yield statement, client.get(statement)  # from the cache
    yield statement, client.get(f"{statement}?replytocom={site['first']}")
    yield site["category"], client.get(site["category"])
    yield site["organisation"], client.get(site["organisation"])
    yield "/accessibility", client.get("/accessibility")
    refused = client.post(
        "/accessibility", data={"apply": "bg", "bg_custom": "red", "next": "/"}
    )
    yield "/accessibility", refused
    yield "/no-such-page", client.get("/no-such-page")
    yield "/statements/no-such", client.get("/statements/no-such")
    yield "/admin/login", client.get("/admin/login")
    # A refused comment (error summary), then the author's own pending comment.
    author = app.test_client()
    yield statement, post_comment(author, slug, comment="", author="")
    posted = post_comment(author, slug, comment="My pending words.")
    comment_id_from(posted)
    yield statement, author.get(statement, headers=client_headers())


def test_every_public_page_has_unique_ids_and_no_dangling_references(app, site):
    for path, response in public_pages(app, site):
        assert response.status_code in (200, 400, 404, 422), (
            path,
            response.status_code,
        )
        page = read(response, path)
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        assert not duplicates, (path, duplicates)
        missing = [r for r in page.references if r[2] not in page.ids]
        assert not missing, (path, missing)


def test_the_accessibility_page_has_no_duplicate_settings_reset(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert html.count('id="settings-reset"') == 1


# -- The heading over the comments is true -------------------------------------------


def heading(response) -> str:
    """The text of the heading over the comment list."""
    html = response.get_data(as_text=True)
    match = re.search(r'<h2 id="comments-title">(.*?)</h2>', html, re.S)
    return " ".join(match.group(1).split())


def test_no_comments_yet_only_over_an_empty_list(app, client, make_statement):
    slug = make_statement()
    assert heading(client.get(f"/statements/{slug}")) == "No comments yet"
    author = app.test_client()
    post_comment(author, slug, comment="My pending words.")
    mine = author.get(f"/statements/{slug}", headers=client_headers())
    assert "My pending words." in mine.get_data(as_text=True)
    assert heading(mine) == "Your comment, awaiting moderation"
    assert "No comments yet" not in mine.get_data(as_text=True)
    assert "Your comment is awaiting moderation." in mine.get_data(as_text=True)
    # Others still see an empty list under a heading that says so.
    assert heading(app.test_client().get(f"/statements/{slug}")) == "No comments yet"
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 19, 10, 4, tzinfo=UTC))
    mine = author.get(f"/statements/{slug}", headers=client_headers())
    assert heading(mine) == "1 comment, and yours awaiting moderation"
    assert heading(app.test_client().get(f"/statements/{slug}")) == "1 comment"


# -- Reply links: visible "Reply", names that tell them apart -------------------------


def test_reply_links_by_one_author_have_different_names(app, client, make_statement):
    slug = make_statement()
    for when in (
        datetime(2023, 9, 19, 10, 4, tzinfo=UTC),
        datetime(2023, 9, 20, 8, 30, tzinfo=UTC),
        datetime(2023, 9, 21, 12, 0, 5, tzinfo=UTC),  # two in one minute
        datetime(2023, 9, 21, 12, 0, 40, tzinfo=UTC),
    ):
        add_comment(app, slug, "Lilit Hakobyan", when, body=f"At {when}.")
    for _ in range(2):  # rendered, then cached
        page = read(client.get(f"/statements/{slug}"), f"/statements/{slug}")
        labels = [link["label"] for link in page.reply_links]
        assert [link["text"] for link in page.reply_links] == ["Reply"] * 4
        # The time each comment shows: the site's time zone (Asia/Yerevan, UTC+4).
        assert labels == [
            "Reply to Lilit Hakobyan's comment of September 19, 2023 at 14:04",
            "Reply to Lilit Hakobyan's comment of September 20, 2023 at 12:30",
            "Reply to Lilit Hakobyan's comment of September 21, 2023 at 16:00 (1 of 2)",
            "Reply to Lilit Hakobyan's comment of September 21, 2023 at 16:00 (2 of 2)",
        ]


@pytest.mark.browser
def test_reply_links_are_told_apart_by_a_screen_reader(
    app, live_server, page_factory, make_statement
):
    slug = make_statement()
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 19, 10, 4, tzinfo=UTC))
    add_comment(app, slug, "Lilit Hakobyan", datetime(2023, 9, 20, 8, 30, tzinfo=UTC))
    page = page_factory(javascript=False)
    page.goto(f"{live_server}/statements/{slug}")
    links = page.get_by_role("link", name=re.compile("^Reply to Lilit Hakobyan"))
    expect(links).to_have_count(2)
    names = [link.get_attribute("aria-label") for link in links.all()]
    assert len(set(names)) == 2
    page.get_by_role(
        "link", name="Reply to Lilit Hakobyan's comment of September 20, 2023 at 12:30"
    ).click()
    assert "replytocom=" in page.url
    expect(page.get_by_role("heading", name="Reply to Lilit Hakobyan")).to_be_visible()
