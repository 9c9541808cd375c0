"""Hostile input in every field of the comment form: nothing runs, whatever the path.

Each vector goes through each field with CSRF on, and every page the site then
shows (the public page, the author's own page, the re-rendered form of a 422,
409 or 429) is parsed: no script but the site's own, no event handler, no
javascript:/data:/vbscript: URL, no embedded content, no inline style.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from ngo.sanitize import COMMENT_LINK_REL, clean_comment_html, count_links
from tests.commenting import comment_id_from, post_comment, stored, trust

VECTORS = [
    "<script>alert(1)</script>",
    "<sCrIpT>alert(1)</ScRiPt>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    '<IMG SRC="javascript:alert(1);">',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)//",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">'
    "x</a>",
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" style="position:fixed;inset:0">x</a>',
    '<a href="http://ok.example/"onmouseover="alert(1)">x</a>',
    '<a href="https://ok.example"<script>alert(1)</script>>x</a>',
    '<<a href="javascript:alert(1)">>x',
    "<b onmouseover=alert(1)>hover</b>",
    '<abbr title="x" onmouseover="alert(1)">a</abbr>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<q cite="data:text/html,x">q</q>',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)">',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<form action="javascript:alert(1)">'
    '<button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<style>@import "javascript:alert(1)";</style>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "javascript:alert(1)",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/?q=<svg/onload=alert(1)>",
    "\u0000<script>alert(1)</script>",
    "＜script＞alert(1)＜/script＞",
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "cite",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcset",
    "ping",
}
EMBEDDED = {
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "video",
    "audio",
    "source",
    "base",
    "frame",
    "frameset",
    "applet",
    "template",
    "portal",
}
COMMENT_TAGS = {
    "p",
    "br",
    "a",
    "abbr",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
}
COMMENT_ATTRS = {
    "a": {"href", "title", "rel"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}


def _scheme(value: str) -> str:
    """The scheme a browser sees once it drops whitespace and control characters."""
    value = re.sub(r"[\x00-\x20]", "", value or "").lower()
    return value.split(":", 1)[0] if ":" in value.split("/", 1)[0] else ""


# Where the site's own stylesheets, icons and logo come from (ngo.assets, ngo.identity,
# ngo.icons).
SITE_FILES = (
    "/static/",
    "/identity.css?v=",
    "/brand/logo.",
    "/favicon.ico?v=",
    "/apple-touch-icon.png?v=",
    "/site.webmanifest?v=",
    "/brand/icon-",
)


def _site_logo(tag: str, attrs: dict) -> bool:
    """The header's logo: the one image the layout itself shows."""
    return (
        tag == "img"
        and attrs.get("class") == "brand__logo"
        and (attrs.get("src") or "").startswith(SITE_FILES)
    )


# This site's own absolute addresses, as the test client asks for them.
SITE_ORIGIN = "http://localhost/"
# Structured data (ngo.previews.json_ld): JSON, never run.
DATA_SCRIPT = "application/ld+json"


def _site_link(attrs: dict) -> bool:
    """A <link> to the site's own files, to this page in another language (an
    address on this site: hreflang alternates), to its Atom feeds (same-site paths
    ending .atom), or this page's canonical address."""
    href = attrs.get("href") or ""
    if attrs.get("rel") == "alternate" and attrs.get("hreflang"):
        return href.startswith(SITE_ORIGIN)
    if attrs.get("rel") == "alternate" and attrs.get("type") == "application/atom+xml":
        return (
            href.startswith("/")
            and not href.startswith("//")
            and href.endswith(".atom")
        )
    if attrs.get("rel") == "canonical":
        return href.startswith(SITE_ORIGIN)
    return href.startswith(SITE_FILES)


