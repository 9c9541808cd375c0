"""The accessibility toolbar in Debian's Chromium, with JavaScript off and on: computed
styles, persistence, Reset, axe-core in every scheme, reflow, text spacing, keyboard."""

import struct
import time
import zlib

import pytest
from playwright.sync_api import expect

from ngo.accessibility import preferences as p
from ngo.extensions import db
from ngo.pages.demo import seed_demo_pages
from tests.axe import axe_violations, describe

pytestmark = pytest.mark.browser

BODY = (
    "<p>The authorities dispersed a peaceful march and detained "
    '<a href="/category/rights">several journalists</a> who were covering it. '
    "Organisations call for their release.</p>"
    '<p lang="hy">Մարդու իրավունքների պաշտպանները պահանջում են '
    "ազատ արձակել լրագրողներին։</p>"
    '<p lang="ru">Правозащитники требуют немедленно освободить '
    "задержанных журналистов.</p>"
)


@pytest.fixture
def site(live_server, make_statement):
    """A live site with one full statement: (base URL, the five pages to check)."""
    slug = make_statement(
        title="Release the detained journalists",
        body=BODY,
        categories=["Activities", "Rights > Right to life"],
        signatories=[
            "Article 3 Club",
            "Peace Dialogue",
            "Helsinki Citizens' Assembly-Vanadzor",
        ],
    )
    pages = [
        "/",
        f"/statements/{slug}",
        "/category/rights",
        "/accessibility",
        "/no-such-page",
    ]
    return live_server, pages


def set_prefs(page, base, value):
    """Give the page's browser context a preferences cookie (or none)."""
    page.context.clear_cookies()
    if value:
        page.context.add_cookies([{"name": p.COOKIE_NAME, "value": value, "url": base}])


def text_style(page, selector=".statement__body p"):
    """Computed style of body text and of the page background."""
    return page.eval_on_selector(
        selector,
        """el => { const s = getComputedStyle(el), b = getComputedStyle(document.body);
          return {size: parseFloat(s.fontSize), family: s.fontFamily,
                  weight: s.fontWeight,
                  letter: s.letterSpacing, word: s.wordSpacing, color: s.color,
                  background: b.backgroundColor}; }""",
    )


def rgb(hex_colour):
    """`#rrggbb` as Chromium writes computed colours."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def ink(png: bytes) -> float:
    """How much dark ink a (white-background) PNG screenshot holds: mean 255 - grey."""
    pos, chunks, header = 8, [], None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", data[:10])
        elif kind == b"IDAT":
            chunks.append(data)
        pos += 12 + length
    width, height, depth, colour_type = header
    assert depth == 8 and colour_type in (2, 6)
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * bpp
    previous, total = bytearray(stride), 0
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (
                    line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)
                ) & 255
        total += sum(
            255 - (line[i] + line[i + 1] + line[i + 2]) // 3
            for i in range(0, stride, bpp)
        )
        previous = line
    return total / (width * height)


class Toolbar:
    """Clicks toolbar options by their names, the way a reader does."""

    def __init__(self, page, javascript):
        self.page, self.javascript = page, javascript
        self.region = page.get_by_role("region", name="Accessibility", exact=True)

    def open(self):
        """Open the toolbar (collapsed by default) with its toggle, if it is closed."""
        toggle = self.region.get_by_role("button", name="Accessibility", exact=True)
        if toggle.get_attribute("aria-expanded") == "false":
            self.press(toggle)
        expect(toggle).to_have_attribute("aria-expanded", "true")

    def button(self, group, name):
        """An option button, found by its group's and its own accessible name."""
        return self.region.get_by_role("group", name=group, exact=True).get_by_role(
            "button", name=name, exact=not name.startswith("A ")
        )

    def press(self, button):
        """Click; without JavaScript that is a form post and a 303 back to this page."""
        if self.javascript:
            button.click()
        else:
            with self.page.expect_navigation():
                button.click()

    def choose(self, group, name):
        """Choose an option; it is pressed afterwards and keeps (or gets back) focus."""
        button = self.button(group, name)
        self.press(button)
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_be_focused()
        pressed = self.region.get_by_role("group", name=group, exact=True).locator(
            '[aria-pressed="true"]'
        )
        expect(pressed).to_have_count(1)

    def custom(self, group, colour):
        """Apply a colour from the native colour input of a group."""
        label = "background color" if group == "Background color" else "text color"
        self.region.get_by_label(f"Custom {label}").fill(colour)
        apply = self.region.get_by_role("button", name=f"Apply custom {label}")
        self.press(apply)
        expect(apply).to_be_focused()


