"""The comment form in Debian's Chromium: JavaScript off, axe-clean, errors spoken."""

import re

import pytest
from playwright.sync_api import expect

from ngo.accessibility.preferences import COOKIE_NAME, Preferences
from ngo.comments.demo import add_sample_thread
from ngo.extensions import db
from ngo.models import Comment, Statement
from tests.axe import axe_violations, describe

pytestmark = pytest.mark.browser

LONG_URL = "https://example.org/" + "a-very-long-path-segment-" * 8
REL = "nofollow ugc noopener"


@pytest.fixture
def app_config(app_config):
    """CSRF on as in production; no time trap or flood window between the steps."""
    return app_config | {
        "WTF_CSRF_ENABLED": True,
        "COMMENT_MIN_SECONDS": 0,
        "COMMENT_FLOOD_SECONDS": 0,
    }


@pytest.fixture
def thread(app, make_statement):
    """A statement with a deep thread and a comment holding an unbroken long URL."""
    slug = make_statement(title="Release the detained journalists")
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        add_sample_thread(statement, 12)
        db.session.add(
            Comment(
                statement_id=statement.id,
                depth=1,
                author_name="Long Link Reader",
                author_email="long@example.org",
                author_url=LONG_URL[:200],
                body=f'<p><a href="{LONG_URL}" rel="{REL}">{LONG_URL}</a></p>',
                body_hash="long",
                status="approved",
            )
        )
        statement.comment_count += 1
        db.session.commit()
    return slug


def assert_axe_clean(page):
    """axe-core finds nothing (axe runs in the page, so the page needs JavaScript)."""
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def axe_clean_as_seen(page, page_factory, width=1280):
    """axe on what a JavaScript-off page shows: same URL and cookies, JavaScript on."""
    twin = page_factory(javascript=True, width=width)
    twin.context.add_cookies(page.context.cookies())
    twin.goto(page.url)
    assert_axe_clean(twin)


def post_button(page):
    return page.get_by_role("button", name="Post Comment")


def reply_link(page, author):
    """The Reply link of the one comment by this author (named with its date)."""
    return page.get_by_role(
        "link", name=re.compile(f"^Reply to {author}'s comment of ")
    )


def test_a_refused_post_is_announced_and_the_form_is_axe_clean_without_javascript(
    live_server, page_factory, thread
):
    page = page_factory(javascript=False)
    page.goto(f"{live_server}/statements/{thread}")
    axe_clean_as_seen(page, page_factory)
    page.get_by_label("Website", exact=True).fill("javascript:alert(1)")
    post_button(page).click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("There is a problem")
    for message in (
        "Enter your comment.",
        "Enter your name.",
        "Enter your email address.",
        "Enter a web address that starts with http:// or https://",
    ):
        expect(alert.get_by_role("link", name=message)).to_be_visible()
    comment = page.get_by_label("Comment", exact=True)
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_have_accessible_description(re.compile("Enter your comment."))
    expect(page.get_by_label("Website", exact=True)).to_have_value(
        "javascript:alert(1)"
    )
    # The same refused post in a page that can run axe.
    twin = page_factory(javascript=True)
    twin.goto(f"{live_server}/statements/{thread}")
    twin.get_by_label("Website", exact=True).fill("javascript:alert(1)")
    post_button(twin).click()
    expect(twin.get_by_role("alert")).to_be_visible()
    assert_axe_clean(twin)
    # The summary's links lead to their fields.
    alert.get_by_role("link", name="Enter your name.").click()
    assert page.url.endswith("#author")


