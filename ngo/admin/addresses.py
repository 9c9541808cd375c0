"""Emails and URLs in admin pages, with line-break points where they read well."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# An address inside any text: a URL (scheme://, mailto:, www.), an email address, or
# a site path (/pages/about). Trailing sentence punctuation is left outside it.
ADDRESS = re.compile(
    r"""(?:[a-z][a-z0-9+.-]*://|mailto:|www\.)[^\s<>"']*[^\s<>"'.,;:!?)]"""
    r"""|[^\s<>"'@()]+@[^\s<>"'@]*[^\s<>"'.,;:!?)@]"""
    r"""|(?<!\S)/[^\s<>"']*[^\s<>"'.,;:!?)]""",
    re.IGNORECASE,
)
# Where a long address may break: after "@", after a slash (a run of slashes kept
# whole, never the leading one of a path), and before a dot, "?", "#", "&", "=" or
# "_" (so that a line never ends in a dot that reads as a full stop).
BREAK = re.compile(r"(?<=@)(?=.)|(?<=[^/]/)(?=[^/])|(?<=//)(?=[^/])|(?<=.)(?=[.?#&=_])")


def wrap_address(value) -> Markup:
    """Escape text and mark the break points (<wbr>) in the addresses it holds.

    Only the addresses get break points; the words around them stay whole. The
    browser breaks a line there only when the address does not fit, and <wbr> is
    not copied with the text.
    """
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = str(value)
    out, end = [], 0
    for match in ADDRESS.finditer(text):
        out.append(escape(text[end : match.start()]))
        parts = BREAK.split(match.group())
        out.append(Markup("<wbr>").join(escape(part) for part in parts))
        end = match.end()
    out.append(escape(text[end:]))
    return Markup("").join(out)
