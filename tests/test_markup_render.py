"""Statement Markdown: CommonMark with tables, strikethrough and bare addresses linked
as in comments, one render → sanitise pass in this process, linear in the text."""

import multiprocessing
import re
import time
from pathlib import Path

import pytest

from ngo import markup
from ngo.importer import split_front_matter
from ngo.markup import render_body
from ngo.sanitize import plain_text

DEMO = sorted((Path(markup.__file__).parent / "demo").glob("*.md"))


def test_commonmark_with_tables_and_strikethrough():
    html = render_body(
        "## Findings\n\nWe **call** for *release* and ~~delay~~.\n\n"
        "| Town | Visits |\n|---|---:|\n| Lorvan | 4 |\n\n"
        "1. first\n2. second\n\n> quoted\n\n```\ncode <b>\n```\n"
    )
    assert "<h2>Findings</h2>" in html
    assert "<strong>call</strong>" in html and "<em>release</em>" in html
    assert "<s>delay</s>" in html
    assert "<th>Town</th>" in html and "<td>Lorvan</td>" in html
    assert "<ol>" in html and "<li>first</li>" in html
    assert "<blockquote>" in html
    assert "<pre><code>code &lt;b&gt;\n</code></pre>" in html


@pytest.mark.parametrize(
    "text, href, shown",
    [
        ("See https://example.org/report.", "https://example.org/report", None),
        ("See www.example.org, then", "http://www.example.org", "www.example.org"),
        (
            "(https://en.wikipedia.org/wiki/Tbilisi_(city))",
            "https://en.wikipedia.org/wiki/Tbilisi_(city)",
            None,
        ),
    ],
)
def test_bare_addresses_are_linked_as_in_comments(text, href, shown):
    html = render_body(text)
    assert f'<a href="{href}">{shown or href}</a>' in html


@pytest.mark.parametrize(
    "text",
    [
        "Write to info@example.org today.",
        "Our site example.org has it.",
        "ftp://example.org/file and //example.org/x",
        "mailto:info@example.org",
        "`https://example.org/in-code`",
    ],
)
def test_only_addresses_typed_in_full_are_linked(text):
    assert "<a " not in render_body(text)


def test_raw_html_passes_through_the_sanitiser():
    html = render_body(
        'Hi <script>alert(1)</script><b onclick="x()">bold</b>\n\n'
        '<iframe src="https://evil.example"></iframe>\n\n'
        "[bad](javascript:alert(2)) [good](https://example.org)"
    )
    assert "<script" not in html and "alert(1)" not in html and "onclick" not in html
    assert "<b>bold</b>" in html and "<iframe" not in html
    assert "javascript:" not in html.replace("[bad](javascript:alert(2))", "")
    assert '<a href="https://example.org">good</a>' in html


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5_000,
        "*a" * 2_500,
        "_a" * 2_500,
        "a*" * 2_500,
        "[a](" * 1_250,
        "![" * 2_500,
        ">" * 5_000,
        "<" * 5_000,
        "- " * 2_500,
        "https://" * 625,
        "www." * 1_250,
        "|" * 2_500 + "\n" + "|-" * 1_250,
    ],
    ids=lambda body: repr(body[:6]),
)
def test_inputs_python_markdown_took_minutes_on_render_at_once(body):
    """Python-Markdown needed minutes for some of these, so it ran in a child
    process killed after a time limit; now there is no limit and no child."""
    render_body("The parser is made on first use.")
    started = time.process_time()  # CPU time: others' load does not count
    html = render_body(body)
    assert time.process_time() - started < 1
    assert multiprocessing.active_children() == []
    assert html  # and it says what was typed
    if set(body) <= set("[*a_"):
        assert plain_text(html).replace("*", "").replace("_", "") == body.replace(
            "*", ""
        ).replace("_", "")


def test_rendering_is_linear_in_the_length():
    """Twenty times the text costs no more than about twenty times the time."""
    small, large = "*a[" * 500, "*a[" * 10_000

    def took(text):
        """The best of three: a busy machine or a collection only ever adds."""
        times = []
        for _ in range(3):
            started = time.process_time()
            render_body(text)
            times.append(time.process_time() - started)
        return min(times)

    render_body("warm up")
    assert took(large) < 40 * took(small) + 0.05


def test_no_time_limit_machinery_is_left():
    assert not hasattr(markup, "render_body_within")
    assert not hasattr(markup, "RenderError")


@pytest.mark.parametrize("path", DEMO, ids=lambda p: p.name[:12])
def test_demo_statements_render_their_structure(path):
    """Every heading, list item, quotation and link of the demo content arrives."""
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    html = render_body(body)
    lines = body.splitlines()
    headings = [line for line in lines if re.match(r"#{2,6} ", line)]
    items = [line for line in lines if re.match(r"(?:[-*] |\d+\. )", line)]
    links = re.findall(r"\]\((https?://[^)]+)\)", body)
    assert len(re.findall(r"<h[2-6]>", html)) == len(headings)
    assert html.count("<li>") == len(items)
    assert [f'href="{href}"' in html for href in links] == [True] * len(links)
    assert ("<blockquote>" in html) == any(line.startswith("> ") for line in lines)
    assert "**" not in html and "](" not in html
