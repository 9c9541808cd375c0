"""Hostile comment bodies at the longest length allowed: cleaned in linear time,
into well-formed allowed HTML no more than a few times the size of the input.

The time bound here is generous (CI machines are noisy); the real target, under
100 ms per body on a developer machine, is measured by bench/sanitize.py.
"""

import time
from html.parser import HTMLParser

import pytest

from ngo.comments.forms import COMMENT_MAX
from ngo.sanitize import (
    COMMENT_ATTRIBUTES,
    COMMENT_AUTOLINK_MAX,
    COMMENT_LINK_REL,
    COMMENT_TAGS,
    clean_comment_html,
    clean_statement_html,
    count_links,
    plain_text,
)

# The output may be this many times the input: "&" is written "&amp;" (5),
# a '"' in an attribute "&quot;" (6), and tags opened again cost at most
# the input's length once more.
GROWTH = 7
SECONDS = 1.0


def _repeat(unit: str, length: int = COMMENT_MAX) -> str:
    """unit over and over, cut to length."""
    return (unit * (length // len(unit) + 1))[:length]


def _nested(open_tags: int) -> str:
    """<b 0><b 1>… then <i 0><i 1>… then x</b> over and over (quadratic in
    browsers' own parsers: every </b> reopens every <i>)."""
    head = "".join(f"<b {n}>" for n in range(open_tags))
    head += "".join(f"<i {n}>" for n in range(open_tags))
    return (head + _repeat("x</b>", COMMENT_MAX - len(head)))[:COMMENT_MAX]


HOSTILE = {
    "unclosed bold paragraphs": _repeat("<b>x\n\n"),
    "unclosed bold": _repeat("<b>x"),
    "empty links": _repeat("<a>"),
    "links": _repeat('<a href="https://example.org/">x'),
    "links in paragraphs": _repeat('<a href="https://example.org/p">x\n\n'),
    "i b u": _repeat("<i><b><u>"),
    "i b u paragraphs": _repeat("<i><b><u>x\n\n"),
    "every inline tag, unclosed": _repeat(
        "<b><i><em><strong><code><q><cite><abbr><del><s><strike>x\n\n"
    ),
    "long titles reopened": _repeat('<abbr title="' + "t" * 300 + '">x\n\n'),
    "misnested": _repeat("<b><i><em><strong>x</b>y\n\n"),
    "b i /b": _repeat("<b><i>x</b>"),
    "browser-quadratic nesting": _nested(2000),
    "deep quotes": _repeat("<blockquote>x\n\n"),
    "quotes with bold": _repeat("<blockquote><b>x</blockquote>\n\n"),
    "q paragraphs": _repeat("<q>x\n\n"),
    "p": _repeat("<p>"),
    "br": _repeat("<br>"),
    "blank lines": _repeat("\n\n"),
    "line breaks": _repeat("x\n"),
    "spaced blank lines": _repeat("x\n \n \t\n"),
    "one huge word": _repeat("x"),
    "bare URLs": _repeat("http://a.bc "),
    "www addresses": _repeat("www.a.com "),
    "one long URL": "https://example.org/" + _repeat("x", COMMENT_MAX - 20),
    "URL closing parentheses": "http://a.com/" + _repeat(")", COMMENT_MAX - 13),
    "opening parentheses": _repeat("("),
    "hyphens": _repeat("a-"),
    "dots": _repeat("a."),
    "www hyphens": _repeat("www.a-"),
    "ampersands": _repeat("&"),
    "entities": _repeat("&amp;"),
    "numeric references": _repeat("&#65;&eacute;&#x1F600;"),
    "less-than signs": _repeat("<"),
    "quotes in an attribute": '<abbr title="' + _repeat("&quot;", 60_000) + '">x',
    "apostrophes in an attribute": '<abbr title="' + _repeat("'", 60_000) + '">x',
    "ampersands in a link": '<a href="https://a.bc/?' + _repeat("&", 60_000) + '">x',
    "unclosed script": _repeat("<script>"),
    "unclosed style": _repeat("<style>x</style"),
    "unclosed comments": _repeat("<!--"),
    "comments": _repeat("<!-- x -->"),
    "bogus comments": _repeat("<!x"),
    "lone end-tag opens": _repeat("</"),
    "many attributes": "<b " + _repeat("a=1 ", COMMENT_MAX - 10) + ">x",
    "unterminated attribute quotes": _repeat('<b a="'),
    "unquoted slashes": _repeat("<a href=http://a/b/c/d/e/f/g/h"),
    "tables": _repeat("<table><b>x"),
    "divs": _repeat("<div>x"),
    "lists": _repeat("<ul><li>x"),
    "mailto links": _repeat('<a href="mailto:a@b.c">x'),
    "no-break spaces": _repeat("\xa0x"),
}


class _Checker(HTMLParser):
    """Fails on any tag or attribute outside the comment allow-list or unbalanced."""

    VOID = {"br"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in COMMENT_TAGS | {"p", "br"}, tag
        allowed = set(COMMENT_ATTRIBUTES.get(tag, ())) | (
            {"rel"} if tag == "a" else set()
        )
        for name, value in attrs:
            assert name in allowed, (tag, name)
            if name in ("href", "cite"):
                assert value.startswith(("http://", "https://", "mailto:")), value
        if tag == "a":
            assert dict(attrs).get("rel") == COMMENT_LINK_REL
            assert "a" not in self.stack, "a link inside a link"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack[-8:], tag)
        self.stack.pop()

    def handle_startendtag(self, tag, attrs):
        raise AssertionError(f"self-closing <{tag}/>")


def assert_well_formed(html: str):
    """Only allowed tags and attributes, every element closed in order."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert not checker.stack, checker.stack


def test_the_bodies_are_the_longest_a_comment_may_be():
    assert COMMENT_MAX == 65_525
    assert all(len(body) <= COMMENT_MAX for body in HOSTILE.values())
    assert sum(len(body) > 60_000 for body in HOSTILE.values()) >= 45


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_body_is_cleaned_in_linear_time_and_bounded_size(body):
    started = time.perf_counter()
    html = str(clean_comment_html(body))
    took = time.perf_counter() - started
    assert took < SECONDS, f"{took:.2f} s"
    assert len(html) <= GROWTH * len(body), f"{len(html) / len(body):.1f} times"
    assert_well_formed(html)
    started = time.perf_counter()
    plain_text(html)
    count_links(html)
    assert time.perf_counter() - started < SECONDS


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_plain_text_of_a_hostile_body_is_linear(body):
    started = time.perf_counter()
    text = plain_text(body)
    assert time.perf_counter() - started < SECONDS
    assert len(text) <= len(body)


def test_the_reported_bodies_no_longer_explode():
    # Reported: 54 KB took 30 s; 9 KB stored a 7.9 MB comment.
    big = "<b>x\n\n" * 9000
    started = time.perf_counter()
    html = str(clean_comment_html(big))
    assert time.perf_counter() - started < SECONDS
    assert len(html) < 4 * len(big)
    small = "<b>x\n\n" * 1500
    assert len(str(clean_comment_html(small))) < 4 * len(small)


def test_inline_markup_open_at_a_blank_line_goes_on_in_the_next_paragraph():
    assert str(clean_comment_html("<b>one\n\ntwo</b> three")) == (
        "<p><b>one</b></p><p><b>two</b> three</p>"
    )
    assert str(clean_comment_html("<em>a<blockquote>q</blockquote>b</em>")) == (
        "<p><em>a</em></p><blockquote><p>q</p></blockquote><p><em>b</em></p>"
    )
    # Misnested end tags close what they must and the rest goes on, as browsers do.
    assert str(clean_comment_html("<b>a<i>b</b>c</i>")) == (
        "<p><b>a<i>b</i></b><i>c</i></p>"
    )


def test_reopening_is_paid_from_a_budget_as_long_as_the_input():
    body = "<b><i><em><strong>x\n\n" + "y\n\n" * 5000
    html = str(clean_comment_html(body))
    assert len(html) <= GROWTH * len(body)
    assert html.startswith("<p><b><i><em><strong>x</strong></em></i></b></p>")
    assert html.endswith("<p>y</p>")  # past the budget the markup ends


def test_nesting_is_capped_and_the_text_kept():
    html = str(clean_comment_html("<b>" * 100 + "deep" + "</b>" * 100 + " after"))
    assert html.count("<b>") <= 8
    assert "deep" in html and html.endswith(" after</p>")
    quotes = str(clean_comment_html("<blockquote>" * 50 + "q"))
    assert quotes.count("<blockquote>") <= 8 and "<p>q</p>" in quotes


def test_a_link_inside_a_link_ends_the_first():
    html = str(
        clean_comment_html(
            '<a href="https://a.example/">one <a href="https://b.example/">two</a>'
        )
    )
    assert_well_formed(html)
    assert count_links(html) == 2


@pytest.mark.parametrize(
    "text,linked",
    [
        ("see (http://x.org/a) now", "http://x.org/a"),
        (
            "see http://en.wikipedia.org/wiki/A_(b)).",
            "http://en.wikipedia.org/wiki/A_(b)",
        ),
        ("www.example.net, then", "www.example.net"),
        ("Really? https://example.org/x?y=1&z=2!", "https://example.org/x?y=1&amp;z=2"),
        ("https://example.org/#part.", "https://example.org/#part"),
    ],
)
def test_bare_addresses_are_linked_without_the_sentence_around_them(text, linked):
    html = str(clean_comment_html(text))
    assert f">{linked}</a>" in html, html


@pytest.mark.parametrize(
    "text",
    [
        "http://localhost/",
        "http://x.y/",
        "report.pdf",
        "http://[x.org]/",
        "https://[::1",
        "http://exa_mple..org/",
        "mailto:a@b.c",
    ],
)
def test_what_is_not_an_address_stays_text(text):
    assert count_links(str(clean_comment_html(text))) == 0


def test_bare_addresses_linked_per_comment_are_capped():
    html = str(clean_comment_html("www.a.com " * (COMMENT_AUTOLINK_MAX + 20)))
    assert count_links(html) == COMMENT_AUTOLINK_MAX


@pytest.mark.parametrize(
    "href",
    [
        "http://[x",
        "https://[::1",
        "http://[example.org]",
        "http://x.org:99999/",
        "/rel",
    ],
)
def test_links_to_unparsable_addresses_keep_only_their_text(href):
    html = str(clean_comment_html(f'<a href="{href}">the text</a> after'))
    assert html == "<p>the text after</p>"
    assert str(clean_statement_html(f'<p><a href="{href}">the text</a></p>'))


def test_character_references_read_as_browsers_read_them():
    html = str(clean_comment_html("&lt;b&gt; &amp; &eacute; &copy=1 AT&T &#65;"))
    assert html == "<p>&lt;b&gt; &amp; é &amp;copy=1 AT&amp;T A</p>"
    link = str(clean_comment_html('<a href="https://x.org/?a=1&amp;copy=2">l</a>'))
    assert 'href="https://x.org/?a=1&amp;copy=2"' in link


STATEMENT_HOSTILE = {
    "unclosed bold": _repeat("<b>x"),
    "unclosed paragraphs with bold": _repeat("<p><b>x"),
    "nested lists": _repeat("<ul><li>x"),
    "tables": _repeat("<table><tr><td>x"),
    "browser-quadratic nesting": _nested(500),
    "unclosed script": _repeat("<script>"),
    "empty links": _repeat("<a>"),
    "long document": _repeat("<p>Some <strong>bold</strong> and <em>more</em>.</p>\n"),
}


@pytest.mark.parametrize(
    "body", STATEMENT_HOSTILE.values(), ids=STATEMENT_HOSTILE.keys()
)
def test_a_hostile_statement_body_is_cleaned_in_bounded_time_and_size(body):
    # Statements are bleach's: slower than comments, but no longer quadratic.
    started = time.perf_counter()
    html = str(clean_statement_html(body))
    assert time.perf_counter() - started < 5 * SECONDS
    assert len(html) <= GROWTH * len(body)


def test_a_statement_keeps_its_structure():
    body = (
        "<h2>Title</h2><p>One <strong>two</strong><p>Three"
        "<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><td>3</table>"
        "<!-- note --><script>x()</script>"
    )
    assert str(clean_statement_html(body)) == (
        "<h2>Title</h2><p>One <strong>two</strong></p><p>Three</p>"
        "<ul><li>a</li><li>b</li></ul>"
        "<table><tbody><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></tbody></table>"
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:1", " java\tscript:1", "JaVaScRiPt:1", "data:1", "vbscript:1"],
)
def test_statement_links_with_a_script_scheme_lose_it(href):
    """A scheme followed by digits alone (read as a port by Python) is still a
    scheme: the link keeps its text, not its address."""
    html = str(clean_statement_html(f'<p><a href="{href}">x</a></p>'))
    assert html == "<p><a>x</a></p>"


@pytest.mark.parametrize(
    "href", ["https://example.org/a:1", "/statements/a:1", "#part-2", "mailto:a@b.org"]
)
def test_statement_links_to_pages_and_addresses_stay(href):
    """Absolute http(s), mailto, paths and fragments are kept as written."""
    html = str(clean_statement_html(f'<p><a href="{href}">x</a></p>'))
    assert html == f'<p><a href="{href}">x</a></p>'