WEIGHTS = {"regular": "400", "light": "300", "bold": "700"}
LETTER_SPACING = {"1": 0.0625, "2": 0.125, "3": 0.1875}


def every_option():
    """Every option of every group, as (group, group label, value, button name), in an
    order that starts at normal size (for the ink comparison) and ends in colours."""
    label = p.GROUP_LABELS
    fonts = sorted(p.FONTS, key=lambda o: o.value == "arial")  # Arial last
    yield from (("font", label["font"], o.value, o.label) for o in fonts)
    yield from (("weight", label["weight"], o.value, o.label) for o in p.WEIGHTS[1:])
    yield ("weight", label["weight"], "regular", "Regular")
    yield from (("size", label["size"], o.value, f"A {o.value}%") for o in p.SIZES[1:])
    yield from (("spacing", label["spacing"], o.value, o.label) for o in p.SPACINGS)
    yield from (("scheme", label["scheme"], s.value, s.label) for s in p.SCHEMES)
    yield from (("bg", label["bg"], o.value, o.label) for o in p.BACKGROUND_SWATCHES)
    yield from (("fg", label["fg"], o.value, o.label) for o in p.TEXT_SWATCHES)


def expected_style(prefs):
    """What body text must look like under some preferences (the server's model)."""
    size = 18 * int(prefs.size) / 100
    bg, fg = prefs.colors
    return {
        "size": size,
        "weight": WEIGHTS[prefs.weight],
        "letter": (
            f"{size * LETTER_SPACING[prefs.spacing]:g}px" if prefs.spacing else "normal"
        ),
        "font": {"": "system-ui", "arial": "Arial,", "verdana": "Verdana,"}.get(
            prefs.font, "Tahoma,"
        ),
        "background": rgb(bg),
        "color": rgb(fg),
    }


