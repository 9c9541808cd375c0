"""`import-wordpress` on a real export written by WordPress 6.1's own exporter.

The fixture (tests/data/wordpress, made by tools/wordpress/make_export.sh; see its
README) is a site built through WordPress's PHP API; expected.json is what that
site holds, read back from WordPress. Every test goes through the command line and
the site's pages, and compares what it finds with expected.json: a dry run, the
import, every old address, comments, views, statuses, content, media, a second run,
and the export whose commenter's website has a bare '&'.
"""

import html as htmllib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
import pytest

from ngo.extensions import db
from ngo.models import (
    Category,
    Comment,
    OldAddress,
    Organisation,
    Page,
    Signature,
    Statement,
    Tag,
    WordpressItem,
)

DATA = Path(__file__).parent / "data" / "wordpress"
EXPORT = DATA / "export.xml"
AMPERSAND = DATA / "export-ampersand.xml"
UPLOADS = DATA / "uploads"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
SITE_ZONE = ZoneInfo(EXPECTED["timezone_string"])
# Pages read as a crawler: the views counter is left alone, so it can be compared.
CRAWLER = {"User-Agent": "ngo-tests-bot/1.0"}

POSTS = {post["id"]: post for post in EXPECTED["posts"]}
PAGES = {page["id"]: page for page in EXPECTED["pages"]}
COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam"}
PINGS = ("pingback", "trackback")


def post_titled(start: str) -> dict:
    """The exported post whose title starts so."""
    (post,) = [p for p in EXPECTED["posts"] if p["title"].startswith(start)]
    return post


def status_here(post: dict) -> str | None:
    """What issue 13 makes of a post's status: published, scheduled, draft or None."""
    if post["status"] == "trash":
        return None
    if post["status"] == "future":
        return "scheduled"
    if post["status"] == "publish" and not post["password"]:
        return "published"
    return "draft"  # draft, pending, private, password-protected


IMPORTED = [p for p in EXPECTED["posts"] if status_here(p)]
PUBLIC = [p for p in IMPORTED if status_here(p) == "published"]
NOT_PUBLIC = [p for p in IMPORTED if status_here(p) != "published"]
DETENTION = post_titled("Statement on the detention")
TORTURE = post_titled("Joint statement: end impunity")
ARMENIAN = post_titled("Հայտարարություն")
RUSSIAN = post_titled("Заявление о преследовании")
ELECTIONS = post_titled("Preliminary findings")
HOSTILE = post_titled("Statement pasted from an old site")
SCHEDULED = post_titled("Statement on the anniversary")
PASSWORD = post_titled("Members only")
TRASHED = post_titled("Invitation to a round table")
MISSING = [a for a in EXPECTED["attachments"] if not a["in_uploads_copy"]]


def imported_comments():
    """(post, comment) for every exported comment the import keeps."""
    for post in IMPORTED:
        for comment in post["comments"]:
            if comment["type"] not in PINGS and comment["status"] in COMMENT_STATUS:
                yield post, comment


def left_out_comments():
    """(post, comment) for every exported comment the import must not keep."""
    for post in EXPECTED["posts"]:
        for comment in post["comments"]:
            kept = status_here(post) and comment["status"] in COMMENT_STATUS
            if comment["type"] in PINGS or not kept:
                yield post, comment


def every_email() -> set[str]:
    """Every commenter's email the site held, spam included."""
    emails = {c["email"] for p in EXPECTED["posts"] for c in p["comments"]}
    emails |= {c["email"] for c in EXPECTED["spam_comments_not_exported"]}
    emails.add(EXPECTED["ampersand"]["comment"]["email"])
    return {e for e in emails if e}


@pytest.fixture
def app_config(app_config, tmp_path):
    """The site's media folder in the test's own directory."""
    app_config["MEDIA_FOLDER"] = str(tmp_path / "media")
    return app_config


