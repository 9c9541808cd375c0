"""Page weight: the CSS and JavaScript any page links stay within 15 KB gzipped, and
everything a page loads (styles, scripts, images, icons, fonts) comes from this site."""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.commenting import add_comment
from tests.staff import signed_in

BUDGET = 15 * 1024
# gzip's own default level, as `gzip` and most servers' compression modules use.
LEVEL = 6
# Attributes that make a browser fetch something.
FETCHING = {"src", "href", "srcset", "poster", "data", "action", "formaction"}
# <link> relations that name addresses of this page (absolute ones too), not loads.
NOT_FETCHED = {"canonical", "alternate"}


class Loads(HTMLParser):
    """The addresses a page makes the browser load, and its stylesheets and scripts."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.assets: list[str] = []  # stylesheets and scripts, in order
        self.inline = ""  # the text of inline <style> and <script>
        self._inline_tag = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        rel = (attributes.get("rel") or "").split()
        if tag == "link" and NOT_FETCHED & set(rel) and "stylesheet" not in rel:
            return
        if tag == "script" and attributes.get("type") == "application/ld+json":
            return  # structured data: neither run nor loaded
        for name, value in attrs:
            if value and name in FETCHING and not (tag == "a" and name == "href"):
                for url in value.split(",") if name == "srcset" else [value]:
                    self.urls.append((tag, name, url.strip().split(" ")[0]))
        if tag == "link" and "stylesheet" in rel:
            self.assets.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.assets.append(attributes["src"])
        elif tag in ("style", "script"):
            self._inline_tag = tag

    def handle_data(self, data):
        if self._inline_tag:
            self.inline += data

    def handle_endtag(self, tag):
        if tag == self._inline_tag:
            self._inline_tag = None


def same_origin(url: str) -> bool:
    """A path on this site: no scheme, no host (`//elsewhere` included)."""
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def weigh(client, path: str) -> tuple[int, list[str]]:
    """The gzipped bytes of a page's stylesheets and scripts, and what it loads
    from elsewhere (CSS `url()` and `@import` included)."""
    response = client.get(path)
    assert response.status_code == 200, path
    loads = Loads()
    loads.feed(response.get_data(as_text=True))
    foreign = [f"{t} {a}={u}" for t, a, u in loads.urls if not same_origin(u)]
    total = len(gzip.compress(loads.inline.encode(), LEVEL)) if loads.inline else 0
    for url in dict.fromkeys(loads.assets):
        if not same_origin(url):
            continue
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = asset.get_data()
        total += len(gzip.compress(body, LEVEL))
        if url.split("?")[0].endswith(".css"):
            text = body.decode()
            foreign += [f"{url} @import" for _ in re.finditer(r"@import", text)]
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
                if not same_origin(ref) and not ref.startswith("data:"):
                    foreign.append(f"{url} url({ref})")
    return total, foreign


@pytest.fixture
def paths(app, make_statement):
    """A statement with comments and the pages around it."""
    slug = make_statement(
        categories=["Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
        body="<p>" + "A statement of some length. " * 200 + "</p>",
    )
    add_comment(app, slug, "approved")
    return [
        "/",
        f"/statements/{slug}",
        "/category/rights",
        "/statements",
        "/organisations",
        "/accessibility",
    ]


def test_public_pages_stay_in_the_budget_and_load_only_from_this_site(client, paths):
    for path in [*paths, "/admin/login"]:
        total, foreign = weigh(client, path)
        print(f"{path}: CSS + JS {total} bytes gzipped")
        assert total <= BUDGET, (path, total)
        assert foreign == [], path


def test_a_reader_with_a_custom_colour_pair_stays_in_the_budget(client, paths):
    client.set_cookie("ngo_a11y", "fs:200|bg:000000|fg:ffffff")
    total, foreign = weigh(client, paths[1])
    assert total <= BUDGET, total
    assert foreign == []


def test_admin_pages_stay_in_the_budget(app, client):
    signed_in(app, client, "admin")
    for path in ["/admin/", "/admin/statements", "/admin/comments"]:
        total, foreign = weigh(client, path)
        print(f"{path}: CSS + JS {total} bytes gzipped")
        assert total <= BUDGET, (path, total)
        assert foreign == [], path


def test_the_weigher_sees_foreign_loads_and_counts_every_asset():
    loads = Loads()
    loads.feed(
        '<link rel="stylesheet" href="https://fonts.example/css">'
        '<script src="//cdn.example/x.js"></script><img src="/static/a.png">'
        '<img srcset="/a.png 1x, https://e.example/b.png 2x"><a href="https://ok">x</a>'
        "<style>a{}</style>"
    )
    foreign = [u for _, _, u in loads.urls if not same_origin(u)]
    assert foreign == [
        "https://fonts.example/css",
        "//cdn.example/x.js",
        "https://e.example/b.png",
    ]
    assert loads.assets == ["https://fonts.example/css", "//cdn.example/x.js"]
    assert loads.inline == "a{}"