def assert_looks_like(page, prefs, selector=".statement__body p", seconds=5.0):
    """Computed body text matches the preferences (soon: with JavaScript on, the
    script restyles the page when the server has answered its fetch)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return _assert_style(page, prefs, selector)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(50)


def _assert_style(page, prefs, selector):
    """Computed body text matches the preferences now."""
    style, want = text_style(page, selector), expected_style(prefs)
    family = style.pop("family")
    if prefs.weight == "light":  # a thin face first, then the chosen font
        assert family.startswith('"ngo light') and f" {want['font']}" in family, family
    else:
        assert family.startswith(want["font"]), family
    if want["letter"] != "normal":
        assert float(style.pop("letter")[:-2]) == pytest.approx(
            float(want["letter"][:-2]), abs=0.01
        )
    for key in ("size", "weight", "background", "color", "letter"):
        if key in style:
            assert style[key] == want[key], (key, style[key], want[key], prefs)


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_each_control_changes_body_text_and_the_choice_follows_the_reader(
    site, page_factory, javascript
):
    base, pages = site
    page = page_factory(javascript=javascript)
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Security Policy" in m.text else None,
    )
    page.goto(base + pages[1])
    if javascript:
        page.evaluate("window.__sameDocument = true")
    bar = Toolbar(page, javascript)
    bar.open()
    status = page.locator("[data-a11y-status]")
    paragraph = page.locator(".statement__body p").first

    prefs = p.Preferences(toolbar="open")
    assert_looks_like(page, prefs)
    default = text_style(page)
    assert default["color"] == rgb("#1a1a1a") and default["letter"] == "normal"
    expect(bar.region.locator('[aria-pressed="true"]')).to_have_count(2)
    regular_ink = None
    for group, legend, value, name in every_option():
        if (group, value) == ("weight", "light"):
            regular_ink = ink(paragraph.screenshot())
        bar.choose(legend, name)
        prefs = prefs.with_choice(group, value)
        assert_looks_like(page, prefs)
        if (group, value) == ("weight", "light"):
            # Light is really lighter: far less ink for the same words at the same size.
            assert ink(paragraph.screenshot()) < 0.8 * regular_ink
        if javascript:
            expect(status).to_have_text(prefs.describe(group))
    assert prefs.scheme == "" and prefs.picked == "both"

    # A link follows the scheme; custom colours from the native inputs.
    bar.choose("Color scheme", "White on black")
    prefs = prefs.with_choice("scheme", "wb")
    link = page.locator(".statement__body a").first
    assert link.evaluate("a => getComputedStyle(a).color") == rgb("#9cd3ff")
    bar.custom("Background color", "#fdf6e3")  # white text on it: a dark partner
    prefs = prefs.with_choice("bg", "#fdf6e3")
    assert_looks_like(page, prefs)
    expect(bar.button("Color scheme", "White on black")).to_have_attribute(
        "aria-pressed", "false"
    )
    bar.custom("Text color", "#7a1f1f")  # the reader has now chosen both
    prefs = prefs.with_choice("fg", "#7a1f1f")
    assert_looks_like(page, prefs)
    assert prefs.colors == ("#fdf6e3", "#7a1f1f")
    if javascript:
        assert page.evaluate("window.__sameDocument") is True  # never reloaded

    # The next page is rendered with the same choices, in its first response.
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}[p.COOKIE_NAME]
    assert (
        cookie
        == prefs.encode()
        == "fs:200|ff:arial|ls:3|bg:fdf6e3|fg:7a1f1f|pk:both|tb:open"
    )
    page.goto(base + pages[2])
    assert_looks_like(page, prefs, ".statement-card__summary")
    expect(bar.button("Font", "Arial")).to_have_attribute("aria-pressed", "true")

    page.goto(base + pages[1])
    reset = bar.region.get_by_role("button", name="Reset", exact=True)
    bar.press(reset)
    expect(reset).to_be_focused()
    assert text_style(page) == default
    # Everything is back to the defaults but the toolbar, which stays open.
    assert {c["name"]: c["value"] for c in page.context.cookies()}[
        p.COOKIE_NAME
    ] == "tb:open"
    expect(bar.region.locator('[aria-pressed="true"]')).to_have_count(2)
    if javascript:
        expect(status).to_have_text(p.Preferences().describe("reset"))
        page.reload()
        assert text_style(page) == default
    assert problems == []


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
def test_the_toolbar_collapses_and_stays_collapsed(site, page_factory, javascript):
    base, pages = site
    page = page_factory(javascript=javascript, width=320)
    page.goto(base + pages[0])
    bar = Toolbar(page, javascript)
    toggle = bar.region.get_by_role("button", name="Accessibility", exact=True)
    expect(toggle).to_have_attribute("aria-expanded", "false")  # the default
    expect(bar.region.get_by_role("group")).to_have_count(0)
    bar.press(toggle)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_be_focused()
    expect(bar.region.get_by_role("group")).to_have_count(7)
    bar.press(toggle)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(bar.region.get_by_role("group")).to_have_count(0)
    page.goto(base + pages[1])
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#a11y-panel")).to_be_hidden()
    bar.press(toggle)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(bar.region.get_by_role("group")).to_have_count(7)
    bar.choose(
        "Font size", "A 150%"
    )  # and the panel still works after opening in place


# Every page in the default look and in every colour scheme, at both widths; 200 % text
# rides along with three of the schemes (one of them with every option at its maximum),
# so each page is also checked at 200 %. Pairwise: each state sees every page once, and
# the widths alternate so that each state and each page is checked at 1280 and 320 px.
AXE_STATES = {
    "default": "",
    "black on white, 200%": "cs:bw|fs:200",
    "white on black, toolbar open": "cs:wb|tb:open",
    "yellow on black, everything at its maximum, toolbar open": (
        "cs:yb|fs:200|ff:tahoma|fw:bold|ls:3|tb:open"
    ),
    "blue, 150%, light Verdana": "cs:blue|fs:150|ff:verdana|fw:light|ls:1",
    "beige, toolbar open": "cs:beige|tb:open",
    "green, 200%, Arial, toolbar open": "cs:green|fs:200|ff:arial|ls:2|tb:open",
}
assert {c.split("|")[0] for c in AXE_STATES.values() if c} == {
    f"cs:{s.value}" for s in p.SCHEMES
}


def test_axe_finds_nothing_in_any_state_at_both_widths(site, page_factory):
    base, pages = site
    wide, narrow = page_factory(width=1280), page_factory(width=320, height=640)
    failures, checked = [], set()
    for i, (state, cookie) in enumerate(AXE_STATES.items()):
        for j, path in enumerate(pages):
            page = wide if (i + j) % 2 == 0 else narrow
            width = page.viewport_size["width"]
            set_prefs(page, base, cookie)
            page.goto(base + path)
            violations = axe_violations(page)
            if violations:
                failures.append(f"{state} {path} {width}px:\n{describe(violations)}")
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                failures.append(
                    f"{state} {path} {width}px: scrolls sideways ({scroll}px)"
                )
            checked.add((path, width))
    assert failures == [], "\n".join(failures)
    assert len(checked) == 2 * len(pages)


# The reader's other pages (a simple page, the statement list, the directory of
# organisations) in the default look and white on black at 200 %, at both widths:
# every combination, on the two pages of the test above, twelve runs of axe in all.
MORE_PAGES = ["/pages/about", "/statements", "/organisations"]
MORE_STATES = {"default": "", "white on black, 200%": "cs:wb|fs:200"}


def test_axe_finds_nothing_on_the_simple_page_and_the_directories(
    app, site, page_factory
):
    base, _ = site
    with app.app_context():
        seed_demo_pages()
        db.session.commit()
    wide, narrow = page_factory(width=1280), page_factory(width=320, height=640)
    failures = []
    for state, cookie in MORE_STATES.items():
        for page in (wide, narrow):
            width = page.viewport_size["width"]
            set_prefs(page, base, cookie)
            for path in MORE_PAGES:
                assert page.goto(base + path).status == 200, path
                violations = axe_violations(page)
                if violations:
                    failures.append(
                        f"{state} {path} {width}px:\n{describe(violations)}"
                    )
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    failures.append(
                        f"{state} {path} {width}px: scrolls sideways ({scroll}px)"
                    )
    assert failures == [], "\n".join(failures)
    footer = narrow.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Organisations")).to_have_attribute(
        "aria-current", "page"
    )
    narrow.goto(base + "/pages/about")
    expect(footer.get_by_role("link", name="About", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_a_low_contrast_custom_pair_is_warned_about_but_kept(site, page_factory):
    base, pages = site
    page = page_factory()
    set_prefs(page, base, "bg:777777|fg:999999|pk:both")
    page.goto(base + "/accessibility")
    style = text_style(page, "main p")
    assert style["background"] == rgb("#777777") and style["color"] == rgb("#999999")
    expect(page.locator(".settings__warning")).to_be_visible()
    ratio = p.format_ratio(p.contrast_ratio("#777777", "#999999"))
    expect(page.locator("[data-a11y-contrast]")).to_have_text(ratio)
    violations = axe_violations(page)
    assert violations and {v["id"] for v in violations} == {"color-contrast"}, describe(
        violations
    )


SPACING_CSS = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
)

CLIPPED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (s.display === 'none') continue;
    if (el.closest('.visually-hidden, .a11y-option__name, [hidden]')) continue;
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) continue;
    const clipX = ['hidden', 'clip'].includes(s.overflowX);
    const clipY = ['hidden', 'clip'].includes(s.overflowY);
    if ((clipX && el.scrollWidth > el.clientWidth + 1) ||
        (clipY && el.scrollHeight > el.clientHeight + 1))
      out.push(el.tagName + '.' + el.className);
  }
  const boxes = [...document.querySelectorAll('.a11y button, .a11y input, .a11y a')]
    .filter(el => el.offsetParent).map(el => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i++) for (let k = i + 1; k < boxes.length; k++) {
    const [a, r] = boxes[i], [b, q] = boxes[k];
    if (r.left < q.right - 1 && q.left < r.right - 1 &&
        r.top < q.bottom - 1 && q.top < r.bottom - 1)
      out.push('overlap: ' + (a.id || a.textContent) + ' / ' + (b.id || b.textContent));
  }
  return out;
}"""