def run_import(runner, export=EXPORT, *extra) -> str:
    """`flask --app ngo import-wordpress` as an editor runs it; its report."""
    result = runner.invoke(
        args=[
            "import-wordpress",
            str(export),
            "--signatories",
            "trailing",
            "--uploads",
            str(UPLOADS),
            *extra,
        ]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def imported(runner):
    """The report of one import of export.xml."""
    return run_import(runner)


def report_numbers(report: str) -> dict[str, dict[str, int]]:
    """'Statements: new 11; draft 4' -> {'Statements': {'new': 11, 'draft': 4}}."""
    numbers = {}
    for line in report.splitlines():
        found = re.match(r"^(\S[^:]*): (.+)$", line)
        if not found:
            continue
        pairs = re.findall(r"([^\d,;]+?) (\d+)(?=[,;]|$)", found.group(2))
        numbers[found.group(1)] = {word.strip(): int(n) for word, n in pairs}
    return numbers


def count(app, model) -> int:
    """Rows of a model."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def all_counts(app) -> dict[str, int]:
    """Rows of everything an import writes."""
    models = (Statement, Page, Comment, Category, Tag, Organisation, Signature)
    counts = {m.__name__: count(app, m) for m in models}
    counts["OldAddress"] = count(app, OldAddress)
    counts["WordpressItem"] = count(app, WordpressItem)
    return counts


def local(app, kind: str, wordpress_id: int):
    """The row an import made of a WordPress id, or None."""
    model = {
        "statement": Statement,
        "page": Page,
        "comment": Comment,
        "category": Category,
        "tag": Tag,
    }[kind]
    with app.app_context():
        local_id = db.session.scalar(
            db.select(WordpressItem.local_id).where(
                WordpressItem.kind == kind, WordpressItem.wordpress_id == wordpress_id
            )
        )
        if local_id is None:
            return None
        row = db.session.get(model, local_id)
        db.session.expunge_all()
        return row


def get(client, path: str):
    """A page as a crawler reads it."""
    return client.get(path, headers=CRAWLER)


def follow(client, old_path: str):
    """An old address: its 301 and the page it points to."""
    moved = get(client, old_path)
    assert moved.status_code == 301, (old_path, moved.status_code)
    location = moved.headers["Location"]
    target = urlsplit(location)
    assert target.netloc in ("", "localhost"), location  # this site, never the old one
    return moved, get(
        client, target.path + (f"?{target.query}" if target.query else "")
    )


def text_of(markup: str) -> str:
    """The words of some HTML, tags (and scripts) dropped and entities read."""
    markup = re.sub(r"<script\b.*?</script>", " ", markup, flags=re.S | re.I)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def statement_page(client, app, post: dict) -> str:
    """The HTML of an imported post's statement page."""
    statement = local(app, "statement", post["id"])
    page = get(client, f"/statements/{statement.slug}")
    assert page.status_code == 200, post["title"]
    return page.get_data(as_text=True)


def article(page_html: str):
    """The statement's <article> (title, body, signatories), parsed."""
    (node,) = lxml.html.fromstring(page_html).xpath("//article[@class='statement']")
    return node


def body_of(page_html: str):
    """The statement's body, parsed."""
    (node,) = article(page_html).xpath(".//div[@class='statement__body']")
    return node


def thread_on_page(page_html: str) -> dict[int, int | None]:
    """Local comment id -> the id of the comment it answers, as the page nests them."""
    tree = lxml.html.fromstring(page_html)
    thread = {}
    for item in tree.xpath("//li[starts-with(@id, 'comment-')]"):
        parents = item.xpath("ancestor::li[starts-with(@id, 'comment-')][1]")
        own = int(item.get("id").removeprefix("comment-"))
        thread[own] = (
            int(parents[0].get("id").removeprefix("comment-")) if parents else None
        )
    return thread


def utc(wordpress_date: str) -> datetime:
    """A WordPress GMT date as an aware datetime."""
    return datetime.strptime(wordpress_date, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


# ---- The fixture is what it says it is -------------------------------------------


def test_the_fixture_is_wordpress_61s_own_export():
    head = EXPORT.read_text(encoding="utf-8")[:2000]
    assert 'generator="WordPress/6.1' in head and EXPECTED[
        "wordpress_version"
    ].startswith("6.1")
    tree = lxml.etree.parse(str(EXPORT))  # well-formed
    wp = "{http://wordpress.org/export/1.2/}"
    links = {
        int(i.findtext(f"{wp}post_id")): i.findtext("link") for i in tree.iter("item")
    }
    for item in (
        EXPECTED["posts"] + EXPECTED["pages"]
    ):  # the old addresses followed below
        assert links[item["id"]] == item["link"] and item["link"].endswith(item["path"])
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.parse(str(AMPERSAND))  # the exporter's own bare '&'
    assert EXPECTED["ampersand"]["exporter_wrote"].encode() in AMPERSAND.read_bytes()


# ---- Dry run, report ---------------------------------------------------------------


def test_dry_run_prints_the_report_and_stores_nothing(runner, app, client, tmp_path):
    dry = run_import(runner, EXPORT, "--dry-run")
    assert "dry run" in dry.splitlines()[0].lower()
    assert set(all_counts(app).values()) == {0}
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert get(client, DETENTION["path"]).status_code == 404
    assert get(client, f"/?p={DETENTION['id']}").status_code in (200, 404)
    assert DETENTION["title"] not in get(client, "/statements").get_data(as_text=True)

    real = run_import(runner)
    assert "dry run" not in real.lower()
    assert dry.splitlines()[1:] == real.splitlines()[1:]  # the same report


def test_report_counts_match_the_export(imported, app):
    numbers = report_numbers(imported)
    by_status = {}
    for post in IMPORTED:
        by_status[status_here(post)] = by_status.get(status_here(post), 0) + 1
    statements = numbers["Statements"]
    assert statements["new"] == len(IMPORTED) == count(app, Statement)
    assert {s: statements.get(s, 0) for s in by_status} == by_status
    assert numbers["Pages"]["new"] == len(PAGES) == count(app, Page)
    kept = list(imported_comments())
    assert numbers["Comments"]["new"] == len(kept) == count(app, Comment)
    for status in ("approved", "pending"):
        expected = sum(1 for _, c in kept if COMMENT_STATUS[c["status"]] == status)
        assert numbers["Comments"].get(status, 0) == expected, status
    assert numbers["Categories"]["new"] == len(EXPECTED["categories"])
    assert numbers["Categories"]["new"] == count(app, Category)
    assert numbers["Tags"]["new"] == len(EXPECTED["tags"]) == count(app, Tag)

    pings = [c for p in EXPECTED["posts"] for c in p["comments"] if c["type"] in PINGS]
    for kind in PINGS:
        n = sum(1 for c in pings if c["type"] == kind)
        assert re.search(rf"^\s*{kind}s?: {n}$", imported, re.M), kind
    # Everything skipped, and why: the trashed post, each comment left out.
    assert f"post {TRASHED['id']}" in imported and TRASHED["title"] in imported
    trashed_line = next(
        line for line in imported.splitlines() if TRASHED["title"] in line
    )
    for post, comment in left_out_comments():
        if comment["type"] in PINGS:
            continue
        listed = re.search(rf"comment {comment['id']}\b", imported)
        # A comment of the trashed post may be told on its post's line instead.
        with_post = post is TRASHED and re.search(r"\b1 comment\b", trashed_line)
        assert listed or with_post, (
            f"comment {comment['id']} ({comment['status']}) of post {post['id']} "
            "is left out, and the report does not say so"
        )
    # The password dropped is said.
    assert re.search(
        rf"post {PASSWORD['id']}\b.*{PASSWORD['title']}.*password", imported
    )


# ---- Old addresses -----------------------------------------------------------------


def test_every_old_address_of_a_post_answers_301(imported, app, client):
    for post in PUBLIC:
        statement = local(app, "statement", post["id"])
        new = f"/statements/{statement.slug}"
        for old in (post["path"], post["shortlink_path"]):
            moved, page = follow(client, old)
            assert urlsplit(moved.headers["Location"]).path == new, old
            assert page.status_code == 200, old
            assert post["title"] in text_of(page.get_data(as_text=True)), old
    # Links as others wrote them: upper-case percent-encoding, or not encoded at all.
    upper = re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), ARMENIAN["path"])
    for variant in (upper, unquote(ARMENIAN["path"])):
        moved, page = follow(client, variant)
        assert page.status_code == 200, variant
        assert ARMENIAN["title"] in text_of(page.get_data(as_text=True))
    # Not public: no address of theirs shows them.
    for post in NOT_PUBLIC:
        for old in {post["path"], post["shortlink_path"]}:
            answer = get(client, old)
            if answer.status_code == 301:
                target = urlsplit(answer.headers["Location"])
                answer = get(client, target.path)
            assert answer.status_code == 404, (post["title"], old)
            assert post["title"] not in answer.get_data(as_text=True)
    for old in (TRASHED["path"], TRASHED["shortlink_path"]):
        answer = get(client, old)  # /?p= of no post is the front page
        assert answer.status_code in (200, 404), old
        assert TRASHED["title"] not in answer.get_data(as_text=True)


