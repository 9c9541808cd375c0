"""The reading pages in Chromium: axe-clean and without sideways scrolling at 320 px."""

import pytest

from tests.axe import axe_violations, describe

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 320])
def test_statement_page_is_axe_clean(live_server, make_statement, page_factory, width):
    slug = make_statement(
        categories=["Activities", "Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
    )
    page = page_factory(width=width)
    for path in ["/", f"/statements/{slug}", "/category/rights", "/no-such-page"]:
        page.goto(live_server + path)
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
