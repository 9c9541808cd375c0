"""The admin in Debian's Chromium: sign in, write and publish a statement, moderate,
and axe-core finds nothing on the admin pages at 1280 and 320 px, in toolbar states."""

import re

import pytest
from playwright.sync_api import expect

from ngo.accessibility import preferences as prefs
from ngo.extensions import db
from ngo.models import Comment, Statement
from tests.axe import axe_violations, describe
from tests.staff import PASSWORD, make_user

pytestmark = pytest.mark.browser

HOSTILE = """The police **detained** four journalists.

<script>alert("script")</script><img src=x onerror="alert('img')">
<a href="javascript:alert('link')">a trap</a>

## What we ask

1. Release them.
2. Investigate.
"""


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def sign_in(page, base, email, password=PASSWORD):
    """Fill in and send the sign-in form by its labels."""
    page.goto(base + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def content(app, make_statement):
    """A statement with categories, signatories and comments waiting for moderation."""
    slug = make_statement(
        title="Stop the intimidation of defenders",
        categories=["Activities", "Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
    )
    make_statement(title="A draft in progress", slug="a-draft", status="draft")
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        for number, status in enumerate(
            ["pending", "pending", "approved", "spam", "trash"]
        ):
            db.session.add(
                Comment(
                    statement_id=statement.id,
                    author_name=f"Reader {number}",
                    author_email=f"reader{number}@example.org",
                    author_url="https://reader.example/blog" if number == 0 else None,
                    body=f'<p>A comment with a <a href="https://example.org/{number}" '
                    f'rel="nofollow ugc noopener">link</a>'
                    f" and some <em>emphasis</em>, number {number}.</p>",
                    body_hash=f"b{number}",
                    status=status,
                    moderation_note="links" if number == 1 else "",
                )
            )
        statement.comment_count = 1
        db.session.commit()
    make_user(app, "admin", "admin@example.org")
    make_user(app, "editor", "editor@example.org")
    return slug


def test_an_editor_writes_publishes_and_reads_back_a_statement(
    app, live_server, page_factory, content
):
    page = page_factory()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "editor@example.org")
    expect(page).to_have_url(live_server + "/admin/")
    expect(page.locator(".flashes")).to_contain_text("You are signed in.")
    expect(page.get_by_role("region", name="Accessibility")).to_be_visible()

    page.get_by_role("link", name="Write a new statement").click()
    page.get_by_label("Title", exact=True).fill("Free the journalists of Lorvan")
    page.get_by_label("Date", exact=True).fill("2024-03-05")
    page.get_by_label("Summary", exact=True).fill(
        "Four journalists are held without charge."
    )
    page.get_by_label("Body", exact=True).fill(HOSTILE)
    categories = page.get_by_role("group", name="Categories")
    categories.get_by_label("Right to life").check()
    page.get_by_label("Signatories", exact=True).fill(
        "Peace Dialogue\nA New Coalition\narticle 3 club"
    )
    page.get_by_label("Status", exact=True).select_option("published")
    expect(page.get_by_label("Comments open")).to_be_checked()

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name=re.compile("^Preview"))
    expect(preview.get_by_role("heading", name="What we ask")).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Free the journalists of Lorvan"
    )
    expect(
        page.get_by_role("group", name="Categories").get_by_label("Right to life")
    ).to_be_checked()

    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Saved “Free the journalists of Lorvan” (published)."
    )
    expect(page.get_by_label("Slug", exact=True)).to_have_value(
        "free-the-journalists-of-lorvan"
    )

    reader = page_factory()
    reader.on(
        "dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss())
    )
    reader.goto(live_server + "/statements/free-the-journalists-of-lorvan")
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Free the journalists of Lorvan"
    )
    expect(reader.locator(".statement__body strong")).to_have_text("detained")
    assert reader.locator(".statement__body script, .statement__body img").count() == 0
    assert reader.locator('.statement__body a[href^="javascript"]').count() == 0
    assert reader.locator(".signatories li").all_inner_texts()[:3] == [
        "Peace Dialogue",
        "A New Coalition",
        "Article 3 Club",
    ]
    expect(reader.locator(".trail")).to_contain_text("Rights | Right to life")
    expect(reader.get_by_text("March 5, 2024")).to_be_visible()
    assert dialogs == []