def test_slugs_wordpress_cut_short_are_made_whole_from_the_title(imported, app):
    # WordPress keeps 200 bytes of a percent-encoded slug: the Armenian one ended
    # "…havakneri-aza" (a cut of azatutyan); its old address still answers.
    assert local(app, "statement", ARMENIAN["id"]).slug == (
        "haytararutyun-khaghagh-havakneri-azatutyan-masin"
    )


def attachment_links() -> list[tuple[int, str]]:
    """(post id, old path) of each attachment's page, read from the export."""
    wp = "{http://wordpress.org/export/1.2/}"
    found = []
    for item in lxml.etree.parse(str(EXPORT)).iter("item"):
        if item.findtext(f"{wp}post_type") == "attachment":
            path = urlsplit(item.findtext("link")).path
            found.append((int(item.findtext(f"{wp}post_parent")), path))
    return found


def test_an_attachments_old_page_answers_301_to_its_post(imported, app, client):
    links = attachment_links()
    assert len(links) == len(EXPECTED["attachments"])
    for attachment in EXPECTED["attachments"]:
        links.append((attachment["parent"], f"/?attachment_id={attachment['id']}"))
    for post_id, path in links:
        statement = local(app, "statement", post_id)
        moved, page = follow(client, path)
        assert urlsplit(moved.headers["Location"]).path == (
            f"/statements/{statement.slug}"
        ), path
        assert page.status_code == 200, path


