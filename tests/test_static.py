"""Static files and the site icon: a year in any cache when versioned, no cookie."""

import http.client
import re
import struct
from urllib.parse import urlsplit

import pytest

from tests.staff import signed_in

YEAR = "public, max-age=31536000, immutable"
ASSET = re.compile(r'(?:href|src)="(/static/[^"?]+\?v=[0-9a-f]+)"')
SVG_ICON = re.compile(
    r'<link rel="icon" href="(/static/icons/icon\.svg\?v=[0-9a-f]+)" '
    r'type="image/svg\+xml">'
)
ICO_ICON = re.compile(r'<link rel="icon" href="(/favicon\.ico\?v=[0-9a-f]+)"')


def assert_not_per_reader(response):
    """No session cookie set, and nothing that keeps a shared cache from storing it."""
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "private" not in response.headers.get("Cache-Control", "")


def max_age(response) -> int:
    """The max-age of a response's Cache-Control, 0 when it has none."""
    found = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
    return int(found.group(1)) if found else 0


def versioned_assets(client, path="/"):
    """The versioned static URLs a page links (stylesheets, scripts, icons)."""
    html = client.get(path).get_data(as_text=True)
    return sorted(set(ASSET.findall(html)))


def test_pages_link_versioned_css_js_and_icons(client):
    urls = versioned_assets(client)
    assert any(u.startswith("/static/css/site.css?v=") for u in urls), urls
    assert any(u.startswith("/static/js/") for u in urls), urls
    assert any(u.startswith("/static/icons/icon.svg?v=") for u in urls), urls


def test_versioned_static_is_cached_for_a_year_for_everyone(client):
    for url in versioned_assets(client):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == YEAR, url
        assert "Expires" not in response.headers
        assert_not_per_reader(response)


def test_not_modified_keeps_the_year(client):
    url = next(u for u in versioned_assets(client) if "site.css" in u)
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Cache-Control"] == YEAR
    assert_not_per_reader(response)


@pytest.mark.parametrize(
    "url",
    [
        "/static/css/site.css",
        "/static/css/site.css?v=0123456789ab",
        "/static/css/site.css?v=",
        "/static/icons/icon.svg",
        "/static/js/accessibility.js?x=1",
    ],
)
def test_unversioned_or_wrong_version_gets_a_short_cache(client, url):
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "immutable" not in cache_control
    assert "no-cache" in cache_control or 0 < max_age(response) <= 3600
    assert_not_per_reader(response)


def test_missing_static_file_is_the_sites_404(client):
    response = client.get("/static/css/nope.css?v=0")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")
    assert "Cookie" in response.headers["Vary"]  # the page shows the toolbar


def test_favicon_ico_is_a_small_icon_without_a_cookie(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    body = response.get_data()
    assert len(body) < 4096
    reserved, kind, count = struct.unpack("<HHH", body[:6])
    assert (reserved, kind) == (0, 1) and count >= 1
    sizes = {body[6 + 16 * i] for i in range(count)}  # width byte of each entry
    assert {16, 32} <= sizes
    assert "public" in response.headers["Cache-Control"]
    assert max_age(response) >= 24 * 60 * 60
    assert "immutable" not in response.headers["Cache-Control"]
    assert_not_per_reader(response)


def test_static_files_stay_shared_for_signed_in_staff(app, client):
    signed_in(app, client, "editor")
    assert client.get("/admin/").status_code == 200
    for url in [*versioned_assets(client, "/admin/"), "/favicon.ico"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_not_per_reader(response)


@pytest.fixture
def pages(app, client, make_statement):
    """One address of each kind of page, public and admin, errors included."""
    slug = make_statement(categories=["Rights > Right to life"], signatories=["A"])
    return [
        "/",
        "/statements",
        f"/statements/{slug}",
        "/category/rights",
        "/accessibility",
        "/admin/login",
        "/no-such-page",
    ]


def test_every_page_links_the_svg_icon_and_it_resolves(client, pages):
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        svg = SVG_ICON.search(html)
        assert svg, path
        assert ICO_ICON.search(html), path
        head = html.split("</head>", 1)[0]
        assert svg.group(0) in head, path
        response = client.get(svg.group(1))
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert response.get_data(as_text=True).lstrip().startswith("<svg")
        assert "<text" not in response.get_data(as_text=True)


def test_admin_pages_link_the_icon(app, client):
    signed_in(app, client, "admin")
    for path in ["/admin/", "/admin/statements", "/admin/comments"]:
        assert SVG_ICON.search(client.get(path).get_data(as_text=True)), path


def test_headers_over_real_http(live_server, client):
    """The same headers from a real server, as a browser or a proxy sees them."""
    url = urlsplit(live_server)
    css = next(u for u in versioned_assets(client) if "site.css" in u)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        for path, expected in [(css, YEAR), ("/favicon.ico", None)]:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, path
            if expected:
                assert response.getheader("Cache-Control") == expected
            assert response.getheader("Set-Cookie") is None, path
            assert "cookie" not in (response.getheader("Vary") or "").lower(), path
    finally:
        connection.close()
