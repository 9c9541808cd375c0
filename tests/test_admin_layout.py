"""The admin's own frame: its header ("Signed in as" once, Sign out, the navigation by
role), one column with one left edge, addresses that wrap where they should, whole
tabs, and axe-core at 320 px, 200% text, white on black."""

import re

import pytest
from playwright.sync_api import expect

from ngo.accessibility import preferences as prefs
from ngo.extensions import db
from ngo.models import AuditLog, Comment, Statement
from tests.axe import axe_violations, describe
from tests.staff import PASSWORD, make_user, signed_in, text_of

LONG_EMAIL = "anahit.petrosyan.press-office@helsinki-citizens-assembly.example.org"
LONG_URL = "https://www.hca-vanadzor.example.org/en/press/statements/2024/"

ADMIN_PAGES = [
    "/admin/",
    "/admin/statements",
    "/admin/categories",
    "/admin/organisations",
    "/admin/pages",
    "/admin/comments",
    "/admin/users",
    "/admin/audit",
    "/admin/sign-ins",
    "/admin/account",
]
NAVIGATION = {
    "moderator": ["Dashboard", "Comments", "Your account"],
    "editor": [
        "Dashboard",
        "Statements",
        "Categories",
        "Organisations",
        "Pages",
        "Comments",
        "Your account",
    ],
    "admin": [
        "Dashboard",
        "Statements",
        "Categories",
        "Organisations",
        "Pages",
        "Comments",
        "Users",
        "Audit log",
        "Sign-ins",
        "Your account",
    ],
}


@pytest.fixture
def app_config(app_config):
    """A tagline and a top-level category, so the public header would show."""
    return app_config | {"SITE_TAGLINE": "Voices of the network"}


@pytest.fixture
def world(app, make_statement):
    """A statement in a public category, a pending comment and an audit entry, all
    with long addresses."""
    slug = make_statement(title="Stop the intimidation", categories=["Activities"])
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        db.session.add(
            Comment(
                statement_id=statement.id,
                author_name="Anahit Petrosyan",
                author_email=LONG_EMAIL,
                author_url=LONG_URL,
                body="<p>Thank you for this statement.</p>",
                body_hash="h1",
                status="pending",
            )
        )
        db.session.add(
            AuditLog(
                actor=LONG_EMAIL,
                action="organisation.update",
                target_type="organisation",
                target_label="Peace Dialogue",
                details=f"website: (empty) → {LONG_URL}",
            )
        )
        db.session.commit()
    return slug


def nav_labels(html: str) -> list[str]:
    """The link texts of the admin navigation, in order."""
    start = html.index('aria-label="Administration"')
    nav = html[start : html.index("</nav>", start)]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.parametrize("role", sorted(NAVIGATION))
def test_each_admin_page_says_signed_in_as_once_in_the_admin_frame(
    app, client, world, role
):
    signed_in(app, client, role, email=f"{role}@example.org")
    # Straight after signing in (the flash message is there too) and on every page.
    landing = client.get("/admin/")
    assert "You are signed in." in text_of(landing)
    for path in ADMIN_PAGES:
        response = client.get(path)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, path
        html, text = response.get_data(as_text=True), text_of(response)
        assert text.count("Signed in as") == 1, path
        assert f"Signed in as {role}@example.org ({role})" in text, path
        assert re.search(
            r'<form[^>]*action="/admin/logout"[^>]*>\s*'
            r'<input type="hidden" name="csrf_token"',
            html,
        ), path
        assert nav_labels(html) == NAVIGATION[role], path
        # The admin's own frame, not the public one.
        assert 'aria-label="Main"' not in html and "site-nav" not in html
        header = html[html.index("<header") : html.index("</header>")]
        assert "Voices of the network" not in text and "Activities" not in header
        assert "publishes statements and appeals" not in text
        assert re.search(r'<a class="admin-brand" href="/">.*View site', html)
        assert 'class="admin-footer"' in html
        # The toolbar stays.
        assert 'id="a11y"' in html, path


def test_the_sign_in_page_frame_has_the_site_name_and_admin_only(app, client):
    response = client.get("/admin/login")
    html, text = response.get_data(as_text=True), text_of(response)
    header = html[html.index("<header") : html.index("</header>")]
    assert "Test Rights Site" in header and ">Admin<" in header
    assert "View site" in header
    assert "Signed in as" not in text and "Sign out" not in text
    assert "Administration" not in html and "Admin menu" not in html
    assert 'aria-label="Main"' not in html and "site-nav" not in html
    assert 'id="a11y"' in html


