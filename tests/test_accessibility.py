"""The accessibility preferences over plain HTTP: cookie codec, tampered cookies, the
POST and its redirects, cache headers, the toolbar markup and the contrast maths."""

import itertools
import re
from pathlib import Path

import pytest

from ngo.accessibility import preferences as p
from ngo.accessibility.preferences import Preferences, contrast_ratio

COOKIE = p.COOKIE_NAME
CSS = Path(__file__).parent.parent / "ngo" / "static" / "css" / "site.css"


def html_tag(html: str) -> str:
    """The opening `<html …>` tag of a page."""
    return re.search(r"<html[^>]*>", html).group(0)


def pressed_ids(html: str) -> set[str]:
    """The ids of the buttons the server marked aria-pressed="true"."""
    return set(re.findall(r'<button[^>]*id="([^"]+)"[^>]*aria-pressed="true"', html))


def set_cookie_header(response, name=COOKIE) -> str:
    """The Set-Cookie header for one cookie."""
    found = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")
    ]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def post(client, **data):
    """Post one toolbar choice the way the no-JS form does."""
    data.setdefault("next", "/")
    data.setdefault("place", "toolbar")
    return client.post("/accessibility", data=data)


# -- the cookie codec -------------------------------------------------------------


def test_every_combination_round_trips_through_the_cookie():
    sizes = [o.value for o in p.SIZES]
    fonts = [""] + [o.value for o in p.FONTS]
    weights = [o.value for o in p.WEIGHTS]
    spacings = [""] + [o.value for o in p.SPACINGS]
    colours = [
        ("", "", "", ""),
        *((s.value, "", "", "") for s in p.SCHEMES),
        ("", "#123456", "#fedcba", "both"),
        ("", "#000000", "#ffffff", "bg"),
    ]
    count = 0
    for size, font, weight, spacing, (
        scheme,
        bg,
        fg,
        picked,
    ), toolbar in itertools.product(
        sizes, fonts, weights, spacings, colours, ["open", "closed"]
    ):
        prefs = Preferences(
            size, font, weight, spacing, scheme, bg, fg, picked, toolbar
        )
        value = prefs.encode()
        assert len(value) <= p.MAX_COOKIE_LENGTH
        assert re.fullmatch(r"[a-z0-9:|]*", value), value
        assert Preferences.decode(value) == prefs
        count += 1
    assert count == 3 * 4 * 3 * 4 * 9 * 2
    assert Preferences().encode() == ""


def test_decode_keeps_valid_parts_and_drops_the_rest():
    prefs = Preferences.decode(
        "fs:200|zz:1|ff:comic|fw:bold|ls:9|cs:wb|tb:closed|fs:100"
    )
    assert prefs == Preferences(
        size="200", weight="bold", scheme="wb", toolbar="closed"
    )
    # A colour alone is dropped (fg and bg are always set together), and a pair
    # replaces any scheme.
    assert Preferences.decode("bg:ffffff") == Preferences()
    assert Preferences.decode("bg:FFFFFF|fg:000000|cs:wb") == Preferences(
        bg="#ffffff", fg="#000000", picked="both"
    )


HOSTILE = [
    "</style><script>alert(1)</script>",
    'fs:150"><script>alert(1)</script>',
    "cs:wb;}body{display:none}",
    "bg:red|fg:blue",
    "bg:url(javascript:x)|fg:000000",
    "bg:ffffff;color:red|fg:000000",
    "bg:fffffff|fg:000000",
    "bg:#ffffff|fg:#000000",
    "ff:arial</style><style>*{x:y}",
    "fs:1e3|fw:900|ls:-1|cs:../../etc",
    "fs:150|" + "x" * 3000,
    "tb:closed|" + "ls:1|" * 100,
    "%3Cscript%3E",
    "\u0000\u202e",
    "fs:150|fs:200|" * 3,
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:24]))
def test_tampered_cookies_are_ignored_and_never_echoed(client, make_statement, value):
    slug = make_statement()
    client.set_cookie(COOKIE, value)
    for path in ("/", f"/statements/{slug}", "/accessibility", "/no-such-page"):
        response = client.get(path)
        assert response.status_code in (200, 404)
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html and "display:none" not in html
        assert "url(" not in html and "x:y" not in html and "etc" not in html
        assert "color:red" not in html and "xxxxx" not in html
        tag = html_tag(html)
        classes = re.search(r'class="([^"]*)"', tag)
        for name in classes.group(1).split() if classes else []:
            assert re.fullmatch(
                r"a11y-(size-(150|200)|font-\w+|weight-\w+|spacing-[123]|scheme-\w+|custom)",
                name,
            )
        # Nothing but a valid #rrggbb pair can produce a <style> element.
        assert "<style" not in html
        assert "'nonce-" not in response.headers["Content-Security-Policy"]


