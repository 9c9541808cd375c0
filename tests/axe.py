"""axe-core (shipped by axe-playwright-python) run in a Playwright page, WCAG 2.2 AA."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    """The violations axe finds on the page, each with its rule id and failing nodes."""
    if getattr(page, "ngo_javascript", True) is False:
        # axe-core is injected as a script: with JavaScript off it never answers.
        raise AssertionError("axe needs a page with JavaScript on")
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    """A readable summary for an assertion message."""
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)
