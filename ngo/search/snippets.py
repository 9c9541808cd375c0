"""Snippets and marked titles, built safely: every character of the statement's
text is escaped, and only the words the query matched are wrapped in <mark>.

Nothing an engine returns is used as HTML; the words to mark are found again here
in the text folded as the index folds it (ngo.search.text), so "Выборы" is marked
for the query "выборы" and "Éte" for "ete". Folding is one character at a time, so
a place in the folded text is found in the text as written by folding prefixes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from ngo.search.text import Query, fold

# Words of context before the first match, and words in a snippet.
WORDS_BEFORE = 8
SNIPPET_WORDS = 32
_ELLIPSIS = "\u2026"
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=256)
def _pattern(terms: tuple[str, ...], prefix: bool) -> re.Pattern:
    """The query's terms as whole tokens of folded text; the last one, with
    `prefix`, as the start of a token (matched to the token's end)."""
    whole = terms[:-1] if prefix else terms
    alternatives = [rf"{re.escape(term)}(?![^\W_])" for term in whole]
    if prefix:
        alternatives.append(rf"{re.escape(terms[-1])}[^\W_]*")
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(alternatives)})")


def _written_offset(text: str, folded_offset: int, start: bool) -> int:
    """Where a place in the folded text is in the text as written: the first
    character folded after it (`start`) or the last one folded before it."""
    low, high = 0, len(text)
    while low < high:  # the first prefix whose folding reaches past the place
        middle = (low + high) // 2
        length = len(fold(text[:middle]))
        if length < folded_offset or (start and length == folded_offset):
            low = middle + 1
        else:
            high = middle
    return low - 1 if start else low


def spans(text: str, query: Query, first_only: bool = False) -> list[tuple[int, int]]:
    """(start, end) in the text of each token the query matches (or the first)."""
    folded = fold(text)
    pattern = _pattern(query.terms, query.prefix)
    if first_only:
        first = pattern.search(folded)
        found = [first] if first else []
    else:
        found = list(pattern.finditer(folded))
    if len(folded) == len(text):  # folding kept every character's place
        return [match.span() for match in found]
    if first_only and found and len(text) > 4 * _NEAR:
        return _first_span_near(
            text, query, found[0].start() * len(text) // len(folded)
        )
    return [
        (
            _written_offset(text, match.start(), start=True),
            _written_offset(text, match.end(), start=False),
        )
        for match in found
    ]


# How far from where a long text's first match should be it is looked for.
_NEAR = 300


def _first_span_near(text: str, query: Query, estimate: int) -> list[tuple[int, int]]:
    """The first match of a long text whose folding moved characters, looked for in
    the stretch around where the folded text puts it (folding a whole long text
    again and again to map its places back would cost more than the search)."""
    begin = text.rfind(" ", 0, max(0, estimate - _NEAR)) + 1
    end = text.find(" ", min(len(text), estimate + _NEAR))
    end = len(text) if end < 0 else end
    near = spans(text[begin:end], query, first_only=True)
    return [(begin + start, begin + finish) for start, finish in near]


def highlight(text: str, query: Query) -> Markup:
    """The text escaped, the words the query matches in <mark>."""
    out, done = [], 0
    for start, end in spans(text, query):
        out.append(escape(text[done:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        done = end
    out.append(escape(text[done:]))
    return Markup("").join(out)


def _window(text: str, at: int) -> tuple[int, int]:
    """The stretch of text a snippet shows around a match at `at`: a few words
    before it, and so many words in all."""
    head = max(0, at - 40 * WORDS_BEFORE)
    starts = [match.start() for match in _WORD.finditer(text, head, at)]
    if head and starts and starts[0] == head:
        starts = starts[1:]  # the end of a word cut in two
    if len(starts) >= WORDS_BEFORE:
        begin = starts[-WORDS_BEFORE]
    else:
        begin = 0 if not head else (starts[0] if starts else at)
    finish = len(text)
    for number, match in enumerate(_WORD.finditer(text, begin), start=1):
        if number == SNIPPET_WORDS:
            finish = match.end()
            break
    if len(text) - finish <= 2:  # a closing sign or two: show them
        finish = len(text)
    return begin, finish


def snippet(text: str, query: Query) -> Markup | None:
    """A few dozen words of the text around its first match, marked; None when
    the text has no word the query matches."""
    first = spans(text, query, first_only=True)
    if not first:
        return None
    begin, finish = _window(text, first[0][0])
    marked = highlight(text[begin:finish], query)
    before = _ELLIPSIS + " " if begin > 0 else ""
    after = " " + _ELLIPSIS if finish < len(text) else ""
    return Markup("").join([escape(before), marked, escape(after)])


def opening(text: str) -> Markup:
    """The first words of a text, escaped, for a statement found by other words."""
    begin, finish = _window(text, 0)
    return escape(text[:finish] + (" " + _ELLIPSIS if finish < len(text) else ""))