def test_a_valid_cookie_is_applied_in_the_first_response(client, make_statement):
    slug = make_statement()
    client.set_cookie(COOKIE, "fs:200|ff:verdana|fw:light|ls:3|cs:yb|tb:open")
    html = client.get(f"/statements/{slug}").get_data(as_text=True)
    tag = html_tag(html)
    for name in (
        "a11y-size-200",
        "a11y-font-verdana",
        "a11y-weight-light",
        "a11y-spacing-3",
        "a11y-scheme-yb",
    ):
        assert name in tag
    assert pressed_ids(html) == {
        "a11y-size-200",
        "a11y-font-verdana",
        "a11y-weight-light",
        "a11y-spacing-3",
        "a11y-scheme-yb",
    }
    # Classes on <html> come before any script; no inline styles or scripts at all
    # (structured data, JSON-LD, is never run).
    assert html.index("a11y-size-200") < html.index("<script")
    assert not re.search(r"<[^>]+\sstyle=", html)
    assert not re.search(
        r'<script(?![^>]*\ssrc=)(?! type="application/ld\+json">)', html
    )


def test_a_custom_pair_is_a_nonced_style_and_the_policy_allows_only_that(client):
    client.set_cookie(COOKIE, "bg:1a2b3c|fg:fafafa|pk:both")
    response = client.get("/")
    html = response.get_data(as_text=True)
    style = re.search(r'<style nonce="([^"]+)">([^<]*)</style>', html)
    assert style is not None
    nonce, css = style.groups()
    assert css == "html.a11y-custom{--bg:#1a2b3c;--fg:#fafafa;color-scheme:dark}"
    csp = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'nonce-{nonce}'" in csp and "unsafe-inline" not in csp
    assert html.index("<style") < html.index("<script")
    assert 'class="a11y-custom"' in html_tag(html)
    assert pressed_ids(html) == {"a11y-size-100", "a11y-weight-regular"}


# -- the POST and its redirects ---------------------------------------------------

CHOICES = [
    ("size", "150", "fs:150"),
    ("size", "200", "fs:200"),
    ("font", "arial", "ff:arial"),
    ("font", "tahoma", "ff:tahoma"),
    ("weight", "light", "fw:light"),
    ("weight", "bold", "fw:bold"),
    ("spacing", "1", "ls:1"),
    ("spacing", "3", "ls:3"),
    ("scheme", "bw", "cs:bw"),
    ("scheme", "green", "cs:green"),
    ("bg", "#000000", "bg:000000|fg:ffffff|pk:bg"),
    ("fg", "#ffff00", "bg:000000|fg:ffff00|pk:fg"),
    ("toolbar", "open", "tb:open"),
]