def test_reflow_at_320_and_the_text_spacing_override(site, page_factory):
    base, pages = site
    narrow = page_factory(javascript=True, width=320, height=640, bypass_csp=True)
    wide = page_factory(javascript=True, width=1280, bypass_csp=True)
    maximum = "fs:200|ff:verdana|fw:bold|ls:3|cs:wb|tb:open"
    failures = []
    for cookie, page in (
        ("", narrow),
        ("fs:200|tb:open", narrow),
        (maximum, narrow),
        (maximum, wide),
    ):
        set_prefs(page, base, cookie)
        width = page.viewport_size["width"]
        for path in pages:
            where = f"{cookie or 'default'} {path} {width}px"
            page.goto(base + path)
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures.append(f"{where}: scrolls sideways")
            page.add_style_tag(content=SPACING_CSS)
            line = page.eval_on_selector(
                "main p", "p => getComputedStyle(p).lineHeight"
            )
            assert float(line[:-2]) >= 1.5 * text_style(page, "main p")["size"] - 0.1
            failures += [
                f"{where}, WCAG 1.4.12 spacing: {x}" for x in page.evaluate(CLIPPED)
            ]
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures.append(f"{where}, WCAG 1.4.12 spacing: scrolls sideways")
    assert failures == [], "\n".join(failures)