def test_old_category_tag_and_page_addresses_answer_301(imported, app, client):
    for category in EXPECTED["categories"]:
        moved, page = follow(client, category["path"])
        assert page.status_code == 200, category["path"]
        assert category["name"] in text_of(page.get_data(as_text=True)), category
    for tag in EXPECTED["tags"]:
        moved, page = follow(client, tag["path"])
        assert page.status_code == 200, tag["path"]
        assert tag["name"] in text_of(page.get_data(as_text=True)), tag
    for wp_page in EXPECTED["pages"]:
        here = local(app, "page", wp_page["id"])
        moved, page = follow(client, wp_page["path"])
        assert urlsplit(moved.headers["Location"]).path == f"/pages/{here.slug}"
        assert page.status_code == 200
        assert wp_page["title"] in text_of(page.get_data(as_text=True))


# ---- Comments ----------------------------------------------------------------------


def test_comments_match_the_export(imported, app, client):
    pages = {post["id"]: statement_page(client, app, post) for post in PUBLIC}
    for post, comment in imported_comments():
        here = local(app, "comment", comment["id"])
        assert here is not None, comment
        assert here.status == COMMENT_STATUS[comment["status"]], comment
        assert here.created_at == utc(comment["date_gmt"]), comment
        assert here.author_name == htmllib.unescape(comment["author"])
        if post not in PUBLIC:
            continue
        page = pages[post["id"]]
        thread = thread_on_page(page)
        words = text_of(comment["content"])
        if here.status == "approved":
            assert here.id in thread, comment
            assert words in text_of(page), comment
            parent = (
                local(app, "comment", comment["parent"]) if comment["parent"] else None
            )
            assert thread[here.id] == (parent.id if parent else None), comment
        else:
            assert here.id not in thread and words not in text_of(page), comment
    for post, comment in left_out_comments():
        assert local(app, "comment", comment["id"]) is None, comment
        if post["id"] in pages:
            assert text_of(comment["content"]) not in text_of(pages[post["id"]]), (
                comment
            )
    for spam in EXPECTED["spam_comments_not_exported"]:
        assert spam["content"] not in pages[spam["post_id"]]
    # A commenter's website is their name's link.
    with_websites = 0
    for post, comment in imported_comments():
        if post in PUBLIC and comment["status"] == "1" and comment["url_in_export"]:
            here = local(app, "comment", comment["id"])
            tree = lxml.html.fromstring(pages[post["id"]])
            author = tree.xpath(f"//*[@id='comment-{here.id}-author']//a/@href")
            assert author == [comment["url_in_export"]], comment
            with_websites += 1
    assert with_websites >= 3


