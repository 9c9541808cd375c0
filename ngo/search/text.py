"""Words for search: a statement's HTML as plain text, every text folded into the
same tokens for the index and the query, and the reader's query read as words.

Both engines are given these tokens, never text they tokenise their own way and
never what a reader typed: a token is a run of letters and digits, folded (NFKD,
accents and other combining marks dropped, case folded), so "Éte" is "ete", "ё" is
"е", "և" is "եւ", and the Armenian marks written inside a word ("ինչո՞ւ") do not
split it. The same folding decides which words of a snippet are marked
(ngo.search.snippets).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

# A query longer than this is not searched (the page says so).
MAX_QUERY_CHARACTERS = 200
# Words of a query looked for; more are left out (a query is a few words).
MAX_QUERY_WORDS = 12
# A token longer than this is left out of the index and the query (no word is).
MAX_TOKEN_CHARACTERS = 64
# The last word of a query matches words that start with it from this length on.
PREFIX_FROM = 3
# Only so much of a body is indexed (a few hundred pages of text).
MAX_INDEXED_CHARACTERS = 300_000

# Written inside Armenian words (emphasis, exclamation, question marks), invisible
# joiners and soft hyphens: dropped, so the word stays whole.
_IN_WORD = "\u055b\u055c\u055e\u00ad\u200b\u200c\u200d\u2060\ufeff"
TOKEN = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_SKIPPED_ELEMENTS = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.I | re.S)
_BLOCK_TAGS = re.compile(
    r"</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|"
    r"footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|td|th|tr|ul)\b[^>]*>",
    re.I,
)
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def plain_text(html: str) -> str:
    """The text a reader sees of a body's (sanitised) HTML, on one line."""
    html = _SKIPPED_ELEMENTS.sub(" ", html or "")
    html = _BLOCK_TAGS.sub(" ", html)
    return _SPACES.sub(" ", unescape(_TAGS.sub("", html))).strip()


def _fold_character(character: str) -> str:
    """One character folded: its compatibility decomposition without marks, case
    folded ("É" -> "e", "й" -> "и", "և" -> "եւ", "ﬁ" -> "fi")."""
    if character in _IN_WORD:
        return ""
    decomposed = unicodedata.normalize("NFKD", character)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


class _FoldingTable(dict):
    """str.translate's table of folded characters, each folded when first met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_character(chr(code))
        return folded


_FOLDED = _FoldingTable()


def fold(text: str) -> str:
    """Text as the index sees it: compatibility forms, no marks, case folded."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)


def tokens(text: str) -> list[str]:
    """The index's tokens of a text, in order."""
    return [
        token
        for token in TOKEN.findall(fold(text[:MAX_INDEXED_CHARACTERS]))
        if len(token) <= MAX_TOKEN_CHARACTERS
    ]


@lru_cache(maxsize=256)
def body_tokens(html: str) -> tuple[str, ...]:
    """The tokens of a body's text (kept for the bodies a bulk index meets again)."""
    return tuple(tokens(plain_text(html)))


@dataclass(frozen=True)
class Query:
    """A reader's query read as words: what is searched, never how it was typed.

    `terms` are folded tokens, all required; with `prefix`, the last one also
    matches the words that start with it. `problem` says why nothing is searched:
    "empty" (nothing typed), "no_words" (only signs, operators, emoji) or "too_long".
    """

    text: str
    terms: tuple[str, ...] = ()
    prefix: bool = False
    problem: str | None = None


def read_query(raw: str | None) -> Query:
    """The reader's text (what they typed, whatever it holds) as a query."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", raw or "")).strip()
    if not text:
        return Query("", problem="empty")
    if len(text) > MAX_QUERY_CHARACTERS:
        return Query(text, problem="too_long")
    terms = tuple(dict.fromkeys(tokens(text)))[:MAX_QUERY_WORDS]
    if not terms:
        return Query(text, problem="no_words")
    # The last word typed may be unfinished ("elect" for "elections"), unless the
    # text ends in a space or sign after it.
    last_typed = TOKEN.search(fold(text[-1:])) is not None
    prefix = last_typed and len(terms[-1]) >= PREFIX_FROM
    return Query(text, terms, prefix)