def test_posting_without_javascript_shows_the_comment_awaiting_moderation(
    live_server, page_factory, thread
):
    page = page_factory(javascript=False)
    page.goto(f"{live_server}/statements/{thread}")
    page.get_by_label("Comment", exact=True).fill(
        "A reader's reply.\n\nWith a second paragraph."
    )
    page.get_by_label("Name", exact=True).fill("Ani Reader")
    page.get_by_label("Email", exact=True).fill("ani@example.org")
    page.get_by_label(
        "Save my name, email, and website in this browser for the next time I comment."
    ).check()
    post_button(page).click()

    assert re.search(r"/statements/[\w-]+#comment-\d+$", page.url), page.url
    anchor = page.url.rsplit("#", 1)[1]
    mine = page.locator(f"#{anchor}")
    expect(mine).to_contain_text("Your comment is awaiting moderation.")
    expect(mine.locator("p")).to_have_count(
        5
    )  # author, date, notice and two paragraphs
    expect(page.locator(".flashes[role=status]")).to_contain_text("awaiting moderation")
    expect(page.get_by_label("Name", exact=True)).to_have_value(
        "Ani Reader"
    )  # remembered
    assert (
        "ani@example.org"
        not in page.locator("#comments > ol.comment-list").inner_html()
    )
    axe_clean_as_seen(page, page_factory)


def test_replies_work_without_javascript(live_server, page_factory, thread):
    page = page_factory(javascript=False)
    page.goto(f"{live_server}/statements/{thread}")
    reply_link(page, "Reader 5").click()
    assert "replytocom=" in page.url
    expect(page.get_by_role("heading", name="Reply to Reader 5")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel reply")).to_be_visible()
    axe_clean_as_seen(page, page_factory)
    page.get_by_label("Comment", exact=True).fill("An answer to Reader 5.")
    page.get_by_label("Name", exact=True).fill("Bo")
    page.get_by_label("Email", exact=True).fill("bo@example.org")
    post_button(page).click()
    anchor = page.url.rsplit("#", 1)[1]
    parent = page.locator(
        "li.comment", has=page.get_by_text("Sample comment 5:", exact=False)
    ).first
    expect(parent.locator(f"#{anchor}")).to_contain_text("An answer to Reader 5.")


def test_with_javascript_reply_moves_the_form_under_the_comment(
    live_server, page_factory, thread
):
    page = page_factory(javascript=True)
    page.goto(f"{live_server}/statements/{thread}")
    before = page.url
    reply_link(page, "Reader 9").click()
    assert page.url == before  # no reload
    comment_li = page.locator(
        "li.comment", has=page.locator("[data-author='Reader 9']")
    ).first
    expect(comment_li.locator("#respond")).to_have_count(1)
    expect(page.get_by_role("heading", name="Reply to Reader 9")).to_be_visible()
    expect(page.get_by_label("Comment", exact=True)).to_be_focused()
    page.get_by_label("Comment", exact=True).fill("Inline reply.")
    page.get_by_label("Name", exact=True).fill("Cy")
    page.get_by_label("Email", exact=True).fill("cy@example.org")
    post_button(page).click()
    anchor = page.url.rsplit("#", 1)[1]
    expect(comment_li.locator(f"#{anchor}")).to_contain_text("Inline reply.")
    # Cancel puts the form back as a new comment.
    reply_link(page, "Reader 1").click()
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    expect(page.locator("li.comment #respond")).to_have_count(0)
    assert page.locator("#comment_parent").input_value() == "0"


def test_with_javascript_focus_moves_to_the_error_summary(
    live_server, page_factory, thread
):
    page = page_factory(javascript=True)
    page.goto(f"{live_server}/statements/{thread}")
    post_button(page).click()
    expect(page.get_by_role("alert")).to_be_focused()


@pytest.mark.parametrize(
    "width, prefs",
    [
        (320, None),
        (320, Preferences(size="200")),
        (1280, Preferences(size="200")),
        (640, Preferences(scheme="wb")),
    ],
    ids=["320px", "320px-200pct", "1280px-200pct", "640px-white-on-black"],
)
def test_the_thread_and_form_reflow_with_big_enough_targets(
    live_server, page_factory, thread, width, prefs
):
    page = page_factory(javascript=True, width=width, height=800)
    if prefs is not None:
        page.context.add_cookies(
            [{"name": COOKIE_NAME, "value": prefs.encode(), "url": live_server}]
        )
    page.goto(f"{live_server}/statements/{thread}")
    post_button(page).click()  # the error state has the most to fit
    expect(page.get_by_role("alert")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    targets = page.locator(
        "a.comment-reply-link, #remember, #submit, .error-summary a, "
        "#comments input:visible, #comments textarea"
    )
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (index, box)
    assert_axe_clean(page)