def test_a_thread_deeper_than_the_site_shows_is_attached_at_its_deepest_level(
    app_config, request
):
    app_config["COMMENT_MAX_DEPTH"] = 3
    app, client = request.getfixturevalue("app"), request.getfixturevalue("client")
    run_import(request.getfixturevalue("runner"))
    by_id = {c["id"]: c for c in DETENTION["comments"]}

    def level(comment):
        return 1 if not comment["parent"] else 1 + level(by_id[comment["parent"]])

    deep = [c for c in DETENTION["comments"] if c["status"] == "1" and level(c) > 3]
    assert deep, "the fixture has a thread four levels deep"
    thread = thread_on_page(statement_page(client, app, DETENTION))
    for comment in deep:
        ancestor = by_id[comment["parent"]]
        while level(ancestor) > 2:  # its parent is the one at the level above the last
            ancestor = by_id[ancestor["parent"]]
        here = local(app, "comment", comment["id"])
        assert thread[here.id] == local(app, "comment", ancestor["id"]).id


def test_no_email_on_any_public_page(imported, app, client):
    addresses = [
        "/",
        "/statements",
        "/feed.atom",
        "/sitemap.xml",
        "/search?q=statement",
    ]
    for post in PUBLIC:
        slug = local(app, "statement", post["id"]).slug
        for prefix in ("", "/hy", "/ru"):
            addresses.append(f"{prefix}/statements/{slug}")
        addresses.append(f"/statements/{slug}/comments.atom")
    for wp_page in EXPECTED["pages"]:
        addresses.append(f"/pages/{local(app, 'page', wp_page['id']).slug}")
    for category in EXPECTED["categories"]:
        addresses.append(f"/category/{local(app, 'category', category['id']).slug}")
    for tag in EXPECTED["tags"]:
        moved, page = follow(client, tag["path"])
        addresses.append(urlsplit(moved.headers["Location"]).path)
    addresses += ["/hy/", "/ru/", "/organisations", "/hy/statements"]
    emails = every_email()
    for address in addresses:
        answer = get(client, address)
        assert answer.status_code == 200, address
        text = answer.get_data(as_text=True)
        assert not [e for e in emails if e in text], address


# ---- Views, statuses, dates ----------------------------------------------------------