def test_addresses_break_after_at_and_slashes_and_before_dots_words_stay_whole(
    app, client, world
):
    signed_in(app, client, "admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert (
        "anahit<wbr>.petrosyan<wbr>.press-office@<wbr>helsinki-citizens-assembly"
        "<wbr>.example<wbr>.org" in html
    )
    assert (
        "website: (empty) → https://<wbr>www<wbr>.hca-vanadzor<wbr>.example"
        "<wbr>.org/<wbr>en/<wbr>press/" in html
    )
    text = text_of(client.get("/admin/audit"))
    assert LONG_EMAIL in text and f"website: (empty) → {LONG_URL}" in text
    queue = client.get("/admin/comments").get_data(as_text=True)
    assert f'href="mailto:{LONG_EMAIL}"' in queue  # the address itself is untouched
    assert "press-office@<wbr>helsinki" in queue and "statements/<wbr>2024/" in queue
    # Only addresses: ordinary words and sentences get no break points.
    for page in (html, queue):
        marked = page.replace("<wbr>", "\0")
        for token in re.findall(r"[^\s<>]*\0[^\s<>]*", marked):
            assert "@" in token or "/" in token, token


def sign_in(page, base, email):
    """Sign in through the form."""
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + "/admin/")


def set_look(page, base, cookie):
    """Give the page's context this toolbar cookie ("" for the default look)."""
    page.context.clear_cookies(name=prefs.COOKIE_NAME)
    if cookie:
        page.context.add_cookies(
            [{"name": prefs.COOKIE_NAME, "value": cookie, "url": base}]
        )


EDGES = """() => {
  const left = s => { const e = document.querySelector(s);
    return e ? Math.round(e.getBoundingClientRect().left) : null; };
  return {toolbar: left('.a11y__toggle'), brand: left('.admin-brand'),
          nav: left('.admin-nav ul'), main: left('main h1'),
          footer: left('.admin-footer p'),
          scroll: document.documentElement.scrollWidth}; }"""


@pytest.mark.browser
def test_header_navigation_main_and_footer_share_one_left_edge(
    app, live_server, page_factory, world
):
    make_user(app, "admin", "admin@example.org")
    page = page_factory(javascript=False)
    sign_in(page, live_server, "admin@example.org")
    for width, cookie in [(1280, ""), (1280, "fs:200"), (320, ""), (320, "fs:200")]:
        page.set_viewport_size({"width": width, "height": 800})
        set_look(page, live_server, cookie)
        page.goto(live_server + "/admin/comments")
        menu = page.locator("summary", has_text="Admin menu")
        nav = page.get_by_role("navigation", name="Administration")
        if width == 320:
            # Folded into "Admin menu": the page starts with the brand and the menu.
            expect(nav).to_be_hidden()
            expect(page.get_by_text("Signed in as")).to_be_hidden()
            menu.click()
        else:
            expect(menu).to_be_hidden()
        expect(nav.get_by_role("link", name="Audit log")).to_be_visible()
        edges = page.evaluate(EDGES)
        scroll = edges.pop("scroll")
        assert scroll <= width, (width, cookie, scroll)
        assert len(set(edges.values())) == 1, (width, cookie, edges)


# The visible words outside addresses (which are marked with <wbr>) that are split
# over two lines.
SPLIT_WORDS = """() => { const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const re = /\\S+/g; let m;
    while ((m = re.exec(n.data))) {
      const parent = n.parentElement;
      if (parent.querySelector('wbr') || /[@/]/.test(m[0])
          || !parent.checkVisibility()) continue;
      const r = document.createRange();
      r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1)
        out.push(m[0]); } }
  return out; }"""


