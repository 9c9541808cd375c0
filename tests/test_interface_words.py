"""The reading pages' own words go through the catalogs, and their counts are written
in the page's language.

With every message translated into a marked stand-in ("⟦…⟧"), no word of a list, a
statement's frame, the header, the footer or an error page is left as written in
the templates. The toolbar and the comment section are marked by their own owners
and are left out here.
"""

import re
from html.parser import HTMLParser

import flask_babel
import pytest
from flask_babel import Domain

from ngo.extensions import db
from ngo.models import Statement

# Elements without an end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
# Subtrees other helpers own: the toolbar and the comment section.
OTHERS = {"a11y", "comments"}
# Attributes a reader hears or sees.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# Text that is no word: numbers, brackets, separators.
NO_WORDS = re.compile(r"[\d\s()|·.,:“”«»\u00a0\u202f]*")


class StandIn:
    """A catalog that translates every message into a marked copy of itself
    (between ⟦ and ⟧, or the marks given)."""

    def __init__(self, opening: str = "⟦", closing: str = "⟧"):
        self.opening, self.closing = opening, closing

    def ugettext(self, message):
        return f"{self.opening}{message}{self.closing}"

    def ungettext(self, singular, plural, n):
        return self.ugettext(singular if n == 1 else plural)

    def upgettext(self, context, message):
        return self.ugettext(message)

    def unpgettext(self, context, singular, plural, n):
        return self.ungettext(singular, plural, n)

    gettext, ngettext = ugettext, ungettext
    pgettext, npgettext = upgettext, unpgettext


@pytest.fixture
def stand_in(monkeypatch):
    """Every message, in templates and in Python, through the stand-in catalog."""
    monkeypatch.setattr(flask_babel, "get_translations", StandIn)
    monkeypatch.setattr(Domain, "get_translations", lambda self: StandIn())


class Words(HTMLParser):
    """The texts and read attributes of a page, outside the toolbar, the comment
    section, <time> (dates come from Babel) and the statement's own body."""

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
            or tag in ("time", "script", "style", "title")
            or attrs.get("id") in OTHERS
            or "statement__body" in classes
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
    """Texts of a page that are neither translated, nor data, nor free of words.

    The texts are read in order, one a line, so that a message with an element in
    it ("⟦website<span> of X</span>⟧") is taken out whole."""
    words = Words()
    html = response.get_data(as_text=True)
    words.feed(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    page = "\n".join([title.rsplit(" · ", 1)[0], *words.texts])
    for value in sorted(data, key=len, reverse=True):
        page = page.replace(value, "")
    while True:  # innermost first: "⟦⟦All statements⟧, page 2⟧"
        shorter = re.sub(r"⟦[^⟦⟧]*⟧", "", page)
        if shorter == page:
            break
        page = shorter
    return [text for text in page.split("\n") if not NO_WORDS.fullmatch(text)]


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "cached"])
def test_every_word_around_the_content_comes_from_the_catalog(
    app, client, make_statement, stand_in, cached
):
    app.config["STATEMENTS_PER_PAGE"] = 2
    slugs = [
        make_statement(
            title=f"Title {n}",
            summary=f"Summary {n}",
            categories=["Rights > Right to life", "Announcements"],
            signatories=["Article 3 Club", "Helsinki Group"][: n % 2 + 1],
            featured=n == 2,
        )
        for n in range(1, 6)
    ]
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slugs[0])
        )
        statement.comment_count = 3
        statement.signatures[0].organisation.website = "https://example.org/"
        db.session.commit()
    data = {
        app.config["SITE_NAME"],
        *app.config["SITE_TAGLINE"].values(),  # a setting, one per language
        "Rights",
        "Right to life",
        "Announcements",
        "Article 3 Club",
        "Helsinki Group",
        "https://example.org/",
        "Հայերեն",
        "English",
        "Русский",
        *(f"Title {n}" for n in range(1, 6)),
        *(f"Summary {n}" for n in range(1, 6)),
    }
    addresses = [
        "/",
        "/?page=2",
        "/statements",
        "/statements?page=3",
        "/category/rights",
        "/category/right-to-life",
        "/organisations",
        "/organisations/article-3-club",
        f"/statements/{slugs[0]}",
        "/no-such-page",
    ]
    for address in addresses:
        for _ in range(2 if cached else 1):
            response = client.get(f"/ru{address}")
        assert response.status_code in (200, 404), address
        assert unmarked(response, data) == [], address


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "cached"])
def test_the_views_count_is_written_in_the_page_language(
    app, client, make_statement, cached
):
    slug = make_statement(views=12344)
    shown = {}
    for language, prefix in (("en", ""), ("ru", "/ru")):
        for _ in range(2 if cached else 1):
            html = client.get(f"{prefix}/statements/{slug}").get_data(as_text=True)
        shown[language] = re.search(r'class="views">[^<]*?(\d[\d\s,]*)</p>', html)[1]
    assert shown["en"] == "12,345"
    assert re.sub(r"\s", " ", shown["ru"]) == "12 345"