def test_views_are_the_larger_of_the_two_counters(imported, app, client):
    counted = [p for p in IMPORTED if p["view_meta"]]
    assert any(len(p["view_meta"]) == 2 for p in counted)
    for post in counted:
        assert local(app, "statement", post["id"]).views == post["views"], post["title"]
    for post in PUBLIC:
        shown = re.search(
            r"views: ([\d,.\s\u00a0\u202f]+)", statement_page(client, app, post)
        )
        assert int(re.sub(r"\D", "", shown.group(1))) == post["views"], post["title"]


def test_scheduled_post_is_not_public_until_its_date(imported, app, client):
    statement = local(app, "statement", SCHEDULED["id"])
    assert statement.published_at == utc(SCHEDULED["date_gmt"])
    assert statement.published_at > datetime.now(UTC)
    assert get(client, f"/statements/{statement.slug}").status_code == 404
    year, month = SCHEDULED["date"][:4], SCHEDULED["date"][5:7]
    for address in ("/", "/statements", f"/archive/{year}/{month}", "/feed.atom"):
        assert SCHEDULED["title"] not in get(client, address).get_data(as_text=True)


def test_scheduled_post_is_public_from_its_date_without_a_job(
    imported, app, client, monkeypatch
):
    later = utc(SCHEDULED["date_gmt"]) + timedelta(minutes=1)
    monkeypatch.setattr("ngo.models.utcnow", lambda: later)  # the clock, nothing else
    statement = local(app, "statement", SCHEDULED["id"])
    page = get(client, f"/statements/{statement.slug}")
    assert page.status_code == 200
    assert SCHEDULED["title"] in text_of(page.get_data(as_text=True))
    moved, page = follow(client, SCHEDULED["shortlink_path"])
    assert page.status_code == 200


def test_password_private_pending_and_drafts_become_drafts(imported, app, client):
    for post in NOT_PUBLIC:
        if post is SCHEDULED:
            continue
        statement = local(app, "statement", post["id"])
        assert statement.status == "draft", post["title"]
        assert get(client, f"/statements/{statement.slug}").status_code == 404
        assert post["title"] not in get(client, "/statements").get_data(as_text=True)
    assert local(app, "statement", TRASHED["id"]) is None


def test_dates_are_gmt_or_the_site_time_zone(imported, app):
    for post in IMPORTED:
        statement = local(app, "statement", post["id"])
        if post["date_gmt"].startswith("0000"):
            local_date = datetime.strptime(post["date"], "%Y-%m-%d %H:%M:%S")
            expected = local_date.replace(tzinfo=SITE_ZONE).astimezone(UTC)
        else:
            expected = utc(post["date_gmt"])
        assert statement.published_at == expected, post["title"]
    assert any(p["date_gmt"].startswith("0000") for p in IMPORTED)


# ---- What the bodies become ----------------------------------------------------------


def test_hostile_post_is_clean(imported, app, client):
    moved, page = follow(client, HOSTILE["path"])
    markup = page.get_data(as_text=True)
    assert (
        "xss-" not in markup
    )  # every payload of the post and its comment is marked so
    lowered = markup.lower()
    assert "javascript:" not in lowered and "<iframe" not in lowered
    body = lxml.html.tostring(body_of(markup), encoding="unicode").lower()
    assert "<script" not in body and "<style" not in body and "<svg" not in body
    assert not re.search(r"\son[a-z]+\s*=", body)
    words = text_of(markup)
    assert "Click this paragraph." in words and "The end of the statement." in words