def _safe_data(text: str) -> bool:
    """Structured data that is JSON and holds nothing that could end its <script>
    or start markup in it (`<`, `>` and `&` written as JSON escapes)."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return not any(c in text for c in "<>&")


class _Audit(HTMLParser):
    """Every way a page could run a script or load something it should not."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = False
        self._data: list[str] | None = None  # the text of a structured-data script

    def handle_starttag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def handle_startendtag(self, tag, attrs):
        self._check(tag, dict(attrs))

    def _check(self, tag, attrs):
        problem = self.problems.append
        if tag == "script" and attrs == {"type": DATA_SCRIPT}:
            self._data = []
        elif tag == "script":
            self._script = True
            if not (attrs.get("src") or "").startswith("/static/"):
                problem(f"script not from /static/: {attrs}")
        if tag in EMBEDDED and not _site_logo(tag, attrs):
            problem(f"<{tag}>")
        if tag == "style" and "nonce" not in attrs:
            problem("<style> without nonce")
        if tag == "meta" and "http-equiv" in attrs:
            problem(f"<meta http-equiv>: {attrs}")
        if tag == "link" and not _site_link(attrs):
            problem(f"<link>: {attrs}")
        if tag == "form" and not (attrs.get("action") or "/").startswith("/"):
            problem(f"<form action>: {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                problem(f"<{tag} {name}>")
            if name == "style":
                problem(f"<{tag} style>")
            if name in URL_ATTRIBUTES and _scheme(value) in (
                "javascript",
                "data",
                "vbscript",
            ):
                problem(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._data is not None:
            self._data.append(data)
        elif self._script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")

    def handle_endtag(self, tag):
        if tag == "script" and self._data is not None:
            text = "".join(self._data)
            if not _safe_data(text):
                self.problems.append(f"structured data not safe JSON: {text[:60]!r}")
            self._data = None
        elif tag == "script":
            self._script = False


def assert_inert(response):
    """The page carries nothing that could run or load hostile content."""
    audit = _Audit()
    audit.feed(response.get_data(as_text=True))
    audit.close()
    assert audit.problems == [], audit.problems[:5]
    for name, value in response.headers.items():
        assert "<" not in value and "javascript:" not in value.lower(), (name, value)


class _Stored(HTMLParser):
    """Tags and attributes of a stored comment body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_clean_body(html: str):
    """A stored body holds only the comment tags, attributes and safe link schemes."""
    parser = _Stored()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in COMMENT_TAGS, (tag, html)
        assert set(attrs) <= COMMENT_ATTRS.get(tag, set()), (tag, attrs, html)
        for name in ("href", "cite"):
            if name in attrs:
                assert _scheme(attrs[name]) in ("http", "https", "mailto"), (
                    attrs,
                    html,
                )
        if tag == "a":
            assert attrs.get("rel") == COMMENT_LINK_REL, attrs


@pytest.fixture
def app_config(app_config):
    """CSRF on; no time trap and no flood window, so that every vector is posted."""
    return app_config | {
        "WTF_CSRF_ENABLED": True,
        "TRUSTED_PROXIES": 1,
        "COMMENT_MIN_SECONDS": 0,
        "COMMENT_FLOOD_SECONDS": 0,
    }


@pytest.fixture
def trusted(app, make_statement):
    """A statement and an email whose comments publish at once."""
    slug = make_statement()
    trust(app, slug, "trusted@example.org")
    return slug


def test_there_are_enough_vectors():
    assert len(VECTORS) >= 30


@pytest.mark.parametrize("vector", VECTORS)
def test_the_sanitiser_leaves_only_the_allowed_markup(vector):
    assert_clean_body(str(clean_comment_html(vector)))
    assert_clean_body(
        str(clean_comment_html(vector + "\n\n" + vector + " https://example.org/x"))
    )


def test_comment_field(client, app, trusted):
    for number, vector in enumerate(VECTORS):
        text = f"{number}: {vector}"
        response = post_comment(
            client, trusted, comment=text, email="trusted@example.org"
        )
        if (
            response.status_code == 422
        ):  # nothing readable was left: the form comes back
            assert_inert(response)
            continue
        assert response.status_code == 303, (vector, response.status_code)
        comment = stored(app, comment_id_from(response))
        assert comment.status in ("approved", "pending"), vector
        assert_clean_body(comment.body)
        again = post_comment(client, trusted, comment=text, email="trusted@example.org")
        assert again.status_code == 409
        assert_inert(again)
    page = app.test_client().get(f"/statements/{trusted}")
    assert page.status_code == 200
    assert_inert(page)


def test_author_field(client, app, trusted):
    for number, vector in enumerate(VECTORS):
        response = post_comment(
            client,
            trusted,
            comment=f"Name test {number}",
            author=vector,
            email="trusted@example.org",
        )
        if response.status_code == 422:  # a name of control characters only
            assert_inert(response)
            continue
        assert response.status_code == 303, vector
        page = client.get(f"/statements/{trusted}")
        assert_inert(page)
    public = app.test_client().get(f"/statements/{trusted}")
    assert_inert(public)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in public.get_data(as_text=True)
    # Reply to each hostile name: "Reply to <name>" and data-author are escaped too.
    for match in re.findall(r"replytocom=(\d+)#respond", public.get_data(as_text=True))[
        :20
    ]:
        assert_inert(app.test_client().get(f"/statements/{trusted}?replytocom={match}"))


def test_url_field(client, app, trusted):
    published = 0
    for number, vector in enumerate(VECTORS):
        response = post_comment(
            client,
            trusted,
            comment=f"Website test {number}",
            url=vector,
            email="trusted@example.org",
        )
        assert response.status_code in (303, 422), vector
        assert_inert(response)
        if response.status_code == 303:
            published += 1
            url = stored(app, comment_id_from(response)).author_url
            assert _scheme(url) in ("http", "https"), url
    assert published >= 2  # the http(s) vectors are addresses, shown escaped
    assert_inert(app.test_client().get(f"/statements/{trusted}"))


def test_email_field(client, app, trusted):
    for number, vector in enumerate(VECTORS):
        response = post_comment(
            client, trusted, comment=f"Email test {number}", email=vector
        )
        assert response.status_code == 422, vector
        assert_inert(response)


@pytest.mark.parametrize(
    "field", ["comment_parent", "stamp", "subject", "remember", "csrf_token"]
)
def test_hidden_and_trap_fields(client, app, trusted, field):
    for number, vector in enumerate(VECTORS):
        response = post_comment(
            client,
            trusted,
            comment=f"{field} test {number}",
            email="trusted@example.org",
            **{field: vector},
        )
        assert response.status_code in (303, 400, 422), (
            field,
            vector,
            response.status_code,
        )
        assert_inert(response)
        if response.status_code == 303:
            assert_inert(client.get(f"/statements/{trusted}"))


def test_query_and_cookie_values(client, app, trusted):
    for vector in VECTORS:
        assert_inert(
            client.get(f"/statements/{trusted}", query_string={"replytocom": vector})
        )
        client.set_cookie("comment_author", vector.replace("\x00", ""))
        client.set_cookie("comment_pending", vector.replace("\x00", ""))
        assert_inert(client.get(f"/statements/{trusted}"))


def test_the_sanitiser_keeps_what_readers_mean():
    html = str(
        clean_comment_html(
            "First paragraph with <strong>bold</strong> and <em>emphasis</em>.\n"
            "A second line.\n\n"
            "<blockquote>A quote</blockquote>\n"
            "See https://example.org/report?id=1&x=2 or www.example.net, "
            "not report.pdf.\n\n"
            '<a href="mailto:press@example.org">Write to us</a> &amp; x < y'
        )
    )
    rel = 'rel="nofollow ugc noopener"'
    assert html == (
        "<p>First paragraph with <strong>bold</strong> and <em>emphasis</em>."
        "<br>A second line.</p>"
        "<blockquote><p>A quote</p></blockquote>"
        f'<p>See <a href="https://example.org/report?id=1&amp;x=2" {rel}>'
        "https://example.org/report?id=1&amp;x=2</a> or "
        f'<a href="http://www.example.net" {rel}>www.example.net</a>, '
        "not report.pdf.</p>"
        f'<p><a href="mailto:press@example.org" {rel}>Write to us</a>'
        " &amp; x &lt; y</p>"
    )
    assert count_links(html) == 3
