"""The Armenian and Russian pages in Chromium: axe-core finds nothing, in the default
look at 1280 px and white on black at 200% on a 320 px phone, and `lang` is right."""

import pytest

from tests.axe import axe_violations, describe
from tests.test_accessibility_browser import set_prefs

pytestmark = pytest.mark.browser

STATES = {"default": "", "white on black, 200%": "cs:wb|fs:200"}


@pytest.fixture
def statements(live_server, make_statement):
    """An Armenian and a Russian statement with a trail and signatories."""
    armenian = make_statement(
        title="Ազատ արձակել ձերբակալված լրագրողներին",
        body="<p>Մենք կոչ ենք անում իշխանություններին անհապաղ ազատ արձակել "
        "լրագրողներին։</p>",
        language="hy",
        categories=["Rights > Right to life"],
        signatories=["Article 3 Club", "Peace Dialogue"],
    )
    russian = make_statement(
        title="Освободить задержанных журналистов",
        body="<p>Мы призываем власти немедленно освободить журналистов.</p>",
        language="ru",
        categories=["Rights > Right to life"],
        signatories=["Article 3 Club"],
    )
    return {"hy": armenian, "ru": russian}


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_axe_finds_nothing_in_each_language(
    live_server, statements, page_factory, language
):
    wide, narrow = page_factory(width=1280), page_factory(width=320, height=640)
    paths = [f"/{language}/", f"/{language}/statements/{statements[language]}"]
    failures = []
    for (state, cookie), page in zip(STATES.items(), (wide, narrow), strict=True):
        set_prefs(page, live_server, cookie)
        for path in paths:
            assert page.goto(live_server + path).status == 200, path
            assert page.evaluate("document.documentElement.lang") == language
            violations = axe_violations(page)
            if violations:
                failures.append(f"{state} {path}:\n{describe(violations)}")
            width = page.viewport_size["width"]
            if page.evaluate("document.documentElement.scrollWidth") > width:
                failures.append(f"{state} {path}: scrolls sideways")
    assert failures == [], "\n".join(failures)