def test_blocks_more_embeds_and_captions(imported, app, client):
    for post in PUBLIC:
        markup = statement_page(client, app, post)
        assert (
            "wp:" not in markup
            and "[caption" not in markup
            and "<!--more" not in markup
        )
        for node in article(markup).xpath(".//*[@src]"):
            assert urlsplit(node.get("src")).netloc in ("", "localhost"), post["title"]
        assert not article(markup).xpath(".//iframe|.//embed|.//object")
    # <!--more--> ends the summary; an excerpt is the summary.
    detention = local(app, "statement", DETENTION["id"])
    assert "excessive force by the police" in detention.summary
    assert "Our monitors" not in detention.summary and "Our monitors" in detention.body
    for post in (TORTURE, RUSSIAN):
        assert local(app, "statement", post["id"]).summary == post["excerpt"]
    # Classic posts get their paragraphs.
    assert len(body_of(statement_page(client, app, DETENTION)).xpath(".//p")) >= 6
    # [caption] -> <figure> with <figcaption>, the image from the media folder.
    for post, caption in (
        (DETENTION, "Protesters on Republic Square, 19 September 2023"),
        (RUSSIAN, "Журналисты у здания суда в Гюмри"),
    ):
        figures = body_of(statement_page(client, app, post)).xpath(".//figure")
        assert [
            f
            for f in figures
            if text_of(lxml.html.tostring(f, encoding="unicode")) == caption
            and f.xpath("./figcaption")
            and f.xpath(".//img[starts-with(@src, '/media/')]")
        ]
    # Embeds: a plain link with a title, never an iframe.
    for post, host in ((ARMENIAN, "www.youtube.com"), (ELECTIONS, "vimeo.com")):
        links = body_of(statement_page(client, app, post)).xpath(".//a[@href]")
        embed = [a for a in links if urlsplit(a.get("href")).netloc == host]
        assert embed and embed[0].text_content().strip(), post["title"]


def test_trailing_signatories(imported, app, client):
    signed = {
        TORTURE["id"]: [
            "Helsinki Citizens' Assembly – Vanadzor",
            "Protection of Rights without Borders",
            "Open Society Foundations – Armenia",
            "Transparency International Anticorruption Center",
            "Journalists for the Future",
        ],
        ARMENIAN["id"]: [
            "Հելսինկյան քաղաքացիական ասամբլեայի Վանաձորի գրասենյակ",
            "Իրավունքների պաշտպանություն առանց սահմանների",
            "Խոսքի ազատության պաշտպանության կոմիտե",
        ],
        RUSSIAN["id"]: [
            "Хельсинкская гражданская ассамблея – Ванадзор",
            "Комитет по защите свободы слова",
            "Союз информированных граждан",
            "Правовой путь",
        ],
    }
    for post in PUBLIC:
        markup = statement_page(client, app, post)
        listed = [
            li.xpath("./a")[0].text_content().strip()
            for li in article(markup).xpath(".//ol[@class='signatories__list']/li")
        ]
        assert listed == signed.get(post["id"], []), post["title"]
        body = text_of(lxml.html.tostring(body_of(markup), encoding="unicode"))
        for name in listed:
            assert name not in body, (post["title"], name)
    # The list in the middle of the torture statement stays in its body.
    body = body_of(statement_page(client, app, TORTURE))
    assert "video recording of every interrogation" in body.text_content()


def test_without_options_the_lists_stay_and_no_image_is_fetched(
    runner, app, client, tmp_path
):
    result = runner.invoke(args=["import-wordpress", str(EXPORT)])
    assert result.exit_code == 0, result.output
    assert count(app, Signature) == 0
    markup = statement_page(client, app, TORTURE)
    assert not article(markup).xpath(".//ol[@class='signatories__list']")
    assert "Journalists for the Future" in body_of(markup).text_content()
    media = tmp_path / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    for post in PUBLIC:  # no uploads folder: no image may load from the old site
        for node in article(statement_page(client, app, post)).xpath(".//*[@src]"):
            assert urlsplit(node.get("src")).netloc in ("", "localhost"), post["title"]