FOCUS_WALK = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {id: el.id, tag: el.tagName, inToolbar: !!el.closest('#a11y'),
          outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
          outlineColor: s.outlineColor,
          ground: getComputedStyle(document.querySelector('.a11y')).backgroundColor,
          width: r.width, height: r.height,
          visible: !!hit && (hit === el || el.contains(hit)),
          onScreen: r.top >= -1 && r.bottom <= innerHeight + 1};
}"""


def luminance(css_rgb):
    """Relative luminance of a computed `rgb(r, g, b)` colour."""
    r, g, b = (int(v) for v in css_rgb[css_rgb.index("(") + 1 : -1].split(",")[:3])
    return p.relative_luminance(f"#{r:02x}{g:02x}{b:02x}")


@pytest.mark.parametrize(
    "cookie,width",
    [
        ("tb:open", 1280),
        ("cs:wb|tb:open", 320),
        ("cs:yb|fs:200|tb:open", 1280),
        ("cs:beige|fs:150|tb:open", 320),
        ("bg:ffff00|fg:000000|tb:open", 1280),
    ],
)
def test_keyboard_reaches_every_control_with_a_visible_unobscured_focus(
    site, page_factory, cookie, width
):
    base, pages = site
    page = page_factory(javascript=False, width=width, height=640)
    set_prefs(page, base, cookie)
    page.goto(base + pages[1])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_WALK)
        if not info["inToolbar"]:
            break
        seen.append(info["id"] or info["tag"])
        assert info["outline"] == "solid" and info["outlineWidth"] >= 2, info
        lighter, darker = sorted(
            (luminance(info["outlineColor"]), luminance(info["ground"])), reverse=True
        )
        assert (lighter + 0.05) / (darker + 0.05) >= 3, info
        assert info["width"] >= 24 and info["height"] >= 24, info
        assert info["visible"] and info["onScreen"], str(info)
    expected = ["a11y-toggle"]
    expected += [f"a11y-size-{o.value}" for o in p.SIZES] + [
        f"a11y-font-{o.value}" for o in p.FONTS
    ]
    expected += [f"a11y-weight-{o.value}" for o in p.WEIGHTS] + [
        f"a11y-spacing-{o.value}" for o in p.SPACINGS
    ]
    expected += [f"a11y-scheme-{s.value}" for s in p.SCHEMES]
    for group, swatches in (("bg", p.BACKGROUND_SWATCHES), ("fg", p.TEXT_SWATCHES)):
        expected += [f"a11y-{group}-{o.value[1:]}" for o in swatches]
        expected += [f"a11y-{group}-custom", f"a11y-{group}-apply"]
    expected += ["a11y-reset", "A"]
    assert seen == expected


def test_system_preferences_apply_when_there_is_no_choice(site, page_factory):
    base, pages = site
    dark = page_factory(color_scheme="dark")
    dark.goto(base + pages[1])
    style = text_style(dark, ".statement__body p")
    assert style["background"] == rgb("#121212") and style["color"] == rgb("#f2f2f2")
    assert axe_violations(dark) == []
    set_prefs(dark, base, "cs:bw")  # a chosen scheme wins over the system's
    dark.reload()
    assert text_style(dark, ".statement__body p")["background"] == rgb("#ffffff")

    more = page_factory(color_scheme="dark", contrast="more")
    more.goto(base + pages[1])
    style = text_style(more, ".statement__body p")
    assert style["background"] == rgb("#000000") and style["color"] == rgb("#ffffff")
    light_more = page_factory(contrast="more")
    light_more.goto(base + pages[1])
    assert text_style(light_more, ".statement__body p")["color"] == rgb("#000000")

    forced = page_factory(forced_colors="active", reduced_motion="reduce")
    forced.goto(base + pages[1])
    looks = forced.evaluate(
        """() => [...document.querySelectorAll(
               '#a11y-weight-regular, #a11y-weight-bold')]
             .map(b => { const s = getComputedStyle(b);
                         return [s.color, s.borderTopWidth, s.textDecorationLine]; })"""
    )
    pressed, other = (
        looks  # the chosen option stays distinguishable, not by colour alone
    )
    assert (
        pressed[0] != other[0] and pressed[1] != other[1] and pressed[2] == "underline"
    )
    adjusted = forced.evaluate(  # the browser's own colour inputs aside
        """() => [...document.querySelectorAll(':not(input[type=color])')].filter(el =>
             getComputedStyle(el).forcedColorAdjust !== 'auto').length"""
    )
    assert adjusted == 0
    moving = forced.evaluate(
        """() => [...document.querySelectorAll('#a11y *')].filter(el => {
             const s = getComputedStyle(el);
             return parseFloat(s.transitionDuration) > 0 ||
                    s.animationName !== 'none'; }).length"""
    )
    assert moving == 0


def used_faces(page, selector):
    """The PostScript names of the fonts Chromium really used for an element's text."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return {f.get("postScriptName") or f["familyName"] for f in fonts["fonts"]}


