"""Atom feeds, /sitemap.xml and /robots.txt as feed readers and crawlers meet them:
every feed read by feedparser and checked against RFC 4287's rules with lxml, the
sitemap parsed and every address in it followed."""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from ngo.comments.moderation import set_status
from ngo.extensions import db
from ngo.models import Comment, Page, Statement
from tests.commenting import add_comment
from tests.test_translations_of_statements import link

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
ORIGIN = "http://localhost"


def atom_dates_ok(text: str) -> bool:
    """An RFC 3339 date-time that Python reads."""
    if not RFC3339.match(text):
        return False
    datetime.fromisoformat(text.replace("Z", "+00:00"))
    return True


def check_atom(body: bytes, self_url: str):
    """The feed parsed strictly by lxml, checked against the rules of RFC 4287
    that a document shows; the root element back."""
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.findtext(f"{ATOM}title").strip()
    assert atom_dates_ok(root.findtext(f"{ATOM}updated"))
    links = root.findall(f"{ATOM}link")
    selves = [x for x in links if x.get("rel") == "self"]
    assert len(selves) == 1
    assert selves[0].get("href") == self_url
    assert selves[0].get("type") == "application/atom+xml"
    alternates = [
        (x.get("type"), x.get("hreflang")) for x in links if x.get("rel") == "alternate"
    ]
    assert ("text/html", None) in alternates
    assert len(alternates) == len(set(alternates))
    feed_has_author = root.find(f"{ATOM}author") is not None
    ids = [root.findtext(f"{ATOM}id")]
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert len(entry.findall(f"{ATOM}published")) <= 1
        for name in ("updated", "published"):
            for found in entry.findall(f"{ATOM}{name}"):
                assert atom_dates_ok(found.text), found.text
        assert feed_has_author or entry.find(f"{ATOM}author") is not None
        for author in entry.findall(f"{ATOM}author"):
            assert author.findtext(f"{ATOM}name").strip()
        entry_links = entry.findall(f"{ATOM}link")
        assert any(
            x.get("rel", "alternate") == "alternate" and x.get("href")
            for x in entry_links
        )
        content = entry.find(f"{ATOM}content")
        assert content is not None or entry.find(f"{ATOM}summary") is not None
        if content is not None:
            assert content.get("type") in ("html", "text", "xhtml")
        ids.append(entry.findtext(f"{ATOM}id"))
    for identifier in ids:
        assert re.match(r"^(tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:|https?://)", identifier)
    assert len(ids) == len(set(ids)), "ids are unique"
    return root


def read_feed(client, path, **headers):
    """A feed fetched, checked with lxml and parsed by feedparser without a fault."""
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    assert response.mimetype == "application/atom+xml"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.headers["Cache-Control"].startswith("public")
    root = check_atom(response.data, ORIGIN + path)
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return root, parsed


def entry_titles(parsed) -> list[str]:
    """The feed's entries' titles in order."""
    return [entry.title for entry in parsed.entries]


def edit(app, slug, **fields):
    """Change a statement as the editor does, then commit."""
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        for name, value in fields.items():
            setattr(statement, name, value)
        db.session.commit()


# --- feeds ------------------------------------------------------------------