def test_media_copied_and_the_missing_image_reported(imported, app, client, tmp_path):
    media = tmp_path / "media"
    for post in (DETENTION, TORTURE, RUSSIAN):
        for img in body_of(statement_page(client, app, post)).xpath(".//img"):
            src = img.get("src")
            assert src.startswith("/media/"), src
            relative = src.removeprefix("/media/")
            served = get(client, src)
            assert served.status_code == 200
            assert served.data == (UPLOADS / relative).read_bytes()
            assert (media / relative).read_bytes() == (UPLOADS / relative).read_bytes()
    (missing,) = MISSING
    assert re.search(rf"^\s*{re.escape(missing['url'])}$", imported, re.M)
    body = body_of(statement_page(client, app, ELECTIONS))
    assert missing["url"] in [a.get("href") for a in body.xpath(".//a")]
    assert missing["url"] not in [i.get("src") for i in body.xpath(".//*[@src]")]


# ---- Categories, tags, pages -------------------------------------------------------


def test_categories_tags_and_pages_keep_their_shape(imported, app, client):
    by_slug = {c["slug"]: c for c in EXPECTED["categories"]}
    for category in EXPECTED["categories"]:
        here = local(app, "category", category["id"])
        assert here.name == category["name"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", here.slug), here.slug
        parent = by_slug.get(category["parent"])
        expected_parent = local(app, "category", parent["id"]).id if parent else None
        assert here.parent_id == expected_parent, category["name"]
    assert any(c["name"] == "Peace & security" for c in EXPECTED["categories"])
    for tag in EXPECTED["tags"]:
        here = local(app, "tag", tag["id"])
        assert here.name == tag["name"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", here.slug), here.slug
    # A statement is listed under its categories, their ancestors, and its tags.
    top = local(app, "category", by_slug["activities"]["id"])
    assert TORTURE["title"] in get(client, f"/category/{top.slug}").get_data(
        as_text=True
    )
    for tag in EXPECTED["tags"]:
        posts = [p for p in PUBLIC if tag["slug"] in p["tags"]]
        moved, page = follow(client, tag["path"])
        for post in posts:
            assert post["title"] in text_of(page.get_data(as_text=True)), tag["name"]
    # Pages: a child right after its parent, in WordPress's menu order.
    with app.app_context():
        titles = db.session.scalars(db.select(Page.title).order_by(Page.position)).all()
    assert titles == ["About", "Our team", "Contacts"]


# ---- Again, and the export with a bare '&' -------------------------------------------


def test_importing_again_updates_and_never_duplicates(runner, app, client):
    run_import(runner)
    before = all_counts(app)
    again = run_import(runner)
    assert all_counts(app) == before
    numbers = report_numbers(again)
    for kind in ("Statements", "Pages", "Comments", "Categories", "Tags"):
        assert numbers[kind].get("new", 0) == 0, (kind, numbers[kind])
    statements = numbers["Statements"]
    assert statements.get("updated", 0) + statements.get("unchanged", 0) == len(
        IMPORTED
    )
    for post in IMPORTED:
        assert local(app, "statement", post["id"]).views == post["views"]
    moved, page = follow(client, DETENTION["path"])
    assert page.status_code == 200


def test_the_export_with_a_bare_ampersand_is_recovered(runner, app, client):
    run_import(runner)
    before = count(app, Comment)
    report = run_import(runner, AMPERSAND)
    assert re.search(r"^Repairs of the export's XML: [1-9]", report, re.M)
    line = AMPERSAND.read_bytes().split(
        EXPECTED["ampersand"]["exporter_wrote"].encode()
    )[0]
    line_number = line.count(b"\n") + 1
    assert re.search(rf"\bline {line_number}\b", report), report
    assert count(app, Comment) == before + 1
    wanted = EXPECTED["ampersand"]["comment"]
    here = local(app, "comment", wanted["id"])
    assert here.status == "approved" and here.author_url == wanted["url"]
    markup = statement_page(client, app, POSTS[EXPECTED["ampersand"]["post_id"]])
    assert wanted["content"] in text_of(markup)
    links = lxml.html.fromstring(markup).xpath(
        f"//li[@id='comment-{here.id}']//a/@href"
    )
    assert wanted["url"] in links
    assert wanted["email"] not in markup
