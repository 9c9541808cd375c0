"""Sharing a statement and printing it: plain share links with its address and title
(HTTP), "Copy link" only with JavaScript and no request to another site (Chromium),
and the statement printed to PDF with its date, trail, signatories and address and
without the site's controls."""

import io
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from ngo.accessibility.preferences import COOKIE_NAME
from tests.commenting import add_comment

ORIGIN = "http://localhost"
NETWORKS = ["By email", "Facebook", "X", "Telegram", "WhatsApp"]


class ShareSection(HTMLParser):
    """The links and the button of a page's share section."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.button: dict | None = None
        self.hidden_items: list[str] = []
        self.heading = ""
        self._depth = 0  # inside <section class="share">
        self._text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "share":
            self._depth = 1
            return
        if not self._depth:
            return
        if tag == "section":
            self._depth += 1
        if tag == "li" and "hidden" in attrs:
            self.hidden_items.append(attrs.get("class"))
        if tag == "a":
            self.links.append(attrs | {"text": ""})
            self._text = "a"
        elif tag == "button":
            self.button = attrs | {"text": ""}
            self._text = "button"
        elif tag == "h2":
            self._text = "h2"

    def handle_data(self, data):
        if self._text == "a":
            self.links[-1]["text"] += data
        elif self._text == "button":
            self.button["text"] += data
        elif self._text == "h2":
            self.heading += data

    def handle_endtag(self, tag):
        if tag in ("a", "button", "h2"):
            self._text = None
        if tag == "section" and self._depth:
            self._depth -= 1


def share_section(html: str) -> ShareSection:
    """The share section of a page, parsed."""
    parser = ShareSection()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("prefix", ["", "/hy", "/ru"])
def test_a_statement_is_shared_by_plain_links_with_its_address_and_title(
    client, make_statement, prefix
):
    title = "Appeal: stop the “trial” & free them now?"
    slug = make_statement(title=title)
    address = f"{ORIGIN}{prefix}/statements/{slug}"
    for _ in range(2):  # rendered, then from the cache
        html = client.get(f"{prefix}/statements/{slug}").get_data(as_text=True)
    share = share_section(html)
    assert share.heading
    assert len(share.links) == len(NETWORKS)
    by_host = {}
    for link in share.links:
        # Named "Share on X" and the like; the name holds the text shown.
        assert link["text"].lower() in link["aria-label"].lower(), link
        assert link["aria-label"] != link["text"]
        assert "target" not in link  # opens here, as every link on the site
        parts = urlsplit(link["href"])
        if parts.scheme == "mailto":
            query = parse_qs(parts.query)
            assert query == {"subject": [title], "body": [address]}
            assert "rel" not in link
            continue
        assert parts.scheme == "https"
        assert set(link["rel"].split()) >= {"noopener", "noreferrer"}
        by_host[parts.netloc] = parse_qs(parts.query)
    if not prefix:
        assert [link["text"] for link in share.links] == NETWORKS
        assert [link["aria-label"] for link in share.links][1:] == [
            f"Share on {name}" for name in NETWORKS[1:]
        ]
    assert by_host["www.facebook.com"] == {"u": [address]}
    assert by_host["x.com"] == {"url": [address], "text": [title]}
    assert by_host["t.me"] == {"url": [address], "text": [title]}
    assert by_host["wa.me"] == {"text": [f"{title} {address}"]}
    # "Copy link" waits hidden for the script; the address it copies is the page's.
    assert share.button["text"].strip()
    assert share.button["data-share-url"] == address
    assert share.button["type"] == "button"
    assert share.hidden_items == ["share__copy"]
    assert '<script src="/static/js/share.js' in html


def test_a_draft_has_no_share_links(app, editor):
    from ngo.extensions import db
    from ngo.models import Statement

    with app.app_context():
        db.session.add(Statement(title="Draft", slug="draft", status="draft"))
        db.session.commit()
    html = editor.get("/statements/draft").get_data(as_text=True)
    assert share_section(html).links == []
    assert "share.js" not in html


@pytest.mark.browser
def test_copy_link_only_with_javascript_and_nothing_from_elsewhere(
    live_server, make_statement, page_factory
):
    slug = make_statement(
        title="Copy me", categories=["Rights"], signatories=["Article 3 Club"]
    )
    url = f"{live_server}/statements/{slug}"

    without = page_factory(javascript=False)
    without.goto(url)
    assert without.get_by_role("link", name="Share on Telegram").is_visible()
    assert without.get_by_role("button", name="Copy link").count() == 0

    page = page_factory(permissions=["clipboard-read", "clipboard-write"])
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url, wait_until="networkidle")
    foreign = [u for u in requested if not u.startswith(live_server + "/")]
    assert foreign == []
    assert any("/js/share" in u for u in requested)
    button = page.get_by_role("button", name="Copy link")
    button.click()
    status = page.locator(".share__status")
    status.filter(has_text="Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == url
    # Following nothing, hovering nothing: still no request to another site.
    page.get_by_role("link", name="Share on Facebook").hover()
    assert [u for u in requested if not u.startswith(live_server + "/")] == []


@pytest.mark.browser
def test_a_statement_prints_with_its_facts_and_address_and_without_controls(
    app, live_server, make_statement, page_factory
):
    from pypdf import PdfReader

    slug = make_statement(
        title="Appeal for the release of the detained defenders",
        categories=["Activities", "Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue", "Helsinki Group"],
        body="<p>" + "The signatories call on the authorities to act. " * 60 + "</p>",
    )
    add_comment(app, slug, "approved", body="<p>A reader's remark.</p>")
    url = f"{live_server}/statements/{slug}"
    page = page_factory()
    # White on black at 200%: the paper is black on white all the same.
    page.context.add_cookies(
        [{"name": COOKIE_NAME, "value": "fs:200|bg:000000|fg:ffffff", "url": url}]
    )
    page.goto(url)
    page.emulate_media(media="print")
    colours = page.evaluate(
        """() => [document.body, document.querySelector('h1'),
                   document.querySelector('.signatories a')].map(e => {
                 const s = getComputedStyle(e);
                 return [s.color, s.backgroundColor];
               })"""
    )
    assert colours[0] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert [c[0] for c in colours] == ["rgb(0, 0, 0)"] * 3
    assert (
        page.evaluate("getComputedStyle(document.querySelector('h2')).breakAfter")
        == "avoid"
    )
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    # NFKC: PDF text spells ligatures as one character ("ﬁ").
    text = unicodedata.normalize(
        "NFKC", "\n".join(p.extract_text() for p in reader.pages)
    )
    flat = re.sub(r"\s+", " ", text)
    for expected in [
        "Appeal for the release of the detained defenders",
        "September",  # the date, written out
        "Activities",
        "Right to life",
        "Signatories",
        "Article 3 Club",
        "Peace Dialogue",
        "Helsinki Group",
        "A reader's remark.",
    ]:
        assert expected in flat, expected
    assert url in re.sub(r"\s+", "", text)  # the address, however it wrapped
    for absent in ["Post Comment", "Accessibility", "Share", "Menu", "Search"]:
        assert absent not in text, absent
