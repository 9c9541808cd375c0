"""The admin in every language: /ru/admin/… and /hy/admin/… are the admin in Russian
and Armenian, signing in keeps the address's language, and every word staff read
there comes from the catalog.

Translators fill the admin's catalog after its strings are marked, so the words are
checked with a stand-in catalog that wraps every message in ⟦…⟧: what is left outside
the brackets is data (titles, names, emails), or a word nobody marked.
"""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import flask_babel
import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import Domain

from ngo.extensions import db
from ngo.i18n import ENVIRON_KEY
from ngo.models import Statement
from tests.commenting import add_comment
from tests.staff import PASSWORD, make_user, text_of
from tests.test_interface_words import StandIn

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
    "wbr",
}
# Attributes staff hear or see (data-label heads a table's cells on phones).
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-label")
# Text that is no word: numbers, brackets, separators, the required-field star.
NO_WORDS = re.compile(r"[\d\s()|·.,:*—›“”«»\u00a0\u202f]*")


@pytest.fixture
def stand_in(monkeypatch):
    """Every message, in templates, forms and Python, through the stand-in catalog."""
    monkeypatch.setattr(flask_babel, "get_translations", StandIn)
    monkeypatch.setattr(Domain, "get_translations", lambda self: StandIn())


class Words(HTMLParser):
    """The texts and read attributes of an admin page, outside the toolbar (its own
    owner checks it), <time> (dates come from Babel), and what people typed: form
    fields' text, comment bodies, a statement's previewed body."""

    SKIPPED_TAGS = ("time", "script", "style", "title", "textarea", "code")
    SKIPPED_CLASSES = ("statement__body", "queue-item__body")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, skipped)

    @property
    def skipped(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skip = (
            self.skipped
            or tag in self.SKIPPED_TAGS
            or attrs.get("id") == "a11y"
            or any(name in classes for name in self.SKIPPED_CLASSES)
        )
        if not skip:
            self.texts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        if tag not in VOID:
            self._stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self.skipped and data.strip():
            self.texts.append(" ".join(data.split()))


def unmarked(response, data: set[str]) -> list[str]:
    """Texts of a page that are neither from the catalog, nor data, nor wordless.

    A message with elements in it ("⟦Select<span> the comment by Ann</span>⟧") is
    taken out whole: the texts are read in order, one a line."""
    html = response.get_data(as_text=True).replace("<wbr>", "")
    words = Words()
    words.feed(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    page = "\n".join([title.rsplit(" · ", 1)[0], *words.texts])
    for value in sorted(data, key=len, reverse=True):
        page = page.replace(value, "")
    while True:  # innermost first: "⟦⟦12 statements⟧, newest first⟧"
        shorter = re.sub(r"⟦[^⟦⟧]*⟧", "", page)
        if shorter == page:
            break
        page = shorter
    return [text for text in page.split("\n") if not NO_WORDS.fullmatch(text)]


def sign_in(client, prefix: str, email: str, **data):
    """Post the sign-in form at the sign-in page of one language."""
    form = {"email": email, "password": PASSWORD} | data
    return client.post(f"{prefix}/admin/login", data=form)


@pytest.mark.parametrize("prefix", ["/ru", "/hy"])
def test_signing_in_keeps_the_language_of_the_address(app, client, prefix):
    make_user(app, "editor", "ed@example.org")
    first = client.get(f"{prefix}/admin/statements?status=draft")
    assert first.status_code == 302
    assert first.location == (
        f"{prefix}/admin/login?next={prefix}/admin/statements?status%3Ddraft"
    )
    page = client.get(first.location)
    assert f'<html lang="{prefix[1:]}"' in page.get_data(as_text=True)
    assert f'value="{prefix}/admin/statements?status=draft"' in (
        page.get_data(as_text=True)
    )

    signed = sign_in(
        client, prefix, "ed@example.org", next=f"{prefix}/admin/statements?status=draft"
    )
    assert signed.status_code == 303
    assert signed.location == f"{prefix}/admin/statements?status=draft"
    listing = client.get(signed.location)
    assert listing.status_code == 200
    assert f'<html lang="{prefix[1:]}"' in listing.get_data(as_text=True)
    # Without a next page, the dashboard in the same language; signed out, its
    # sign-in page.
    assert client.get(f"{prefix}/admin/login").location == f"{prefix}/admin/"
    assert client.post(f"{prefix}/admin/logout").location == f"{prefix}/admin/login"


def test_without_a_prefix_the_admin_stays_in_the_default_language(app, client):
    make_user(app, "editor", "ed@example.org")
    assert client.get("/admin/statements").location == (
        "/admin/login?next=/admin/statements"
    )
    assert sign_in(client, "", "ed@example.org").location == "/admin/"


def test_a_known_browser_is_known_to_the_sign_in_page_of_every_language(app, client):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "/ru", "ed@example.org")
    cookies = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("ngo_device=")
    ]
    paths = [re.search(r"Path=([^;]+)", cookie)[1] for cookie in cookies]
    assert paths == ["/ru/admin/login", "/hy/admin/login", "/admin/login"]
    assert len({cookie.split(";")[0] for cookie in cookies}) == 1  # one value