def test_the_site_feed_is_valid_atom_with_the_published_statements(
    client, make_statement
):
    make_statement(
        title="Stop the detention of journalists",
        slug="stop-detention",
        categories=["Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
        summary="We call for their release.",
        body="<p>We call for the <strong>immediate</strong> release. "
        '<a href="/pages/about">About</a></p>',
        published_at=datetime(2023, 9, 19, 10, tzinfo=UTC),
    )
    make_statement(title="Older appeal", published_at=datetime(2023, 9, 1, tzinfo=UTC))
    make_statement(title="Unpublished draft", status="draft")
    root, parsed = read_feed(client, "/feed.atom")
    assert parsed.feed.title == "Test Rights Site"
    assert root.get(XML_LANG) == "en"
    assert entry_titles(parsed) == ["Stop the detention of journalists", "Older appeal"]
    entry = parsed.entries[0]
    assert entry.link == f"{ORIGIN}/statements/stop-detention"
    assert entry.id.startswith("tag:localhost,")
    assert entry.published.startswith("2023-09-19T10:00:00")
    assert [a.name for a in entry.authors] == ["Article 3 Club", "Peace Dialogue"]
    assert entry.authors[0].href == f"{ORIGIN}/organisations/article-3-club"
    assert {t.term for t in entry.tags} == {"rights", "right-to-life"}
    assert entry.summary == "We call for their release."
    content = entry.content[0]
    assert content.type == "text/html"
    assert "<strong>immediate</strong>" in content.value
    # Relative addresses in the body are read against the statement's address.
    assert f'href="{ORIGIN}/pages/about"' in content.value
    # The raw document holds the body as escaped HTML.
    raw = etree.fromstring(client.get("/feed.atom").data)
    xml_content = raw.find(f"{ATOM}entry/{ATOM}content")
    assert xml_content.get("type") == "html"
    assert "<strong>immediate</strong>" in xml_content.text


def test_feeds_of_a_category_with_its_sub_categories_and_of_an_organisation(
    client, make_statement
):
    make_statement(title="On the right to life", categories=["Rights > Right to life"])
    make_statement(
        title="On rights", categories=["Rights"], signatories=["Peace Dialogue"]
    )
    make_statement(title="Elsewhere", categories=["Activities"])
    make_statement(
        title="Draft on rights",
        categories=["Rights"],
        status="draft",
        signatories=["Peace Dialogue"],
    )
    _, parsed = read_feed(client, "/category/rights/feed.atom")
    assert set(entry_titles(parsed)) == {"On the right to life", "On rights"}
    assert parsed.feed.link == f"{ORIGIN}/category/rights"
    assert "Rights" in parsed.feed.title
    _, parsed = read_feed(client, "/category/right-to-life/feed.atom")
    assert entry_titles(parsed) == ["On the right to life"]
    _, parsed = read_feed(client, "/organisations/peace-dialogue/feed.atom")
    assert entry_titles(parsed) == ["On rights"]
    assert parsed.feed.title == "Statements signed by Peace Dialogue"
    assert parsed.feed.link == f"{ORIGIN}/organisations/peace-dialogue"
    for path in (
        "/category/no-such/feed.atom",
        "/organisations/no-such/feed.atom",
        "/statements/no-such/comments.atom",
    ):
        assert client.get(path).status_code == 404, path


def test_a_statement_s_comment_feed_has_its_approved_comments_and_no_email(
    app, client, make_statement
):
    slug = make_statement(title="Commented statement")
    add_comment(
        app,
        slug,
        "approved",
        author_name="Ani",
        author_email="ani@example.org",
        author_url="https://ani.example.net/",
        body="<p>First <em>approved</em>.</p>",
    )
    add_comment(
        app,
        slug,
        "approved",
        author_name="Aram",
        author_email="aram@example.org",
        body="<p>Second approved.</p>",
    )
    held = add_comment(
        app,
        slug,
        "pending",
        author_name="Held Back",
        author_email="held@example.org",
        body="<p>Waiting for a moderator.</p>",
    )
    for status in ("spam", "trash"):
        add_comment(
            app,
            slug,
            status,
            author_name=f"Name {status}",
            author_email=f"{status}@example.org",
            body=f"<p>Text {status}.</p>",
        )
    path = f"/statements/{slug}/comments.atom"
    _, parsed = read_feed(client, path)
    assert parsed.feed.title == "Comments on “Commented statement”"
    assert entry_titles(parsed) == ["Comment by Aram", "Comment by Ani"]
    ani = parsed.entries[1]
    assert ani.author_detail.name == "Ani"
    assert ani.author_detail.href == "https://ani.example.net/"
    assert "email" not in ani.author_detail
    assert "<em>approved</em>" in ani.content[0].value
    assert re.fullmatch(rf"{ORIGIN}/statements/{slug}#comment-\d+", ani.link)
    body = client.get(path).get_data(as_text=True)
    assert not EMAIL.search(body)
    for hidden in ("Held Back", "Waiting", "Name spam", "Name trash", "Text spam"):
        assert hidden not in body
    # A moderator approves the pending comment: the feed has it at once.
    with app.app_context():
        assert set_status(db.session.get(Comment, held), "approved")
        db.session.commit()
    _, parsed = read_feed(client, path)
    assert "Comment by Held Back" in entry_titles(parsed)
    assert not EMAIL.search(client.get(path).get_data(as_text=True))
    # A draft's comments are nobody's feed.
    edit(app, slug, status="draft")
    assert client.get(path).status_code == 404


def test_no_feed_ever_holds_an_email_or_a_pending_comment(app, client, make_statement):
    slug = make_statement(
        title="Statement", categories=["Rights"], signatories=["Peace Dialogue"]
    )
    add_comment(app, slug, "approved", author_email="shown-nowhere@example.org")
    add_comment(
        app, slug, "pending", author_name="Pending Person", body="<p>Pending text.</p>"
    )
    for path in (
        "/feed.atom",
        "/hy/feed.atom",
        "/category/rights/feed.atom",
        "/organisations/peace-dialogue/feed.atom",
        f"/statements/{slug}/comments.atom",
        f"/ru/statements/{slug}/comments.atom",
    ):
        body = read_feed(client, path) and client.get(path).get_data(as_text=True)
        assert not EMAIL.search(body), path
        assert "Pending" not in body, path


def test_a_renamed_statement_s_comment_feed_moves(app, client, make_statement):
    slug = make_statement(title="Renamed")
    with app.app_context():
        from ngo.models import SlugRedirect

        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        db.session.add(SlugRedirect(old_slug="old-name", statement_id=statement.id))
        db.session.commit()
    response = client.get("/statements/old-name/comments.atom")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/statements/{slug}/comments.atom"


def test_validators_answer_304_and_a_new_statement_changes_the_feed(
    app, client, make_statement, count_queries
):
    make_statement(title="First")
    first = client.get("/feed.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]+"', etag)
    with count_queries() as queries:
        again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert len(queries) == 1, queries  # the site head, nothing else
    assert (
        client.get("/feed.atom", headers={"If-None-Match": f"W/{etag}"}).status_code
        == 304
    )
    assert (
        client.get("/feed.atom", headers={"If-Modified-Since": modified}).status_code
        == 304
    )
    # A 200 from the cache costs the same one query.
    with count_queries() as queries:
        cached = client.get("/feed.atom")
    assert cached.status_code == 200 and cached.data == first.data
    assert len(queries) == 1, queries

    make_statement(title="Second", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    response = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert parsedate_to_datetime(response.headers["Last-Modified"]) >= (
        parsedate_to_datetime(modified)
    )
    assert entry_titles(feedparser.parse(response.data)) == ["Second", "First"]
    # An edit of a statement in the feed changes it too.
    edit(app, "statement-1", title="First, corrected")
    assert "First, corrected" in entry_titles(
        feedparser.parse(client.get("/feed.atom").data)
    )


def test_comment_feed_validators_follow_its_comments(app, client, make_statement):
    slug = make_statement()
    path = f"/statements/{slug}/comments.atom"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    add_comment(app, slug, "approved", author_name="New Voice")
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Comment by New Voice" in entry_titles(feedparser.parse(response.data))


def test_feeds_in_each_language(app, client, make_statement):
    make_statement(
        title="Free the journalists",
        slug="free",
        language="en",
        published_at=datetime(2023, 9, 19, tzinfo=UTC),
    )
    make_statement(
        title="Ազատե՛ք լրագրողներին",
        slug="azatek",
        language="hy",
        published_at=datetime(2023, 9, 19, tzinfo=UTC),
    )
    link(app, "azatek", "free")
    make_statement(
        title="Only in English",
        slug="only-en",
        language="en",
        published_at=datetime(2023, 9, 20, tzinfo=UTC),
    )
    root, parsed = read_feed(client, "/hy/feed.atom")
    assert root.get(XML_LANG) == "hy"
    assert entry_titles(parsed) == ["Only in English", "Ազատե՛ք լրագրողներին"]
    # Each statement at its own language's address, marked where it differs.
    entries = root.findall(f"{ATOM}entry")
    assert entries[0].get(XML_LANG) == "en"
    assert entries[1].get(XML_LANG) is None
    assert parsed.entries[0].link == f"{ORIGIN}/statements/only-en"
    assert parsed.entries[1].link == f"{ORIGIN}/hy/statements/azatek"
    assert parsed.feed.link == f"{ORIGIN}/hy/"
    _, parsed = read_feed(client, "/feed.atom")
    assert entry_titles(parsed) == ["Only in English", "Free the journalists"]
    _, parsed = read_feed(client, "/ru/feed.atom")
    # No Russian version: the group's others are listed as the Russian lists do.
    assert set(entry_titles(parsed)) == {
        "Only in English",
        "Free the journalists",
        "Ազատե՛ք լրագրողներին",
    }
    # Other languages hidden: a feed has only its own.
    app.config["OTHER_LANGUAGES"] = "hidden"
    _, parsed = read_feed(client, "/hy/feed.atom")
    assert entry_titles(parsed) == ["Ազատե՛ք լրագրողներին"]
    _, parsed = read_feed(client, "/ru/feed.atom")
    assert entry_titles(parsed) == []


def test_pages_link_their_feeds_in_their_heads(app, client, make_statement):
    slug = make_statement(categories=["Rights"], signatories=["Peace Dialogue"])
    expected = {
        "/": ["/feed.atom"],
        "/statements": ["/feed.atom"],
        "/category/rights": ["/feed.atom", "/category/rights/feed.atom"],
        "/organisations/peace-dialogue": [
            "/feed.atom",
            "/organisations/peace-dialogue/feed.atom",
        ],
        f"/statements/{slug}": ["/feed.atom", f"/statements/{slug}/comments.atom"],
    }
    for language in ("", "/hy", "/ru"):
        for page, feeds in expected.items():
            html = client.get(language + page).get_data(as_text=True)
            head = html[: html.index("</head>")]
            found = re.findall(
                r'<link rel="alternate" type="application/atom\+xml" '
                r'href="([^"]+)" title="([^"]+)">',
                head,
            )
            assert [href for href, _ in found] == [language + f for f in feeds], page
            assert all(title.strip() for _, title in found)
            for href, _ in found:
                read_feed(client, href)


def test_addresses_come_from_site_url_or_each_request_s_own_host(
    app, client, make_statement
):
    make_statement(title="Somewhere")
    one = client.get("/feed.atom", base_url="http://one.example")
    two = client.get("/feed.atom", base_url="http://two.example")
    assert b"http://one.example/statements/" in one.data
    assert b"two.example" not in one.data
    assert b"http://two.example/statements/" in two.data
    assert b"one.example" not in two.data
    assert one.headers["ETag"] != two.headers["ETag"]
    app.config["SITE_URL"] = "https://rights.example.org"
    response = client.get("/feed.atom", base_url="http://three.example")
    assert b"three.example" not in response.data
    check_atom(response.data, "https://rights.example.org/feed.atom")
    assert (
        feedparser.parse(response.data)
        .entries[0]
        .id.startswith("tag:rights.example.org,")
    )


def test_hostile_text_leaves_a_well_formed_feed(app, client, make_statement):
    make_statement(
        title="Tags <script>alert(1)</script> & ]]> \x0b\x1f end",
        summary="Control \x08 and \x1b",
        body="<p>Fine &amp; dandy</p>",
    )
    _, parsed = read_feed(client, "/feed.atom")
    assert parsed.entries[0].title == "Tags <script>alert(1)</script> & ]]>  end"


# --- the sitemap and robots.txt ---------------------------------------------------


def sitemap_locs(client, path="/sitemap.xml") -> tuple[str, list]:
    """The root's local name and the sitemap's <url> or <sitemap> elements."""
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    name = etree.QName(root).localname
    child = "url" if name == "urlset" else "sitemap"
    return name, root.findall(f"{SITEMAP}{child}")


def local(url: str) -> str:
    """An absolute address of the site as a path the test client asks for."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == ORIGIN, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_sitemap_lists_every_public_address_and_each_answers(
    app, client, make_statement
):
    make_statement(
        title="English one",
        slug="english-one",
        categories=["Rights > Right to life"],
        signatories=["Peace Dialogue"],
    )
    make_statement(title="Հայերեն", slug="մարդու-իրավունքներ", language="hy")
    make_statement(
        title="Draft",
        slug="draft-one",
        status="draft",
        categories=["Hidden category"],
        signatories=["Draft Signer"],
    )
    with app.app_context():
        db.session.add(Page(slug="about", title="About", body="<p>About.</p>"))
        db.session.commit()
    name, urls = sitemap_locs(client)
    assert name == "urlset"
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert len(locs) == len(set(locs))
    for url in urls:
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        assert lastmod and datetime.fromisoformat(lastmod).tzinfo is not None
    paths = [local(loc) for loc in locs]
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert "/statements/english-one" in paths
    assert (
        "/hy/statements/%D5%B4%D5%A1%D6%80%D5%A4%D5%B8%D6%82-%D5%AB%D6%80%D5%A1%D5%BE%D5%B8%D6%82%D5%B6%D6%84%D5%B6%D5%A5%D6%80"
        in paths
    )
    assert "/statements/draft-one" not in paths
    for prefix in ("", "/hy", "/ru"):
        for page in (
            "/",
            "/category/rights",
            "/category/right-to-life",
            "/organisations/peace-dialogue",
            "/pages/about",
            "/archive",
        ):
            assert (prefix + page if page != "/" else prefix + "/") in paths, (
                prefix + page
            )
    assert not any("hidden-category" in p or "draft-signer" in p for p in paths)
    # A new statement is in the sitemap at once.
    make_statement(title="Newer", slug="newer")
    _, urls = sitemap_locs(client)
    assert f"{ORIGIN}/statements/newer" in [u.findtext(f"{SITEMAP}loc") for u in urls]


def test_past_the_limit_the_sitemap_becomes_an_index_of_parts(
    app, client, make_statement, monkeypatch
):
    for number in range(7):
        make_statement(title=f"Statement {number}", categories=["Rights"])
    _, urls = sitemap_locs(client)
    everything = sorted(u.findtext(f"{SITEMAP}loc") for u in urls)
    assert client.get("/sitemap-1.xml").status_code == 404  # no index yet
    limit = 10
    monkeypatch.setattr("ngo.feeds.sitemap.SITEMAP_LIMIT", limit)
    name, sitemaps = sitemap_locs(client)
    assert name == "sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in sitemaps]
    assert len(parts) == -(-len(everything) // limit) > 1
    listed = []
    for part in parts:
        part_name, urls = sitemap_locs(client, local(part))
        assert part_name == "urlset" and 0 < len(urls) <= limit
        listed += [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert sorted(listed) == everything
    for missing in (len(parts) + 1, 0):
        assert client.get(f"/sitemap-{missing}.xml").status_code == 404
    for odd in ("01", "-1", "1x", "١", "9" * 20):
        assert client.get(f"/sitemap-{odd}.xml").status_code == 404, odd


def test_sitemap_validators_and_its_single_address(client, make_statement):
    make_statement()
    response = client.get("/sitemap.xml")
    etag = response.headers["ETag"]
    assert (
        client.get("/sitemap.xml", headers={"If-None-Match": etag}).status_code == 304
    )
    moved = client.get("/hy/sitemap.xml")
    assert moved.status_code == 301 and moved.headers["Location"] == "/sitemap.xml"


def test_robots_txt_keeps_the_admin_out_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {
        line.split(": ", 1)[1] for line in lines if line.startswith("Disallow:")
    }
    assert disallowed == {"/admin/", "/hy/admin/", "/ru/admin/"}
    sitemaps = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == [f"{ORIGIN}/sitemap.xml"]
    assert client.get(local(sitemaps[0])).status_code == 200
    moved = client.get("/ru/robots.txt")
    assert moved.status_code == 301 and moved.headers["Location"] == "/robots.txt"


@pytest.mark.parametrize("path", ["/admin/", "/hy/admin/", "/ru/admin/"])
def test_what_robots_txt_keeps_out_is_the_admin(client, path):
    response = client.get(path)
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["Location"]
