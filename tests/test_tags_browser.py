"""A tag's page and a tagged statement in Chromium: axe-core finds nothing, in the
default look at 1280 px and white on black at 200% on a 320 px phone, in English
and Armenian, and nothing scrolls sideways."""

import pytest

from tests.axe import axe_violations, describe
from tests.test_accessibility_browser import set_prefs
from tests.test_tags import tag

pytestmark = pytest.mark.browser

STATES = {"default": "", "white on black, 200%": "cs:wb|fs:200"}


def test_axe_finds_nothing_on_a_tag_page(
    app, live_server, make_statement, page_factory
):
    app.config["STATEMENTS_PER_PAGE"] = 2
    slugs = [
        make_statement(title=f"Monitoring report {n}", categories=["Rights"])
        for n in range(3)
    ]
    tag(
        app,
        slugs,
        ("Election monitoring", "election-monitoring"),
        ("Freedom of assembly and association", "assembly"),
    )
    paths = [
        "/tag/election-monitoring",
        "/tag/election-monitoring?page=2",
        "/hy/tag/assembly",
        f"/statements/{slugs[0]}",
    ]
    wide, narrow = page_factory(width=1280), page_factory(width=320, height=640)
    failures = []
    for (state, cookie), page in zip(STATES.items(), (wide, narrow), strict=True):
        set_prefs(page, live_server, cookie)
        for path in paths:
            assert page.goto(live_server + path).status == 200, path
            violations = axe_violations(page)
            if violations:
                failures.append(f"{state} {path}:\n{describe(violations)}")
            width = page.viewport_size["width"]
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures.append(f"{state} {path}: scrolls sideways")
    assert failures == [], "\n".join(failures)
