"""Statement bodies: Markdown in, sanitised HTML out, in one render → sanitise pass.

The Markdown is CommonMark (markdown-it-py) with tables, strikethrough and bare
addresses linked as comments link them (http(s)://… and www.…, found by
linkify-it-py). Its parser does work in proportion to the length of the text, so
no input needs a time limit or a process of its own. Raw HTML in the Markdown is
passed on to ngo.sanitize, which keeps only the statement allow-list.
"""

from __future__ import annotations

import threading

from markupsafe import Markup

from ngo.sanitize import clean_statement_html

# A parser keeps state while it runs (linkify-it remembers its last match): one per
# thread, made on first use, as the sanitiser's cleaners are.
_parsers = threading.local()


def _parser():
    """This thread's Markdown parser, made once."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = _make_parser()
    return parser


def _make_parser():
    """CommonMark with tables, strikethrough and bare addresses linked."""
    # Imported on first use: web workers that only read never render Markdown.
    from linkify_it import LinkifyIt
    from markdown_it import MarkdownIt

    class BareAddresses(LinkifyIt):
        """Addresses typed in full, as comments link them: http(s)://… or www.…,
        never a bare domain or an email address."""

        def match(self, text):
            found = super().match(text) or []
            return [
                link
                for link in found
                if link.schema in ("http:", "https:")
                or (not link.schema and link.raw[:4].lower() == "www.")
            ] or None

    linkify = BareAddresses(
        schemas={"ftp:": None, "//": None, "mailto:": None},
        options={"fuzzy_link": True, "fuzzy_email": False, "fuzzy_ip": False},
    )
    parser = MarkdownIt("commonmark", {"html": True, "linkify": True})
    parser.linkify = linkify
    return parser.enable(["table", "strikethrough", "linkify"])


def render_markdown(markdown_text: str) -> str:
    """The HTML markdown-it-py makes of a text, not yet cleaned (tests compare it)."""
    return _parser().render(markdown_text or "")


def render_body(markdown_text: str) -> Markup:
    """A statement body from Markdown: rendered, then reduced to the allow-list."""
    return clean_statement_html(render_markdown(markdown_text))