def test_the_admin_reads_the_catalog_of_its_address(app, client):
    make_user(app, "editor", "ed@example.org")
    sign_in(client, "", "ed@example.org")
    english = text_of(client.get("/admin/statements/new"))
    russian = text_of(client.get("/ru/admin/statements/new"))
    assert "Translation of" in english and "Перевод заявления" not in english
    assert "Перевод заявления" in russian and "Translation of" not in russian


@pytest.fixture
def admin_pages(app, make_statement):
    """An admin's client, signed in at /ru/admin/login (under the stand-in catalog
    when the test asks for it first), and a site with enough in it for every part
    of the four busiest pages: more statements than a page lists, drafts,
    translations, signatories, categories, views and comments of every kind."""
    slugs = [
        make_statement(
            title=f"Title {n}",
            categories=["Rights > Right to life"] if n < 3 else [],
            signatories=["Article 3 Club"] if n < 3 else [],
            status="draft" if n % 7 == 0 else "published",
            views=n * 1000,
        )
        for n in range(1, 28)
    ]
    with app.app_context():
        first = db.session.scalar(
            db.select(Statement).where(Statement.slug == slugs[0])
        )
        second = db.session.scalar(
            db.select(Statement).where(Statement.slug == slugs[1])
        )
        second.language, second.translation_group = "hy", first.id
        first.translation_group = first.id
        db.session.commit()
    asked = add_comment(
        app,
        slugs[0],
        author_name="Reader One",
        author_email="one@example.org",
        author_url="https://one.example.org/",
        body="<p>First words.</p>",
        moderation_note="links",
        created_at=datetime(2023, 10, 1, 9, 30, tzinfo=UTC),
    )
    add_comment(
        app,
        slugs[0],
        author_name="Reader Two",
        author_email="two@example.org",
        parent_id=asked,
    )
    add_comment(app, slugs[0], "approved", author_name="Reader Three")
    add_comment(app, slugs[1], "trash", author_name="Reader Four")
    make_user(app, "admin", "boss@example.org")
    client = app.test_client()
    response = sign_in(client, "/ru", "boss@example.org")
    assert response.location == "/ru/admin/"
    data = {
        app.config["SITE_NAME"],
        "boss@example.org",
        "Rights",
        "Right to life",
        "Article 3 Club",
        "Հայերեն",
        "English",
        "Русский",
        "Reader One",
        "Reader Two",
        "Reader Three",
        "Reader Four",
        "one@example.org",
        "two@example.org",
        "reader@example.org",
        "https://one.example.org/",
        "links",
        *(f"Title {n}" for n in range(1, 28)),
    }
    with app.app_context():
        ids = dict(db.session.execute(db.select(Statement.slug, Statement.id)).all())
    return client, data, [ids[slug] for slug in slugs]


