"""Link previews through HTTP: every public page's head in each language (description,
canonical address, Open Graph, Twitter card), structured data read as JSON, a hostile
title kept inside its <script>, and absolute addresses that never cross hosts
through the page cache."""

import json
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from ngo import create_app
from ngo.extensions import db
from ngo.i18n import LOCALES
from ngo.models import Organisation, Page, Statement

ORIGIN = "http://localhost"
PREFIXES = {"en": "", "hy": "/hy", "ru": "/ru"}
TAGLINES = {
    "en": "Statements and appeals of civil-society organisations",
    "hy": "Քաղաքացիական հասարակության կազմակերպությունների հայտարարություններ և կոչեր",
    "ru": "Заявления и обращения организаций гражданского общества",
}


class Head(HTMLParser):
    """What a page's head tells previews: meta tags, links, JSON-LD, the title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.title = ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.setdefault(attrs.get("rel"), []).append(attrs.get("href"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def one(self, key: str) -> str:
        """The content of the one meta tag of this name or property."""
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    def data(self) -> list[dict]:
        """The JSON-LD documents, parsed."""
        return [json.loads(text) for text in self.json_ld]


def head_of(response) -> Head:
    """The head of an HTML response, parsed."""
    head = Head()
    html = response.get_data(as_text=True)
    head.feed(html[: html.index("</head>")])
    return head


@pytest.fixture
def site(app, make_statement):
    """A statement with a category path and signatories, an Armenian one, a page."""
    slug = make_statement(
        title="Appeal on the right to life",
        summary="The organisations call for an investigation.",
        categories=["Activities", "Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
        published_at=datetime(2023, 9, 19, 10, 30, tzinfo=UTC),
    )
    hy_slug = make_statement(title="Հայտարարություն", language="hy")
    with app.app_context():
        club = db.session.scalar(
            db.select(Organisation).where(Organisation.slug == "article-3-club")
        )
        club.website = "https://club.example.org/"
        db.session.add(
            Page(
                slug="about",
                title="About us",
                body_markdown="We defend rights.",
                body="<p>We defend <em>rights</em> in Armenia.</p>",
            )
        )
        db.session.commit()
    return {"statement": slug, "hy": hy_slug}


def pages_of(site) -> dict[str, tuple[str, str]]:
    """Each kind of public page: (path, og:type)."""
    return {
        "home": ("/", "website"),
        "statements": ("/statements", "website"),
        "category": ("/category/right-to-life", "website"),
        "organisation": ("/organisations/article-3-club", "website"),
        "organisations": ("/organisations", "website"),
        "page": ("/pages/about", "website"),
        "statement": (f"/statements/{site['statement']}", "article"),
    }


@pytest.mark.parametrize("language", ["en", "hy", "ru"])
def test_every_public_page_has_a_description_canonical_open_graph_and_card(
    app, client, site, language
):
    prefix = PREFIXES[language]
    for kind, (path, og_type) in pages_of(site).items():
        for _ in range(2):  # rendered, then from the cache
            response = client.get(prefix + path)
            assert response.status_code == 200, path
        head = head_of(response)
        description = head.one("description")
        assert description.strip(), (kind, language)
        if kind == "statement":
            # At its own language's address (English), its only version.
            canonical = ORIGIN + path
            others = {"en"} - {language}
        else:
            canonical = ORIGIN + prefix + path
            others = set(LOCALES) - {language}
        assert head.links["canonical"] == [canonical], kind
        assert head.one("og:type") == og_type
        assert head.one("og:url") == canonical
        assert head.one("og:title") == head.title.rsplit(" · ", 1)[0]
        assert head.one("og:description") == description
        assert head.one("og:site_name") == app.config["SITE_NAME"]
        assert head.one("og:locale") == LOCALES[language]
        assert sorted(head.meta.get("og:locale:alternate", [])) == sorted(
            LOCALES[code] for code in others
        )
        image = head.one("og:image")
        assert image.startswith(ORIGIN + "/brand/icon-512.png")
        assert head.one("og:image:width") == head.one("og:image:height") == "512"
        assert head.one("og:image:alt")
        assert head.one("twitter:card") == "summary"
        assert head.one("twitter:title") == head.one("og:title")
        assert head.one("twitter:description") == description
        assert head.one("twitter:image") == image
    icon = client.get(image.removeprefix(ORIGIN))
    assert icon.status_code == 200
    assert icon.mimetype == "image/png"


def test_descriptions_say_what_each_page_is_in_its_language(client, site, app):
    def description(path):
        return head_of(client.get(path)).one("description")

    site_name = app.config["SITE_NAME"]
    statement = f"/statements/{site['statement']}"
    for language, prefix in PREFIXES.items():
        assert description(prefix + "/") == TAGLINES[language]
        assert description(prefix + statement) == (
            "The organisations call for an investigation."
        )
        assert "Right to life" in description(prefix + "/category/right-to-life")
        assert "Article 3 Club" in description(prefix + "/organisations/article-3-club")
        assert description(prefix + "/pages/about") == "We defend rights in Armenia."
    assert description("/category/right-to-life") == (
        f"Statements and appeals in the category “Right to life” on {site_name}."
    )
    assert site_name in description("/statements")
    assert site_name in description("/organisations")
    # A statement without a summary is described by the start of its text.
    with app.app_context():
        row = db.session.scalar(
            db.select(Statement).where(Statement.slug == site["statement"])
        )
        row.summary = ""
        row.body = "<p>" + "Long text of the appeal. " * 20 + "</p>"
        db.session.commit()
    text = description(statement)
    assert text.startswith("Long text of the appeal.")
    assert text.endswith("…") and len(text) <= 160


def test_a_statement_s_canonical_address_is_in_its_own_language(client, site):
    own = f"{ORIGIN}/hy/statements/{site['hy']}"
    for prefix in PREFIXES.values():
        head = head_of(client.get(f"{prefix}/statements/{site['hy']}"))
        assert head.links["canonical"] == [own]
        assert head.one("og:url") == own


def test_canonical_drops_page_one_and_other_queries_but_keeps_later_pages(
    app, client, make_statement
):
    app.config["STATEMENTS_PER_PAGE"] = 2
    for _ in range(5):
        make_statement()
    assert head_of(client.get("/statements?page=1")).links["canonical"] == [
        ORIGIN + "/statements"
    ]
    assert head_of(client.get("/ru/?page=2")).links["canonical"] == [
        ORIGIN + "/ru/?page=2"
    ]
    assert head_of(client.get("/statements?untranslated=x&page=3")).links[
        "canonical"
    ] == [ORIGIN + "/statements?page=3"]


def test_pages_not_to_index_have_no_canonical_address(client, editor, app, site):
    replying = head_of(client.get(f"/statements/{site['statement']}?replytocom=1"))
    assert replying.one("robots") == "noindex"
    missing = client.get("/hy/no-such-page")
    assert missing.status_code == 404
    with app.app_context():
        draft = Statement(title="Draft", slug="draft", status="draft")
        db.session.add(draft)
        db.session.commit()
    preview = editor.get("/statements/draft")
    assert preview.status_code == 200
    for head in (replying, head_of(missing), head_of(preview)):
        assert "canonical" not in head.links
        assert "og:url" not in head.meta
        assert head.one("description").strip()


def test_a_statement_s_structured_data(app, client, site):
    statement = f"/statements/{site['statement']}"
    head = head_of(client.get("/hy" + statement))
    by_type: dict[str, list[dict]] = {}
    for document in head.data():
        assert document["@context"] == "https://schema.org"
        by_type.setdefault(document["@type"], []).append(document)
    (article,) = by_type["NewsArticle"]
    assert article["headline"] == "Appeal on the right to life"
    assert article["inLanguage"] == "en"
    assert article["url"] == article["mainEntityOfPage"] == ORIGIN + statement
    published = datetime.fromisoformat(article["datePublished"])
    assert published == datetime(2023, 9, 19, 10, 30, tzinfo=UTC)
    assert published.utcoffset() is not None
    assert datetime.fromisoformat(article["dateModified"]) >= published
    publisher = article["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == app.config["SITE_NAME"]
    assert publisher["logo"]["url"].startswith(ORIGIN + "/brand/icon-512.png")
    authors = article["author"]
    assert [a["@type"] for a in authors] == ["Organization", "Organization"]
    assert [a["name"] for a in authors] == ["Article 3 Club", "Peace Dialogue"]
    assert authors[0]["url"] == ORIGIN + "/hy/organisations/article-3-club"
    assert authors[0]["sameAs"] == "https://club.example.org/"
    trails = [
        [(i["position"], i["name"], i["item"]) for i in b["itemListElement"]]
        for b in by_type["BreadcrumbList"]
    ]
    assert trails == [
        [
            (1, "Activities", ORIGIN + "/hy/category/activities"),
            (2, "Appeal on the right to life", ORIGIN + statement),
        ],
        [
            (1, "Rights", ORIGIN + "/hy/category/rights"),
            (2, "Right to life", ORIGIN + "/hy/category/right-to-life"),
            (3, "Appeal on the right to life", ORIGIN + statement),
        ],
    ]
    assert head.one("article:published_time") == article["datePublished"]


def test_the_front_page_describes_the_website_and_lists_do_not(app, client, site):
    for prefix in PREFIXES.values():
        (website,) = head_of(client.get(prefix + "/")).data()
        assert website["@type"] == "WebSite"
        assert website["name"] == app.config["SITE_NAME"]
        assert website["url"] == ORIGIN + prefix + "/"
        assert website["inLanguage"] == (prefix.strip("/") or "en")
    assert head_of(client.get("/statements")).data() == []
    assert head_of(client.get("/category/rights")).data() == []


def test_a_title_cannot_break_out_of_its_structured_data(app, client, make_statement):
    title = 'End </script><script>alert(1)</script> <!-- & "quoted" \u2028'
    slug = make_statement(title=title, summary="</SCRIPT><b>x</b>")
    html = client.get(f"/statements/{slug}").get_data(as_text=True)
    head = head_of(client.get(f"/statements/{slug}"))
    documents = head.data()
    assert documents[0]["headline"] == title
    assert documents[0]["description"] == "</SCRIPT><b>x</b>"
    for text in head.json_ld:
        assert not any(c in text for c in "<>&")
    # The only scripts are the site's files and the structured data.
    assert html.count("<script") == html.count(
        '<script type="application/ld+json">'
    ) + html.count('<script src="/static/')
    assert "<script>alert" not in html


def test_with_site_url_every_address_is_the_site_s(app_config, postgres_url):
    app = create_app(app_config | {"SITE_URL": "https://rights.example.org/"})
    with app.app_context():
        if not postgres_url:
            db.create_all()
    client = app.test_client()
    for host in ("localhost", "evil.example"):
        head = head_of(client.get("/hy/statements", base_url=f"http://{host}"))
        assert head.links["canonical"] == ["https://rights.example.org/hy/statements"]
        assert head.one("og:image").startswith("https://rights.example.org/brand/")


def test_a_site_url_that_is_no_address_stops_start_up(app_config):
    with pytest.raises(RuntimeError, match="NGO_SITE_URL"):
        create_app(app_config | {"SITE_URL": "rights.example.org"})


def test_a_host_never_reaches_another_host_s_page_through_the_cache(client, site):
    paths = [
        "/",
        "/statements",
        "/hy/category/rights",
        f"/statements/{site['statement']}",
    ]
    for path in paths:
        evil = client.get(path, base_url="http://evil.example")
        assert evil.status_code == 200
        assert "http://evil.example/" in evil.get_data(as_text=True)
        for _ in range(2):
            page = client.get(path).get_data(as_text=True)
            assert "evil.example" not in page, path
            assert (
                head_of(client.get(path)).links["canonical"][0].startswith(ORIGIN + "/")
            )
