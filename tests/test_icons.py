"""The favicon, Apple touch icon and web app manifest, made from the configured logo."""

import io
import json
import re
from urllib.parse import urljoin

import pytest
from PIL import Image

from ngo import create_app
from ngo.extensions import db

YEAR = "public, max-age=31536000, immutable"
DAY = "public, max-age=86400"
RED = (255, 0, 0, 255)
HASHED = r"\?v=[0-9a-f]{12}"
# A page under a language prefix may link the icons under it too (/hy/favicon.ico).
PREFIX = r"(?:/[a-z]{2})?"
LINKS = {
    "favicon": re.compile(
        rf'<link rel="icon" href="({PREFIX}/favicon\.ico{HASHED})" '
        r'sizes="16x16 32x32 48x48">'
    ),
    "touch": re.compile(
        r'<link rel="apple-touch-icon" '
        rf'href="({PREFIX}/apple-touch-icon\.png{HASHED})">'
    ),
    "manifest": re.compile(
        rf'<link rel="manifest" href="({PREFIX}/site\.webmanifest{HASHED})">'
    ),
}
# A red logo twice as wide as it is high, as each kind of file.
WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" '
    'viewBox="0 0 120 60"><rect width="120" height="60" fill="#ff0000"/></svg>'
)


def wide_png() -> bytes:
    """A red PNG twice as wide as it is high."""
    out = io.BytesIO()
    Image.new("RGB", (120, 60), "#ff0000").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(params=["png", "svg"])
def logo(request, tmp_path):
    """A configured logo file: a wide red PNG or SVG."""
    path = tmp_path / f"logo.{request.param}"
    path.write_bytes(wide_png() if request.param == "png" else WIDE_SVG.encode())
    return path


def client_of(app_config, **settings):
    """A test client of an app built with these settings, its tables made."""
    app = create_app({**app_config, **settings})
    with app.app_context():
        db.create_all()
    return app.test_client()


def head_links(client, path="/") -> dict[str, str]:
    """The addresses of the icon links in a page's head, by kind."""
    head = client.get(path).get_data(as_text=True).split("</head>", 1)[0]
    found = {kind: link.search(head) for kind, link in LINKS.items()}
    assert all(found.values()), head
    return {kind: match.group(1) for kind, match in found.items()}


def image(response) -> Image.Image:
    """The image a response carries."""
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.get_data()))