@pytest.mark.parametrize("field,value,cookie", CHOICES)
def test_each_choice_sets_the_cookie_and_returns_303(
    client, make_statement, field, value, cookie
):
    slug = make_statement()
    response = post(client, **{field: value}, next=f"/statements/{slug}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/statements/{slug}"
    header = set_cookie_header(response)
    assert header.startswith(f"{COOKIE}={cookie};")
    attributes = [a.strip().lower() for a in header.split(";")[1:]]
    assert "max-age=31536000" in attributes and "path=/" in attributes
    assert "samesite=lax" in attributes and "httponly" in attributes
    assert "secure" not in attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert client.get_cookie(COOKIE).value == cookie


def test_the_cookie_is_secure_under_https(client):
    response = client.post(
        "/accessibility",
        data={"size": "150", "next": "/"},
        base_url="https://localhost",
    )
    assert response.status_code == 303
    assert "secure" in [
        a.strip().lower() for a in set_cookie_header(response).split(";")
    ]


def test_the_settings_page_posts_back_to_itself(client):
    response = post(
        client,
        weight="bold",
        next="/accessibility?next=/category/rights",
        place="settings",
    )
    assert response.headers["Location"] == "/accessibility?next=/category/rights"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'href="/category/rights">Back to the page you were reading' in html
    assert (
        'id="settings-weight-bold"' in html
        and "settings-weight-bold" in pressed_ids(html)
    )


OPEN_REDIRECTS = [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,x",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "http:evil.example",
    "evil.example",
    "",
    "/" + "a" * 5000,
    "/x\r\nSet-Cookie: y=1",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_only_same_site_paths_are_followed(client, target):
    response = post(client, size="150", next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target,location",
    [
        ("/statements/a-b?page=2", "/statements/a-b?page=2"),
        ("/category/rights?page=3&x=y", "/category/rights?page=3&x=y"),
        ("/accessibility", "/accessibility"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ("/статья", "/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"),
    ],
)
def test_same_site_paths_are_kept(client, target, location):
    response = post(client, size="150", next=target)
    assert response.headers["Location"] == location


def test_pages_answering_a_post_return_to_the_referring_page(client):
    html = client.post(
        "/", headers={"Referer": "http://localhost/category/rights?page=2"}
    ).get_data(as_text=True)  # a 405 page, with the toolbar
    assert 'name="next" value="/category/rights?page=2"' in html
    for referrer in ("https://evil.example/x", "javascript:alert(1)", ""):
        html = client.post("/", headers={"Referer": referrer}).get_data(as_text=True)
        assert 'name="next" value="/"' in html and "evil" not in html


def test_redirects_keep_their_own_cache_headers(client):
    response = post(client, size="150")
    assert response.status_code == 303 and "private" not in response.headers.get(
        "Cache-Control", ""
    )


def test_a_post_without_next_returns_home(client):
    response = client.post("/accessibility", data={"font": "arial"})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_reset_deletes_the_cookie(client):
    post(client, size="200")
    post(client, scheme="wb")
    assert client.get_cookie(COOKIE).value == "fs:200|cs:wb"
    response = post(client, reset="all")
    header = set_cookie_header(response).lower()
    assert "max-age=0" in header and "expires=thu, 01 jan 1970" in header
    assert client.get_cookie(COOKIE) is None
    html = client.get("/").get_data(as_text=True)
    assert html_tag(html) == '<html lang="en">'
    assert pressed_ids(html) == {"a11y-size-100", "a11y-weight-regular"}


def test_invalid_choices_are_refused_with_400_and_change_nothing(client):
    post(client, size="150")
    for data in (
        {"size": "300"},
        {"font": "Comic Sans"},
        {"scheme": "<b>"},
        {"bg": "red"},
        {"apply": "bg", "bg_custom": "url(x)"},
        {"toolbar": "sideways"},
    ):
        response = post(client, **data)
        assert response.status_code == 400, data
        html = response.get_data(as_text=True)
        assert (
            "Your choice was not applied" in html
            and "<b>" not in html
            and "url(x)" not in html
        )
        assert client.get_cookie(COOKIE).value == "fs:150"


def test_a_bad_custom_colour_is_explained_next_to_its_field(client):
    response = post(client, apply="fg", fg_custom="blue", next="/statements/x")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a colour as # and six hexadecimal digits" in html
    assert re.search(
        r'id="settings-fg-custom"[^>]*aria-invalid="true"[^>]*aria-describedby="settings-fg-custom-error"',
        html,
    )
    assert 'href="/statements/x">Back to the page you were reading' in html
    # The forms on that page return to the settings page, not to the POST.
    assert 'name="next" value="/accessibility?next=/statements/x"' in html


def test_the_pressed_button_gets_focus_back_after_the_redirect(client):
    response = post(client, scheme="beige", next="/")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="a11y-scheme-beige"[^>]*autofocus', html)
    assert html.count("autofocus") == 1
    assert "autofocus" not in client.get("/").get_data(as_text=True)
    post(
        client, apply="bg", bg_custom="#102030", place="settings", next="/accessibility"
    )
    html = client.get("/accessibility").get_data(as_text=True)
    assert re.search(r'id="settings-bg-apply"[^>]*autofocus', html)


# -- colours as a pair --------------------------------------------------------------


def test_colours_are_kept_as_a_readable_pair_unless_the_reader_chose_both(client):
    post(client, scheme="wb")
    post(client, bg="#9dd1ff")  # white text on light blue would be 1.6:1: partner black
    assert client.get_cookie(COOKIE).value == "bg:9dd1ff|fg:000000|pk:bg"
    post(client, bg="#ffffff")  # black still reads on white: kept
    assert client.get_cookie(COOKIE).value == "bg:ffffff|fg:000000|pk:bg"
    post(client, fg="#063462")  # now the reader chose both
    assert client.get_cookie(COOKIE).value == "bg:ffffff|fg:063462|pk:both"
    post(client, apply="bg", bg_custom="#1A2B3C")  # kept as chosen, even unreadable
    assert client.get_cookie(COOKIE).value == "bg:1a2b3c|fg:063462|pk:both"
    html = client.get("/accessibility").get_data(as_text=True)
    ratio = contrast_ratio("#1a2b3c", "#063462")
    assert ratio < 4.5
    assert f">{p.format_ratio(ratio)}</strong>" in html
    warning = re.search(r'<p class="settings__warning"[^>]*>', html).group(0)
    assert "hidden" not in warning
    post(client, scheme="bw")  # a scheme replaces the pair
    assert client.get_cookie(COOKIE).value == "cs:bw"
    html = client.get("/accessibility").get_data(as_text=True)
    assert ">21:1</strong>" in html
    assert "hidden" in re.search(r'<p class="settings__warning"[^>]*>', html).group(0)


def test_the_script_gets_json_instead_of_a_redirect(client):
    response = client.post(
        "/accessibility",
        data={"size": "150", "next": "//evil.example"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.is_json
    state = response.json
    assert (
        state["htmlClass"] == "a11y-size-150" and state["message"] == "Font size: 150%."
    )
    assert state["pressed"]["size"] == "150" and state["toolbar"] == "closed"
    assert set_cookie_header(response).startswith(f"{COOKIE}=fs:150;")
    response = client.post(
        "/accessibility", data={"bg": "#000000"}, headers={"Accept": "application/json"}
    )
    state = response.json
    assert (
        state["custom"] == {"bg": "#000000", "fg": "#ffffff"}
        and state["contrast"] == "21:1"
    )
    assert (
        state["message"] == "Background color: Black. Text color: White. Contrast 21:1."
    )
    assert state["htmlClass"] == "a11y-size-150 a11y-custom"
    bad = client.post(
        "/accessibility", data={"size": "9"}, headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400 and "size" in bad.json["errors"]


# -- every page: cache headers, toolbar markup ----------------------------------------


def test_html_pages_vary_on_cookie_and_are_private(client, make_statement):
    slug = make_statement(categories=["Rights"])
    client.set_cookie(COOKIE, "fs:150")
    for path in (
        "/",
        f"/statements/{slug}",
        "/category/rights",
        "/accessibility",
        "/nope",
    ):
        response = client.get(path)
        assert "Cookie" in response.headers.getlist(
            "Vary"
        ) or "Cookie" in response.headers.get("Vary", "")
        cache = response.headers["Cache-Control"]
        assert "private" in cache and "public" not in cache, (path, cache)
    css = client.get("/static/css/site.css")
    assert "private" not in css.headers.get("Cache-Control", "")


TOOLBAR_GROUPS = {
    "Font size": [
        "A 100%, normal text size",
        "A 150% of normal text size",
        "A 200% of normal text size",
    ],
    "Font": ["Arial", "Verdana", "Tahoma"],
    "Thickness": ["Regular", "Light", "Bold"],
    "Spacing": ["1px", "2px", "3px"],
    "Color scheme": [
        "Black on white",
        "White on black",
        "Yellow on black",
        "Dark blue on light blue",
        "Brown on beige",
        "Green on dark brown",
    ],
}


def text_of(fragment: str) -> str:
    """Visible and visually hidden text of an HTML fragment (what a name is made of)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def test_the_toolbar_is_on_every_page_with_its_groups_in_order(client, make_statement):
    slug = make_statement(categories=["Rights"])
    for path in (
        "/",
        f"/statements/{slug}",
        "/category/rights",
        "/accessibility",
        "/nope",
    ):
        html = client.get(path).get_data(as_text=True)
        section = re.search(
            r'<section class="a11y" id="a11y" aria-labelledby="a11y-toggle"'
            r" data-a11y-toolbar>.*?</section>",
            html,
            re.S,
        )
        assert section, path
        toolbar = section.group(0)
        assert (
            html.index('class="skip-link"')
            < html.index('<section class="a11y"')
            < html.index('class="site-header"')
        )
        assert re.search(
            r'<button[^>]*id="a11y-toggle"[^>]*aria-expanded="false"[^>]*>Accessibility</button>',
            toolbar,
        )
        legends = re.findall(r"<legend>([^<]+)</legend>", toolbar)
        assert legends == [
            "Font size",
            "Font",
            "Thickness",
            "Spacing",
            "Color scheme",
            "Background color",
            "Text color",
        ]
        for legend, names in TOOLBAR_GROUPS.items():
            fieldset = re.search(
                rf"<legend>{legend}</legend>(.*?)</fieldset>", toolbar, re.S
            ).group(1)
            buttons = re.findall(r"<button[^>]*>(.*?)</button>", fieldset, re.S)
            assert [text_of(b) for b in buttons] == names
        assert re.search(r'<button[^>]*name="reset"[^>]*>Reset</button>', toolbar)
        for group in ("bg", "fg"):
            assert (
                f'<input type="color" id="a11y-{group}-custom" name="{group}_custom"'
                in toolbar
            )
        forms = re.findall(r"<form[^>]*>", toolbar)
        assert forms and all(
            'method="post"' in f and 'action="/accessibility"' in f for f in forms
        )
        assert toolbar.count('name="csrf_token"') == len(forms)
        assert re.search(r'role="status"', toolbar)
        assert 'href="/accessibility"' in html  # the footer link


def test_a_closed_toolbar_stays_closed_on_every_page(client):
    post(client, toolbar="closed")
    for path in ("/", "/nope", "/accessibility"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(
            r'id="a11y-toggle"[^>]*value="open"[^>]*aria-expanded="false"', html
        )
        assert '<div class="a11y__panel" id="a11y-panel" hidden>' in html
    post(client, toolbar="open")
    assert '<div class="a11y__panel" id="a11y-panel">' in client.get("/").get_data(
        as_text=True
    )


def test_the_toolbar_starts_collapsed_and_old_cookies_still_read(client):
    html = client.get("/").get_data(as_text=True)
    assert '<div class="a11y__panel" id="a11y-panel" hidden>' in html
    assert Preferences().toolbar == "closed"
    # Cookies written before the default changed keep their meaning where they
    # said something: "tb:closed" is still closed, and "tb:open" is written now.
    assert Preferences.decode("fs:150|tb:closed") == Preferences(size="150")
    assert Preferences(toolbar="open").encode() == "tb:open"
    # Reset, pressed in the open toolbar, leaves the toolbar open.
    post(client, toolbar="open")
    post(client, size="200")
    post(client, reset="all")
    assert client.get_cookie(COOKIE).value == "tb:open"


class TestWithCsrf:
    """CSRF stays on, as in production."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_a_post_without_a_token_is_a_clear_400_page(self, client):
        response = client.post("/accessibility", data={"size": "150", "next": "/"})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "The form had expired or was sent from elsewhere" in html
        assert 'class="a11y"' in html and client.get_cookie(COOKIE) is None
        response = client.post(
            "/accessibility",
            data={"size": "150"},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 400

    def test_a_post_with_the_page_token_works(self, client):
        html = client.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = client.post(
            "/accessibility", data={"size": "200", "next": "/", "csrf_token": token}
        )
        assert (
            response.status_code == 303 and client.get_cookie(COOKIE).value == "fs:200"
        )


# -- contrast maths and the stylesheet --------------------------------------------


def test_contrast_ratio_follows_the_wcag_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#063462", "#9dd1ff") == pytest.approx(7.76, abs=0.01)
    assert contrast_ratio("#4d4b43", "#f7f3d6") == pytest.approx(7.80, abs=0.01)
    assert contrast_ratio("#a9e44d", "#3b2716") == pytest.approx(9.34, abs=0.01)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert p.format_ratio(4.4999) == "4.49:1" and p.format_ratio(21.0) == "21:1"


@pytest.mark.parametrize("scheme", p.SCHEMES, ids=lambda s: s.value)
def test_every_scheme_reaches_seven_to_one(scheme):
    for text in (scheme.fg, scheme.link, scheme.visited):
        for ground in (scheme.bg, scheme.surface):
            assert contrast_ratio(text, ground) >= 7, (scheme.value, text, ground)
    # The focus ring against the page and against its own inner halo (1.4.11).
    assert contrast_ratio(scheme.focus, scheme.bg) >= 3
    assert contrast_ratio(scheme.focus, scheme.surface) >= 3


def test_swatches_are_named_and_the_readable_partner_is_black_or_white():
    assert len({o.value for o in p.BACKGROUND_SWATCHES}) == len(p.BACKGROUND_SWATCHES)
    assert all(
        p.is_hex_color(o.value) and o.label
        for o in p.BACKGROUND_SWATCHES + p.TEXT_SWATCHES
    )
    for colour in ("#000000", "#ffffff", "#777777", "#ffff00", "#063462"):
        partner = p.readable_partner(colour, "#888888")
        assert (
            partner in ("#000000", "#ffffff") and contrast_ratio(colour, partner) >= 4.5
        )


def css_rule(css: str, selector: str) -> dict[str, str]:
    """The declarations of the first rule with exactly this selector."""
    body = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
    return {
        k.strip(): v.strip() for k, v in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)
    }


def test_the_stylesheet_carries_the_same_scheme_colours():
    css = CSS.read_text()
    for s in p.SCHEMES:
        rule = css_rule(css, f"html.a11y-scheme-{s.value}")
        assert rule["--bg"] == s.bg and rule["--fg"] == s.fg, s.value
        assert rule["--link"] == s.link and rule["--link-visited"] == s.visited
        assert rule["--surface"] == s.surface and rule["--focus"] == s.focus
        assert rule["color-scheme"] == ("dark" if s.dark else "light")
    for o in p.BACKGROUND_SWATCHES + p.TEXT_SWATCHES:
        assert css_rule(css, f".a11y-chip--{o.value[1:]}")["background"] == o.value


def test_the_stylesheet_scales_text_and_spacing_in_relative_units():
    css = CSS.read_text()
    assert css_rule(css, "html.a11y-size-150")["font-size"] == "150%"
    assert css_rule(css, "html.a11y-size-200")["font-size"] == "200%"
    for o in p.SPACINGS:
        rule = css_rule(css, f"html.a11y-spacing-{o.value} body")
        assert rule["letter-spacing"] == o.detail and rule["letter-spacing"].endswith(
            "em"
        )
        assert rule["word-spacing"].endswith("em")
    assert (
        float(css_rule(css, "html.a11y-spacing-3 body")["letter-spacing"][:-2]) >= 0.12
    )
    section = css[
        css.index("Accessibility toolbar and reading preferences") : css.index(
            "end of the accessibility section"
        )
    ]
    section = re.sub(r"/\*.*?\*/", "", section, flags=re.S)
    assert "!important" not in section
    # Only hairlines are in px; every size that should grow with the text is rem/em.
    assert set(re.findall(r"\d+(?:\.\d+)?px", section)) <= {"1px"}
