"""The organisation's identity from settings: tagline, logo, accent colour and the
stylesheet that carries the accent to every look, checked against each scheme."""

import re
from pathlib import Path

import pytest

from ngo import create_app
from ngo.accessibility import preferences as p
from ngo.extensions import db
from ngo.identity import DEFAULT_LOOKS, LOOKS, MIN_CONTRAST, stylesheet

YEAR = "public, max-age=31536000, immutable"
IDENTITY_CSS = re.compile(
    r'<link rel="stylesheet" href="(/identity\.css\?v=[0-9a-f]+)">'
)
# A 2×2 red PNG (a logo must draw something: the icons are made from it).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c63fccfc0c0c0c0c0c4c0c0c0c0c000000d1d01036ac29be9"
    "0000000049454e44ae426082"
)


def client_of(app_config, **settings):
    """A test client of an app built with these settings, its tables made."""
    app = create_app({**app_config, **settings})
    with app.app_context():
        db.create_all()
    return app.test_client()


def accents(css: str) -> dict[str, str]:
    """The `--accent` the stylesheet gives each look's selector."""
    return dict(re.findall(r"^(.*?)\{?\{--accent:(#[0-9a-f]{6})\}", css, re.M))


def test_pages_link_the_identity_stylesheet_after_site_css(client):
    html = client.get("/").get_data(as_text=True)
    head = html.split("</head>", 1)[0]
    found = IDENTITY_CSS.search(head)
    assert found, head
    assert head.index("/static/css/site.css") < found.start()
    response = client.get(found.group(1))
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.headers["Cache-Control"] == YEAR
    assert "Set-Cookie" not in response.headers
    assert ":root{--accent:#8a1c1c}" in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    again = client.get(found.group(1), headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_an_old_stylesheet_hash_gets_a_short_cache(client):
    response = client.get("/identity.css?v=000000000000")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("accent", ["#8a1c1c", "#ffdd00", "#0077cc", "#777777"])
def test_the_accent_reads_at_4_5_to_1_in_every_look_or_gives_way(accent):
    given = accents(stylesheet(accent))
    assert len(given) == len(LOOKS)
    for look in LOOKS:
        color = given[look.selector]
        assert color in (accent, look.own), look
        worst = min(
            p.contrast_ratio(accent, look.bg), p.contrast_ratio(accent, look.surface)
        )
        assert (color == accent) == (worst >= MIN_CONTRAST), (look, worst)
        for ground in (look.bg, look.surface):
            assert p.contrast_ratio(color, ground) >= MIN_CONTRAST, (look, color)


def test_a_pale_accent_gives_way_on_light_looks_and_stays_on_dark_ones():
    given = accents(stylesheet("#ffdd00"))
    assert given["html.a11y-scheme-bw"] == "#00307a"  # the scheme's link colour
    assert given[":root"] == "#8a1c1c"  # the default look's own accent
    assert given["html.a11y-scheme-wb"] == "#ffdd00"


def test_every_scheme_is_weighed():
    selectors = {look.selector for look in LOOKS}
    assert {f"html.a11y-scheme-{s.value}" for s in p.SCHEMES} <= selectors


def test_the_default_looks_match_site_css(app):
    css = Path(app.static_folder, "css", "site.css").read_text()
    for look in DEFAULT_LOOKS:
        assert look.bg in css and look.surface in css and look.own in css, look


@pytest.mark.parametrize("accent", ["red", "#abc", "#12345g", "8a1c1c", "", None])
def test_a_malformed_accent_stops_start_up_with_its_name(app_config, accent):
    with pytest.raises(ValueError, match="NGO_ACCENT_COLOR"):
        create_app({**app_config, "ACCENT_COLOR": accent})


def test_the_accent_from_settings_reaches_the_stylesheet(app_config):
    client = client_of(app_config, ACCENT_COLOR="#0B5D1E")
    url = IDENTITY_CSS.search(client.get("/accessibility").get_data(as_text=True))
    css = client.get(url.group(1)).get_data(as_text=True)
    assert ":root{--accent:#0b5d1e}" in css


def test_the_tagline_stands_under_the_name_and_can_be_left_out(app_config):
    client = client_of(app_config, SITE_TAGLINE="Voices <of> the network")
    html = client.get("/").get_data(as_text=True)
    assert '<p class="brand__tagline">Voices &lt;of&gt; the network</p>' in html
    client = client_of(app_config, SITE_TAGLINE="")
    assert "brand__tagline" not in client.get("/").get_data(as_text=True)


def test_the_built_in_logo_by_default(client):
    html = client.get("/").get_data(as_text=True)
    logo = re.search(r'<img class="brand__logo" src="([^"]+)" alt=""', html)
    assert logo and logo.group(1).startswith("/static/icons/icon.svg?v=")
    assert client.get(logo.group(1)).status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "mimetype"),
    [
        ("logo.png", PNG, "image/png"),
        (
            "Logo.SVG",
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/>'
            b"</svg>",
            "image/svg+xml",
        ),
    ],
)
def test_a_logo_from_settings_is_served_with_its_hash(
    app_config, tmp_path, name, data, mimetype
):
    path = tmp_path / name
    path.write_bytes(data)
    client = client_of(app_config, SITE_LOGO=str(path))
    html = client.get("/").get_data(as_text=True)
    logo = re.search(r'<img class="brand__logo" src="(/brand/logo\.\w+\?v=\w+)"', html)
    assert logo, html
    icon = f'<link rel="icon" href="{logo.group(1)}" type="{mimetype}">'
    assert (icon in html) == (mimetype == "image/svg+xml")  # a PNG: its 192 px icon
    response = client.get(logo.group(1))
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.get_data() == data
    assert response.headers["Cache-Control"] == YEAR
    other = "svg" if mimetype == "image/png" else "png"
    assert client.get(f"/brand/logo.{other}").status_code == 404


def test_without_a_logo_setting_the_logo_address_is_a_404(client):
    assert client.get("/brand/logo.svg").status_code == 404


@pytest.mark.parametrize("name", ["missing.png", "logo.gif"])
def test_an_unusable_logo_stops_start_up_with_its_name(app_config, tmp_path, name):
    if name.endswith(".gif"):
        (tmp_path / name).write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="NGO_SITE_LOGO"):
        create_app({**app_config, "SITE_LOGO": str(tmp_path / name)})


def test_the_browser_applies_the_accent_of_each_look(live_server, page_factory):
    """The identity stylesheet wins over site.css's own --accent, scheme by scheme."""
    page = page_factory(javascript=False)
    accent = "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
    band = "getComputedStyle(document.querySelector('.site-header')).borderTopColor"
    for cookie, expected, rgb in [
        ("", "#8a1c1c", "rgb(138, 28, 28)"),
        ("cs:wb", "#9cd3ff", "rgb(156, 211, 255)"),
        ("cs:bw", "#8a1c1c", "rgb(138, 28, 28)"),
    ]:
        page.context.clear_cookies()
        if cookie:
            page.context.add_cookies(
                [{"name": p.COOKIE_NAME, "value": cookie, "url": live_server}]
            )
        page.goto(f"{live_server}/accessibility")
        assert page.evaluate(accent).strip() == expected, cookie
        assert page.evaluate(band) == rgb, cookie  # the band above the header
