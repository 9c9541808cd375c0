"""Statement bodies: Markdown in, sanitised HTML out, optionally within a time limit."""

from __future__ import annotations

import multiprocessing

from markupsafe import Markup

from ngo.sanitize import clean_statement_html

EXTENSIONS = ["extra", "sane_lists"]


class RenderError(Exception):
    """The Markdown could not be turned into HTML in the time allowed."""


def render_body(markdown_text: str) -> Markup:
    """A statement body from Markdown: rendered, then reduced to the allow-list."""
    import markdown  # imported on first use: web workers that only read never need it

    html = markdown.markdown(markdown_text or "", extensions=EXTENSIONS)
    return clean_statement_html(html)


def _render_into(markdown_text: str, connection) -> None:
    """In the child process: render, send the HTML back, exit."""
    try:
        connection.send(str(render_body(markdown_text)))
    finally:
        connection.close()


def _context():
    """fork where there is one: the child starts at once and imports nothing of
    ours again (a forkserver or spawn child would re-import the main script)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def render_body_within(markdown_text: str, seconds: float) -> Markup:
    """render_body in a child process, killed if it takes longer than `seconds`.

    Python-Markdown needs minutes for some short inputs (a few thousand unmatched
    "[", or "*a" repeated), and a thread cannot be stopped; a process can. The
    child's HTML is cleaned again here, so nothing it sends is trusted as is.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_render_into, args=(markdown_text, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise RenderError(f"rendering took longer than {seconds:g} seconds")
        html = receiver.recv()
    except EOFError:
        raise RenderError("the rendering process ended without a result") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return clean_statement_html(html)