def centre(im: Image.Image) -> tuple:
    """The RGBA colour at the middle of an image."""
    return im.convert("RGBA").getpixel((im.width // 2, im.height // 2))


def top_middle(im: Image.Image) -> tuple:
    """The RGBA colour at the middle of the top row (outside a wide logo)."""
    return im.convert("RGBA").getpixel((im.width // 2, 0))


def test_the_favicon_is_the_logo_at_16_32_and_48_px(app_config, logo):
    client = client_of(app_config, SITE_LOGO=str(logo))
    url = head_links(client)["favicon"]
    response = client.get(url)
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.headers["Cache-Control"] == YEAR
    assert "Set-Cookie" not in response.headers
    ico = image(response)
    assert ico.format == "ICO"
    assert ico.ico.sizes() == {(16, 16), (32, 32), (48, 48)}
    for size in ico.ico.sizes():
        square = ico.ico.getimage(size)
        assert square.size == size
        assert centre(square) == RED, size
        assert top_middle(square)[3] == 0, size  # the wide logo, centred on a square
    bare = client.get("/favicon.ico")
    assert bare.get_data() == response.get_data()
    assert bare.headers["Cache-Control"] == DAY  # asked for by name: no hash to trust


def test_the_apple_touch_icon_is_180_px_and_opaque(app_config, logo):
    client = client_of(app_config, SITE_LOGO=str(logo))
    response = client.get(head_links(client)["touch"])
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == YEAR
    icon = image(response)
    assert icon.size == (180, 180)
    assert icon.convert("RGBA").getextrema()[3] == (255, 255)  # no transparency at all
    assert centre(icon) == RED
    assert top_middle(icon) == (255, 255, 255, 255)  # the background around the logo
    for bare in ("/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"):
        response = client.get(bare)
        assert image(response).size == (180, 180)
        assert response.headers["Cache-Control"] == DAY


def test_the_manifest_names_the_site_and_its_icons_resolve(app_config, logo):
    client = client_of(
        app_config,
        SITE_LOGO=str(logo),
        SITE_NAME='Helsinki "Citizens" Assembly',
        ACCENT_COLOR="#0B5D1E",
    )
    url = head_links(client, "/accessibility")["manifest"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == YEAR
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == manifest["short_name"] == 'Helsinki "Citizens" Assembly'
    assert manifest["theme_color"] == "#0b5d1e"
    assert urljoin(url, manifest["start_url"]) == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        address = urljoin(url, icon["src"])
        assert re.fullmatch(rf"/brand/icon-\d+\.png{HASHED}", address), address
        icon_response = client.get(address)
        assert icon_response.headers["Cache-Control"] == YEAR
        png = image(icon_response)
        assert png.format == "PNG"
        assert f"{png.width}x{png.height}" == icon["sizes"]
        assert centre(png) == RED
        assert top_middle(png)[3] == 0


def test_a_png_logo_is_linked_as_its_192_px_icon(app_config, tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(wide_png())
    client = client_of(app_config, SITE_LOGO=str(path))
    html = client.get("/").get_data(as_text=True)
    icon = re.search(
        rf'<link rel="icon" href="(/brand/icon-192\.png{HASHED})" type="image/png" '
        r'sizes="192x192">',
        html,
    )
    assert icon, html
    assert image(client.get(icon.group(1))).size == (192, 192)


def test_the_built_in_logo_makes_the_default_icons(app, client):
    ico = image(client.get(head_links(client)["favicon"]))
    square = ico.ico.getimage((48, 48)).convert("RGBA")
    # icon.svg: a #8a1c1c rounded square with white lines in the middle.
    assert square.getpixel((4, 24)) == (0x8A, 0x1C, 0x1C, 255)
    assert square.getpixel((24, 24))[:3] == (255, 255, 255)
    manifest = json.loads(client.get(head_links(client)["manifest"]).get_data())
    assert manifest["name"] == app.config["SITE_NAME"]
    assert manifest["theme_color"] == "#8a1c1c"


def test_every_page_links_the_icons_in_its_head(client, make_statement):
    slug = make_statement()
    for path in ["/", f"/statements/{slug}", "/hy/", "/admin/login", "/no-such-page"]:
        links = head_links(client, path)
        for url in links.values():
            assert client.get(url).status_code == 200, (path, url)


def test_another_logo_gets_other_addresses(app_config, tmp_path):
    addresses = []
    for colour in ("#ff0000", "#0000ff"):
        path = tmp_path / f"logo-{colour[1:]}.png"
        Image.new("RGB", (8, 8), colour).save(path)
        addresses.append(head_links(client_of(app_config, SITE_LOGO=str(path))))
    for kind in LINKS:
        assert addresses[0][kind] != addresses[1][kind], kind


@pytest.mark.parametrize(
    ("url", "cache_control"),
    [
        ("/favicon.ico?v=000000000000", DAY),
        ("/apple-touch-icon.png?v=", DAY),
        ("/site.webmanifest", "public, max-age=300"),
        ("/brand/icon-192.png?v=000000000000", "public, max-age=300"),
    ],
)
def test_an_old_or_missing_hash_gets_a_short_cache(client, url, cache_control):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == cache_control
    assert "cookie" not in response.headers.get("Vary", "").lower()


def test_an_unchanged_icon_answers_304(client):
    url = head_links(client)["touch"]
    etag = client.get(url).headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == YEAR


def test_only_the_listed_sizes_are_served(client):
    assert client.get("/brand/icon-100.png").status_code == 404
    assert client.get("/brand/icon-512.png").status_code == 200


def jpeg() -> bytes:
    """A JPEG image, to be named .png."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#ff0000").save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("truncated.png", wide_png()[:60]),
        ("text.png", b"not an image at all"),
        ("photo.png", jpeg()),
        ("broken.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect'),
        ("html.svg", b"<html><body>logo</body></html>"),
        ("empty.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        (
            "latin1.svg",
            '<svg xmlns="http://www.w3.org/2000/svg"><!-- é -->'.encode("latin-1"),
        ),
    ],
)
def test_a_broken_logo_stops_start_up_with_its_name(app_config, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(
        ValueError, match=f"NGO_SITE_LOGO .*{name}.* cannot be made into icons"
    ):
        create_app({**app_config, "SITE_LOGO": str(path)})