def test_every_word_of_the_admins_busiest_pages_comes_from_the_catalog(
    app, stand_in, admin_pages
):
    client, data, ids = admin_pages
    pages = [
        "/ru/admin/",
        "/ru/admin/statements",
        "/ru/admin/statements?page=2",
        "/ru/admin/statements?status=draft&q=Title",
        "/ru/admin/statements?q=nothing-like-it",
        "/ru/admin/statements/new",
        f"/ru/admin/statements/{ids[0]}/edit",
        f"/ru/admin/statements/{ids[6]}/edit",
        "/ru/admin/comments",
        "/ru/admin/comments?status=trash",
        f"/ru/admin/comments?status=approved&statement={ids[2]}",
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert '<html lang="ru"' in response.get_data(as_text=True), address
        assert unmarked(response, data) == [], address

    # A form sent back with its errors, and a preview: the errors and the
    # preview's frame come from the catalog too.
    errors = client.post(
        "/ru/admin/statements/new",
        data={
            "title": "",
            "slug": "Not A Slug",
            "date": "2023-02-30",
            "body": "",
            "signatories": "Same\nsame",
            "language": "xx",
            "status": "neither",
            "translation_of": "no-such-statement",
            "categories": ["999"],
        },
    )
    assert errors.status_code == 422
    assert unmarked(errors, data | {"Not A Slug", "Same", "same"}) == []
    preview = client.post(
        "/ru/admin/statements/new",
        data={
            "title": "Title 1",
            "date": "2023-09-19",
            "body": "Words of the preview.",
            "language": "ru",
            "status": "draft",
            "preview": "Preview",
        },
    )
    assert preview.status_code == 200
    assert "⟦Preview" in preview.get_data(as_text=True)
    assert unmarked(preview, data) == []

    # What a button did, told on the page it comes back to.
    moved = client.post(
        "/ru/admin/comments?status=pending",
        data={"action": "approve", "ids": []},
        follow_redirects=True,
    )
    assert "⟦Tick at least one comment first.⟧" in moved.get_data(as_text=True)
    assert unmarked(moved, data) == []


def test_signing_in_and_its_refusals_come_from_the_catalog(app, client, stand_in):
    make_user(app, "editor", "ed@example.org")
    # The site's name, the email typed, and the switcher's languages (their own names).
    data = {app.config["SITE_NAME"], "ed@example.org", "Հայերեն", "English", "Русский"}
    wrong = sign_in(client, "/ru", "ed@example.org", password="not it")
    assert wrong.status_code == 422
    assert unmarked(wrong, data) == []
    for _attempt in range(5):
        locked = sign_in(client, "/ru", "ed@example.org", password="not it")
    assert locked.status_code == 429
    assert "⟦Too many failed sign-in attempts." in locked.get_data(as_text=True)
    assert unmarked(locked, data) == []


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_the_admin_catalog_never_hides_a_public_translation(app, language):
    """The catalogs are merged, the admin's last: a message of the admin still
    waiting for its translator (an untranslated plural is compiled as English)
    must not change a word of the public pages."""
    folder = Path(app.root_path) / "translations"
    with open(folder / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        public = [m for m in read_po(fh, locale=language) if m.id]
    alone = Translations.load(str(folder), [language], domain="messages")
    with app.test_request_context(environ_overrides={ENVIRON_KEY: language}):
        merged = flask_babel.get_translations()
        for message in public:
            if isinstance(message.id, tuple):
                for n in (1, 2, 5):
                    args = (*message.id, n)
                    if message.context:
                        got = merged.unpgettext(message.context, *args)
                        want = alone.unpgettext(message.context, *args)
                    else:
                        got, want = merged.ungettext(*args), alone.ungettext(*args)
                    assert got == want, (message.id, n)
            elif message.context:
                got = merged.upgettext(message.context, message.id)
                assert got == alone.upgettext(message.context, message.id), message.id
            else:
                assert merged.ugettext(message.id) == alone.ugettext(message.id), (
                    message.id
                )