@pytest.mark.parametrize("font", ["", "arial", "verdana", "tahoma"])
def test_light_uses_a_thin_face_and_bold_text_keeps_a_real_bold(
    site, page_factory, font
):
    base, pages = site
    page = page_factory(javascript=False)
    set_prefs(page, base, "fw:light|tb:open" + (f"|ff:{font}" if font else ""))
    page.goto(base + pages[1])
    for selector in (
        ".statement__body p",
        ".statement__body p[lang=hy]",
        ".statement__body p[lang=ru]",
    ):
        faces = used_faces(page, selector)
        assert faces and all("Light" in f for f in faces), (selector, faces)
    for selector in ("h1", "#a11y-size-150", "#a11y-weight-bold"):
        faces = used_faces(page, selector)
        assert faces and all("Light" not in f for f in faces), (selector, faces)
        assert any("Bold" in f for f in faces), (selector, faces)


class TestWithCsrf:
    """CSRF on, as in production: the toolbar's token works; a stale one explained."""

    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
    def test_a_stale_token_gets_a_clear_400_page(self, site, page_factory, javascript):
        base, pages = site
        page = page_factory(javascript=javascript)
        page.goto(base + pages[1])
        bar = Toolbar(page, javascript)
        bar.open()
        bar.choose("Font size", "A 150%")  # the page's own token is accepted
        page.context.clear_cookies()  # the session (and the token's secret) is gone
        with (
            page.expect_navigation()
        ):  # with JavaScript: the fetch fails, then the form
            bar.button("Font size", "A 200%").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Bad request")
        expect(page.locator("main")).to_contain_text("The form had expired")
        bar.open()  # the cookies, the toolbar's state with them, are gone
        bar.choose("Font size", "A 200%")  # the error page has a fresh token
        assert text_style(page, "main p")["size"] == 36
