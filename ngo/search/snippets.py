"""Snippets and marked titles, built safely: every character of the statement's
text is escaped, and only the words the query matched are wrapped in <mark>.

Nothing an engine returns is used as HTML; the words to mark are found again here,
with the same folding the index uses (ngo.search.text), so "Выборы" is marked for
the query "выборы" and "Éte" for "ete".
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from markupsafe import Markup, escape

from ngo.search.text import Query, fold, written_words

# Words of context before the first match, and words in a snippet.
WORDS_BEFORE = 8
SNIPPET_WORDS = 32
_ELLIPSIS = "\u2026"


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...], prefix: bool) -> re.Pattern:
    """The query's terms as whole tokens of folded text (the last one may begin one)."""
    whole = [re.escape(term) for term in (terms[:-1] if prefix else terms)]
    alternatives = [rf"{term}(?![^\W_])" for term in whole]
    if prefix:
        alternatives.append(re.escape(terms[-1]))
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(alternatives)})")


def first_match(text: str, query: Query) -> int | None:
    """Where in the text the first word the query matches starts, or None."""
    folded = fold(text)
    found = _pattern(query.terms, query.prefix).search(folded)
    if found is None:
        return None
    if len(folded) == len(text):  # folding kept every character's place
        return found.start()
    for start, _, words in written_words(text):
        if any(query.matches(word) for word in words):
            return start
    return None


def highlight(text: str, query: Query) -> Markup:
    """The text escaped, the words the query matches in <mark>."""
    out, done = [], 0
    for start, end, words in written_words(text):
        if any(query.matches(word) for word in words):
            out.append(escape(text[done:start]))
            out.append(Markup("<mark>%s</mark>") % text[start:end])
            done = end
    out.append(escape(text[done:]))
    return Markup("").join(out)


def _window(text: str, at: int) -> tuple[int, int]:
    """The stretch of text a snippet shows around a match at `at`."""
    head = max(0, at - 60 * WORDS_BEFORE)
    starts = [start for start, _, _ in written_words(text[head:at])]
    if head:
        starts = starts[1:]  # the first may be the end of a word cut in two
    if len(starts) >= WORDS_BEFORE:
        begin = head + starts[-WORDS_BEFORE]
    else:
        begin = head + starts[0] if head and starts else (0 if not head else at)
    ends = [end for _, end, _ in islice(written_words(text[begin:]), SNIPPET_WORDS)]
    finish = begin + ends[-1] if ends else len(text)
    if len(text) - finish <= 2:  # a closing sign or two: show them
        finish = len(text)
    return begin, finish


def snippet(text: str, query: Query) -> Markup | None:
    """A few dozen words of the text around its first match, marked; None when
    the text has no word the query matches."""
    at = first_match(text, query)
    if at is None:
        return None
    begin, finish = _window(text, at)
    marked = highlight(text[begin:finish].strip(), query)
    before = _ELLIPSIS + " " if begin > 0 else ""
    after = " " + _ELLIPSIS if finish < len(text) else ""
    return Markup("").join([escape(before), marked, escape(after)])


def opening(text: str) -> Markup:
    """The first words of a text, escaped, for a statement found by other words."""
    ends = [end for _, end, _ in islice(written_words(text), SNIPPET_WORDS)]
    if not ends or len(text) - ends[-1] <= 2:
        return escape(text)
    return escape(text[: ends[-1]] + " " + _ELLIPSIS)
