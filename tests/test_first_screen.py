"""The first screen in Chromium: where a statement's title starts, the text column and
whole words at 320 px and 200%, the collapsed toolbar (opened in one step, remembered,
readable on a white-on-white page), the "Menu" fold and the Tab order."""

import pytest
from playwright.sync_api import expect

from ngo.accessibility import preferences as p

pytestmark = pytest.mark.browser

TITLE = "Municipal Elections 2025: Preliminary Findings of Citizen Observers"


@pytest.fixture
def statement_url(live_server, make_statement):
    """A statement with a trail and signatories, as the demo data has."""
    slug = make_statement(
        title=TITLE,
        body="<p>Accessibility of polling stations for voters with disabilities "
        "remains an issue in many places, as the network reported in its "
        "announcements.</p>",
        categories=["Activities", "Rights > Right to life", "Announcements"],
        signatories=["Article 3 Club", "Peace Dialogue"],
    )
    return f"{live_server}/statements/{slug}"


def with_cookie(page, url, value):
    """Give the page's context a preferences cookie, at path / as the server sets it."""
    host = url.split("/")[2].split(":")[0]
    page.context.add_cookies(
        [{"name": p.COOKIE_NAME, "value": value, "domain": host, "path": "/"}]
    )


# Viewport, text size cookie, where the h1 must start at the latest.
SIZES = [(320, 640, "", 640), (320, 640, "fs:200", 960)]
SIZES += [(1280, 800, "", 400), (1280, 800, "fs:200", 800)]
# Armenian has the longest words and tagline: its header is the tallest.
SIZES += [("/hy", 1280, 800, "fs:200", 800), ("/hy", 320, 640, "fs:200", 960)]
SIZES = [size if size[0] == "/hy" else ("", *size) for size in SIZES]


@pytest.mark.parametrize("prefix,width,height,cookie,limit", SIZES)
def test_the_title_is_on_the_first_screen_and_the_column_keeps_its_width(
    page_factory, statement_url, prefix, width, height, cookie, limit
):
    page = page_factory(javascript=False, width=width, height=height)
    if cookie:
        with_cookie(page, statement_url, cookie)
    base, path = statement_url.split("/statements/")
    page.goto(f"{base}{prefix}/statements/{path}")
    top = page.eval_on_selector("h1", "h => h.getBoundingClientRect().top")
    assert top <= limit, f"h1 starts at {top} px"
    layout = page.evaluate(
        """() => { const m = document.querySelector('main'), s = getComputedStyle(m);
          const text = [...document.querySelectorAll('main, main *, .site-header *')];
          return {column: m.clientWidth - parseFloat(s.paddingLeft)
                          - parseFloat(s.paddingRight),
                  scroll: document.documentElement.scrollWidth,
                  breaking: text.filter(e => { const c = getComputedStyle(e);
                      return c.overflowWrap === 'anywhere' || c.wordBreak !== 'normal';
                    }).map(e => e.tagName)}; }"""
    )
    assert layout["scroll"] <= width
    assert layout["breaking"] == []
    if width == 320:
        assert layout["column"] >= 272
        # A word of the title or body split over two lines (its range has rects on two
        # lines) is a fault when, unbroken, it is no wider than the line.
        split = page.evaluate(
            """() => { const out = [];
              for (const p of document.querySelectorAll('h1, .statement__body p')) {
              const node = p.firstChild, re = /\\S+/g; let m;
              while ((m = re.exec(node.data))) { const r = document.createRange();
                r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
                const lines = new Set([...r.getClientRects()].map(x => x.top));
                if (lines.size < 2) continue;
                const probe = document.createElement('span');
                probe.style.whiteSpace = 'nowrap'; probe.textContent = m[0];
                p.append(probe);
                // A title's words are sized to fit (site.css caps h1 by the
                // viewport): any split there is a fault.
                if (p.tagName === 'H1'
                    || probe.getBoundingClientRect().width <= p.clientWidth)
                  out.push(m[0]);
                probe.remove(); } }
              return out; }"""
        )
        assert split == []
        # The collapsed toolbar is one row: "Accessibility" and its chevron on one line.
        toggle = page.eval_on_selector(
            "#a11y-toggle",
            """t => { const c = getComputedStyle(t), px = v => parseFloat(c[v]);
              const oneLine = Math.max(
                px('minHeight') - px('borderTopWidth') - px('borderBottomWidth'),
                px('lineHeight') + px('paddingTop') + px('paddingBottom'));
              return {height: t.clientHeight, oneLine: oneLine,
                      scroll: t.scrollWidth, width: t.clientWidth}; }""",
        )
        assert toggle["height"] <= toggle["oneLine"] + 1
        assert toggle["scroll"] <= toggle["width"]
    if prefix:  # the words below are English ones
        return
    if width == 320:
        # The navigation folds into "Menu", and opens without JavaScript.
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_hidden()
        page.locator("summary", has_text="Menu").click()
        expect(nav.get_by_role("link", name="Statements")).to_be_visible()
    else:
        expect(page.locator("summary", has_text="Menu")).to_be_hidden()
        expect(
            page.get_by_role("navigation", name="Main").get_by_role(
                "link", name="Statements"
            )
        ).to_be_visible()


@pytest.mark.parametrize("javascript", [False, True])
def test_the_toolbar_is_collapsed_opens_in_one_step_and_stays_open(
    page_factory, statement_url, javascript
):
    page = page_factory(javascript=javascript, width=320, height=640)
    page.goto(statement_url)
    region = page.get_by_role("region", name="Accessibility", exact=True)
    toggle = region.get_by_role("button", name="Accessibility", exact=True)
    reset = region.get_by_role("button", name="Reset")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(reset).to_be_hidden()
    # The toolbar's toggle is the first Tab stop after the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    if javascript:
        toggle.click()
    else:
        with page.expect_navigation():
            toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(reset).to_be_visible()
    assert len(navigations) == (0 if javascript else 1)
    # Every colour button shows its name, even at 320 px.
    for name in ("White on black", "Light blue", "Dark brown", "Green"):
        expect(region.get_by_text(name, exact=True).first).to_be_visible()
    page.reload()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(reset).to_be_visible()


def luminance(rgb):
    """WCAG relative luminance of a computed `rgb(r, g, b)` colour."""
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    return p.relative_luminance(f"#{r:02x}{g:02x}{b:02x}")


def ratio(first, second):
    """Contrast ratio of two computed colours."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_white_on_white_leaves_the_toolbar_and_reset_readable(
    page_factory, statement_url
):
    page = page_factory(javascript=False, width=320, height=640)
    with_cookie(page, statement_url, "bg:ffffff|fg:ffffff|pk:both|tb:open")
    page.goto(statement_url)
    colours = page.evaluate(
        """() => { const c = e => getComputedStyle(e);
          const bar = document.querySelector('.a11y');
          const reset = document.getElementById('a11y-reset');
          const toggle = document.getElementById('a11y-toggle');
          return {page: [c(document.body).color, c(document.body).backgroundColor],
                  bar: [c(bar).color, c(bar).backgroundColor],
                  toggle: [c(toggle).color, c(toggle).backgroundColor],
                  reset: [c(reset).color, c(reset).backgroundColor]}; }"""
    )
    assert colours["page"] == ["rgb(255, 255, 255)"] * 2  # the reader's own choice
    for part in ("bar", "toggle", "reset"):
        assert ratio(*colours[part]) >= 7, (part, colours[part])
    with page.expect_navigation():
        page.get_by_role("button", name="Reset").click()
    assert (
        page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 255, 255)"
    )