def test_a_moderator_approves_a_comment_and_it_is_public(
    app, live_server, page_factory, content
):
    make_user(app, "moderator", "mod@example.org")
    page = page_factory()
    sign_in(page, live_server, "mod@example.org")
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Comments"
    ).click()
    expect(
        page.get_by_role("link", name=re.compile(r"Pending \(2\)"))
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("reader0@example.org")).to_be_visible()
    page.get_by_role("button", name="Approve the comment by Reader 0").click()
    expect(page.locator(".flashes")).to_contain_text("1 comment approved.")
    expect(page.get_by_role("link", name=re.compile(r"Approved \(2\)"))).to_be_visible()

    page.get_by_label("Select the comment by Reader 1").check()
    page.get_by_role("group", name="With the ticked comments").get_by_role(
        "button", name="Spam"
    ).click()
    expect(page.locator(".flashes")).to_contain_text("1 comment marked as spam.")

    reader = page_factory()
    reader.goto(f"{live_server}/statements/{content}")
    expect(reader.get_by_text("number 0.")).to_be_visible()
    assert "reader0@example.org" not in reader.content()
    # A moderator has no business in the editor.
    assert page.goto(live_server + "/admin/statements").status == 403


def test_the_toolbar_works_on_admin_pages(app, live_server, page_factory, content):
    page = page_factory(javascript=False)
    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/statements")
    toolbar = page.get_by_role("region", name="Accessibility")
    if (
        toolbar.get_by_role("button", name="Accessibility").get_attribute(
            "aria-expanded"
        )
        == "false"
    ):
        toolbar.get_by_role("button", name="Accessibility").click()
    page.get_by_role("group", name="Color scheme").get_by_role(
        "button", name="White on black"
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/statements$"))
    expect(page.locator("html")).to_have_class(re.compile("a11y-scheme-wb"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Statements")


ADMIN_PAGES = [
    "/admin/",
    "/admin/statements",
    "/admin/statements/new",
    "/admin/statements/1/edit",
    "/admin/categories",
    "/admin/categories/2/edit",
    "/admin/organisations",
    "/admin/organisations/1/edit",
    "/admin/comments",
    "/admin/comments?status=trash",
    "/admin/users",
    "/admin/users/new",
    "/admin/audit",
    "/admin/sign-ins",
    "/admin/account",
    "/statements/a-draft",
]


@pytest.mark.parametrize("width", [1280, 320])
def test_admin_pages_are_axe_clean_and_fit_the_screen(
    app, live_server, page_factory, content, width
):
    page = page_factory(width=width, height=900 if width > 400 else 640)
    failures = []

    def check(label):
        violations = axe_violations(page)
        if violations:
            failures.append(f"{label} {width}px:\n{describe(violations)}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            failures.append(f"{label} {width}px: scrolls sideways ({scroll}px)")

    # Signed out: the sign-in page, and its error.
    page.goto(live_server + "/admin/login")
    check("/admin/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert").first).to_contain_text("not right")
    check("/admin/login (wrong password)")

    sign_in(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/statements/1/edit")
    page.get_by_role("button", name="Save").click()  # an audit entry, a flash message
    for path in ADMIN_PAGES:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        assert page.get_by_role("region", name="Accessibility").count() == 1, path
        check(path)

    # Forms with their errors and a preview.
    page.goto(live_server + "/admin/statements/new")
    page.get_by_label("Date", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check("/admin/statements/new (errors)")
    page.get_by_label("Title", exact=True).fill("A title")
    page.get_by_label("Date", exact=True).fill("2024-01-02")
    page.get_by_label("Body", exact=True).fill(
        "## Heading\n\nText with a [link](https://example.org)."
    )
    page.get_by_role("button", name="Preview").click()
    # The preview is a new page: axe must not run on the one it replaces.
    expect(page.get_by_role("heading", name=re.compile("^Preview"))).to_be_visible()
    check("/admin/statements/new (preview)")
    page.goto(live_server + "/admin/categories/2/edit")
    page.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.get_by_role("alert").first).to_contain_text("cannot be deleted")
    check("/admin/categories/2/edit (delete refused)")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    "cookie", ["cs:wb", "cs:yb|fs:200", "fs:200|ff:tahoma|fw:bold|ls:3|cs:beige"]
)
def test_admin_pages_stay_clean_in_toolbar_states(
    app, live_server, page_factory, content, cookie
):
    page = page_factory(width=320, height=640)
    sign_in(page, live_server, "admin@example.org")
    page.context.add_cookies(
        [{"name": prefs.COOKIE_NAME, "value": cookie, "url": live_server}]
    )
    failures = []
    for path in (
        "/admin/statements",
        "/admin/statements/1/edit",
        "/admin/comments",
        "/admin/categories",
    ):
        page.goto(live_server + path)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{cookie} {path}:\n{describe(violations)}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > 320:
            failures.append(f"{cookie} {path}: scrolls sideways ({scroll}px)")
    assert failures == [], "\n".join(failures)