@pytest.mark.browser
def test_a_long_email_wraps_inside_the_column_at_320_px_and_words_stay_whole(
    app, live_server, page_factory, world
):
    make_user(app, "admin", "admin@example.org")
    page = page_factory(javascript=False, width=320, height=640)
    sign_in(page, live_server, "admin@example.org")
    set_look(page, live_server, "fs:200|cs:wb")
    page.goto(live_server + "/admin/audit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The address in "Who": on several lines, each inside main's column, and each
    # line break after "@", "/" or "-" or before a dot.
    lines = page.evaluate(
        """email => {
          const main = document.querySelector('main'), m = getComputedStyle(main);
          const box = main.getBoundingClientRect();
          const column = [box.left + parseFloat(m.paddingLeft),
                          box.right - parseFloat(m.paddingRight)];
          const cell = [...document.querySelectorAll('td')]
            .find(td => td.textContent.includes(email));
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          const chars = [];
          for (let n = walker.nextNode(); n; n = walker.nextNode())
            for (let i = 0; i < n.data.length; i++) {
              const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
              const rect = r.getBoundingClientRect();
              chars.push([n.data[i], Math.round(rect.top), rect.left, rect.right]); }
          const lines = [];
          for (const [c, top, l, r] of chars) {
            const last = lines[lines.length - 1];
            if (last && last.top === top) { last.text += c; last.right = r; }
            else lines.push({top, text: c, left: l, right: r}); }
          return {column, lines}; }""",
        LONG_EMAIL,
    )
    left, right = lines["column"]
    texts = [line["text"] for line in lines["lines"]]
    assert "".join(texts) == LONG_EMAIL and len(texts) > 2, texts
    for line in lines["lines"]:
        assert left - 1 <= line["left"] and line["right"] <= right + 1, line
    for first, second in zip(texts, texts[1:], strict=False):
        assert first[-1] in "@/-" or second[0] == ".", (first, second)
    # No word outside an address is split over two lines, and nothing may break
    # anywhere.
    assert page.evaluate(SPLIT_WORDS) == []
    breaking = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
             const c = getComputedStyle(e);
             return c.overflowWrap === 'anywhere' || c.wordBreak !== 'normal'; })
           .map(e => e.className || e.tagName)"""
    )
    assert breaking == []
    # The dashboard (its menu open) and the queue keep their words whole too.
    page.goto(live_server + "/admin/")
    page.locator("summary", has_text="Admin menu").click()
    assert page.evaluate(SPLIT_WORDS) == []
    page.goto(live_server + "/admin/comments")
    assert page.evaluate(SPLIT_WORDS) == []


CURRENT_TAB = """() => {
  const tab = document.querySelector('.tabs a[aria-current="page"]');
  const list = tab.closest('ul'), c = getComputedStyle(tab);
  const sides = ['Top', 'Right', 'Bottom', 'Left'];
  const r = tab.getBoundingClientRect(), l = list.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(list).borderBottomWidth);
  return {styles: sides.map(s => c['border' + s + 'Style']),
          widths: sides.map(s => parseFloat(c['border' + s + 'Width'])),
          colours: sides.map(s => c['border' + s + 'Color']),
          page: getComputedStyle(document.body).backgroundColor,
          rects: tab.getClientRects().length, skip: c.textDecorationSkipInk,
          inside: r.left >= l.left - 0.5 && r.right <= l.right + 0.5
                  && r.bottom <= l.bottom - line};
}"""


def luminance(rgb: str) -> float:
    """WCAG relative luminance of a computed `rgb(r, g, b)` colour."""
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return prefs.relative_luminance(f"#{r:02x}{g:02x}{b:02x}")


@pytest.mark.browser
def test_the_current_tab_is_drawn_whole_in_every_scheme_and_forced_colours(
    app, live_server, page_factory, world
):
    make_user(app, "moderator", "moderator@example.org")
    page = page_factory(javascript=False, width=320, height=640)
    sign_in(page, live_server, "moderator@example.org")
    looks = [("", False), ("fs:200", False), ("fs:200", True)]
    looks += [(f"cs:{s.value}", False) for s in prefs.SCHEMES]
    for cookie, forced in looks:
        page.emulate_media(forced_colors="active" if forced else "none")
        set_look(page, live_server, cookie)
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live_server + "/admin/comments?status=approved")
            tab = page.evaluate(CURRENT_TAB)
            label = (cookie, forced, width)
            assert tab["styles"] == ["solid"] * 4, (label, tab)
            assert min(tab["widths"]) >= 1.5, (label, tab)
            assert len(set(tab["colours"])) == 1, (label, tab)
            assert tab["rects"] == 1 and tab["inside"], (label, tab)
            assert tab["skip"] == "none", (label, tab)
            # The border stands out from what is behind it (WCAG 1.4.11, 3:1).
            border, behind = luminance(tab["colours"][0]), luminance(tab["page"])
            high, low = max(border, behind), min(border, behind)
            assert (high + 0.05) / (low + 0.05) >= 3, (label, tab)


@pytest.mark.browser
def test_dashboard_and_queue_are_axe_clean_at_320_px_200_percent_white_on_black(
    app, live_server, page_factory, world
):
    make_user(app, "admin", "admin@example.org")
    page = page_factory(width=320, height=640)  # axe needs scripts
    sign_in(page, live_server, "admin@example.org")
    set_look(page, live_server, "fs:200|cs:wb")
    failures = []
    for path, open_menu in (("/admin/", True), ("/admin/comments", False)):
        page.goto(live_server + path)
        if open_menu:
            page.locator("summary", has_text="Admin menu").click()
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    assert failures == [], "\n".join(failures)
