"""Images in a statement in Chromium: a picture wider than a phone fits the column
with its caption under it, at 320 px and 200% white on black as at 1280 px, and
axe-core finds nothing."""

import pytest
from PIL import Image

from ngo.media import media_folder
from tests.axe import axe_violations, describe
from tests.test_accessibility_browser import set_prefs

pytestmark = pytest.mark.browser

FIGURE = (
    '<p>The march began at noon.</p><figure><img src="/media/2023/09/march.png"'
    ' alt="Marchers on the bridge" width="2000" height="1000">'
    "<figcaption>Marchers on the Riverside bridge, 19 September</figcaption></figure>"
)


@pytest.mark.parametrize(
    ("width", "cookie"), [(1280, ""), (320, "cs:wb|fs:200")], ids=["1280", "320"]
)
def test_a_wide_image_fits_the_column(
    app, live_server, make_statement, page_factory, width, cookie
):
    folder = media_folder(app) / "2023" / "09"
    folder.mkdir(parents=True)
    Image.new("RGB", (2000, 1000), "#4a6fa5").save(folder / "march.png")
    slug = make_statement(title="Dispersal of the march", body=FIGURE)
    page = page_factory(width=width, height=700)
    set_prefs(page, live_server, cookie)
    assert page.goto(f"{live_server}/statements/{slug}").status == 200

    image = page.get_by_role("img", name="Marchers on the bridge")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 2000
    shown = image.bounding_box()
    column = page.locator(".statement__body").bounding_box()
    assert shown["width"] <= column["width"] + 0.5
    assert shown["height"] == pytest.approx(shown["width"] / 2, abs=1)
    caption = page.locator("figcaption").bounding_box()
    assert caption["y"] >= shown["y"] + shown["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = axe_violations(page)
    assert violations == [], describe(violations)
