"""What every import and the editor share: slugs, summaries, and finding or creating
categories and organisations by their name key."""

from __future__ import annotations

import re
import unicodedata
from calendar import month_name, monthrange
from itertools import count

from ngo.extensions import db
from ngo.models import Category, Organisation, SlugRedirect, Statement, Tag, name_key
from ngo.sanitize import plain_text

SLUG_MAX = 200  # the length of every slug column
SUMMARY_LENGTH = 300

# Armenian: the BGN/PCGN 1981 romanization (also the US Library of Congress's
# "ALA-LC" minus its diacritics), written in plain ASCII as people write it:
# - the aspirates lose their apostrophe: թ t (BGN tʼ), չ ch (chʼ), ց ts (tsʼ),
#   փ p (pʼ), ք k (kʼ), so "Հայտարարություն" is "haytararutyun";
# - ու is u and և (also the old spelling եւ, and the word "and" in capitals, ԵՎ) is
#   ev everywhere (BGN: yev at the start of a word; Armenian passports and most
#   writers use ev);
# - ե is ye and ո is vo at the start of a word, e and o elsewhere (BGN also writes
#   ye after a vowel and keeps ov for the word ով: not done here);
# - the marks written inside a word (՛ ՜ ՞ ՚ ՟) are dropped, so "ինչո՞ւ" is "inchu".
ARMENIAN = {
    "ա": "a",
    "բ": "b",
    "գ": "g",
    "դ": "d",
    "ե": "e",
    "զ": "z",
    "է": "e",
    "ը": "y",
    "թ": "t",
    "ժ": "zh",
    "ի": "i",
    "լ": "l",
    "խ": "kh",
    "ծ": "ts",
    "կ": "k",
    "հ": "h",
    "ձ": "dz",
    "ղ": "gh",
    "ճ": "ch",
    "մ": "m",
    "յ": "y",
    "ն": "n",
    "շ": "sh",
    "ո": "o",
    "չ": "ch",
    "պ": "p",
    "ջ": "j",
    "ռ": "r",
    "ս": "s",
    "վ": "v",
    "տ": "t",
    "ր": "r",
    "ց": "ts",
    "ւ": "v",
    "փ": "p",
    "ք": "k",
    "օ": "o",
    "ֆ": "f",
    "և": "ev",
    # Two letters, read before the single ones:
    "ու": "u",
    "եւ": "ev",
}
ARMENIAN_WORD_START = {"ե": "ye", "ո": "vo"}
ARMENIAN_MARKS = dict.fromkeys(map(ord, "\u055a\u055b\u055c\u055e\u055f"))

# Russian: the passport system of the Russian Ministry of Internal Affairs, Order
# No. 310 of 26 May 1997 (in use until 2010, and still how most people write Russian
# names and words in Latin letters): я ya, ю yu, й y, х kh, ц ts, щ shch, е and ё e.
# Its apostrophe for ь (and ъ) cannot stand in an address and is dropped. Not GOST
# 7.79-2000 system B (й j, х x, ц cz, ъ ``), nor ICAO Doc 9303 of today's passports
# (я ia, ю iu, й i, ъ ie): "Заявление о свободе собраний" is
# "zayavlenie-o-svobode-sobraniy", not "zaiavlenie-o-svobode-sobranii". Other
# Cyrillic letters (і ї є ґ ў ...) are left to python-slugify.
RUSSIAN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
LETTERS = ARMENIAN | RUSSIAN


def transliterate(text: str) -> str:
    """Armenian and Russian letters in Latin ones by the tables above, lower case;
    every other character as it was."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(ARMENIAN_MARKS)
    out, index = [], 0
    while index < len(text):
        pair = text[index : index + 2]
        if pair in ARMENIAN and len(pair) == 2:
            out.append(ARMENIAN[pair])
            index += 2
            continue
        letter = text[index]
        at_start = index == 0 or not text[index - 1].isalpha()
        if at_start and pair == "եվ" and not text[index + 2 : index + 3].isalpha():
            out.append("ev")  # the word և, written in capitals as ԵՎ
            index += 2
            continue
        if at_start and letter in ARMENIAN_WORD_START:
            out.append(ARMENIAN_WORD_START[letter])
        else:
            out.append(LETTERS.get(letter, letter))
        index += 1
    return "".join(out)


def make_slug(text: str, max_length: int = 120) -> str:
    """A URL slug; Armenian and Russian by the tables above, other scripts by
    python-slugify's transliteration."""
    from slugify import slugify  # its transliteration tables weigh ~5 MB per worker

    slug = slugify(transliterate(text), max_length=max_length, word_boundary=True)
    return slug or "item"


def legacy_slug(text: str, max_length: int = 120) -> str:
    """The slug made before the tables above (python-slugify alone), to find a
    statement imported then: its address stays as it is."""
    from slugify import slugify

    return slugify(text or "", max_length=max_length, word_boundary=True) or "item"


# Block elements of a clean statement body: each ends a piece of the summary.
_BLOCK_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|td|th|caption"
    r"|blockquote|pre|hr|div)\b[^>]*>",
    re.IGNORECASE,
)
_LINE_BREAK = re.compile(r"<br\b[^>]*>", re.IGNORECASE)
# Closing quotes and brackets that may follow a sentence's last mark.
_CLOSERS = "\"'”’»)\\]"
# A piece that already ends with punctuation gets no full stop of ours (։ is the
# Armenian full stop).
_PUNCTUATED = re.compile(rf"[.!?…։;:,][{_CLOSERS}]*$")
# Where a sentence ends inside a text: its mark, closers, then a space.
_SENTENCE_END = re.compile(rf"[.!?…։][{_CLOSERS}]*(?=\s)")
_HEADING_END = re.compile(r"</h[1-6]>", re.IGNORECASE)
_ARMENIAN = re.compile("[\u0531-\u0587]")
# A cut at a sentence end is taken if it keeps at least this share of the room.
_SENTENCE_SHARE = 0.5


def summarise(body_html: str, length: int = SUMMARY_LENGTH) -> str:
    """A plain-text summary of a clean statement body, at most `length` characters.

    Headings, list items and table cells end with punctuation instead of running
    into the next ("Findings. Detention conditions ..."; Armenian text with its own
    full stop, ։); a long text is cut at the end of a sentence (not right after a
    heading) or else between words, and ends with an ellipsis.
    """
    html = _LINE_BREAK.sub(" ", body_html or "")
    pieces, after_headings, size = [], set(), 0
    parts = _BLOCK_TAG.split(html)
    tags = _BLOCK_TAG.findall(html)
    for index, part in enumerate(parts):
        text = " ".join(plain_text(part).split())
        if not text:
            continue
        if not _PUNCTUATED.search(text):
            text += "։" if _ARMENIAN.search(text) else "."
        size += len(text) + (1 if pieces else 0)
        pieces.append(text)
        closing = tags[index] if index < len(tags) else ""
        if _HEADING_END.match(closing):
            after_headings.add(size)
    return shorten(" ".join(pieces), length, avoid=after_headings)


def shorten(text: str, length: int = SUMMARY_LENGTH, avoid=frozenset()) -> str:
    """A text of at most `length` characters: whole, or cut at a sentence's end
    (then " …"; not at the positions in `avoid`) or between words (then "…")."""
    if len(text) <= length:
        return text
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(text[: length - 1])
        if m.end() not in avoid
    ]
    if ends and ends[-1] >= length * _SENTENCE_SHARE:
        return text[: ends[-1]] + " …"
    room = text[: length - 1]
    if not text[length - 1].isspace() and " " in room.strip():
        room = room.rstrip().rsplit(" ", 1)[0]
    return room.rstrip(" ,;:-–—") + "…"


def is_automatic_summary(summary: str, body_html: str) -> bool:
    """Whether a summary is the one made from this body (now, or by the rule before
    summaries were sentence-aware): an editor did not write it."""
    old = plain_text(body_html)
    legacy = (
        old
        if len(old) <= SUMMARY_LENGTH
        else (old[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…")
    )
    return summary in (summarise(body_html), legacy)


def _cut(slug: str, length: int) -> str:
    """A slug of at most `length` characters, cut at a hyphen where there is one."""
    if len(slug) <= length:
        return slug
    cut = slug[:length]
    if slug[length] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-") or slug[:length]


def _candidates(wanted: str, prefix: str | None):
    """The slugs to try in order: wanted, prefix-wanted, then wanted-2, wanted-3 ..."""
    yield _cut(wanted, SLUG_MAX)
    if prefix:
        yield _cut(f"{prefix}-{wanted}", SLUG_MAX)
    for number in count(2):
        tail = f"-{number}"
        yield _cut(wanted, SLUG_MAX - len(tail)) + tail


def _taken(model, candidates: list[str], own_id: int | None) -> set[str]:
    """Which of the candidates another row of model has (statements: or had)."""
    query = db.select(model.slug).where(model.slug.in_(candidates))
    if own_id is not None:
        query = query.where(model.id != own_id)
    taken = set(db.session.scalars(query))
    if model is Statement:  # an old address keeps redirecting to its statement
        query = db.select(SlugRedirect.old_slug).where(
            SlugRedirect.old_slug.in_(candidates)
        )
        if own_id is not None:
            query = query.where(SlugRedirect.statement_id != own_id)
        taken |= set(db.session.scalars(query))
    return taken


def unique_slug(
    model, wanted: str, prefix: str | None = None, own_id: int | None = None
) -> str:
    """The first candidate slug no other row of model uses (pending rows included):
    wanted, then prefix-wanted (a sub-category under its parent's slug), then
    wanted-2, wanted-3 ... Every candidate is checked, and none is longer than a
    slug column holds."""
    db.session.flush()
    candidates = _candidates(wanted, prefix)
    while True:
        batch = [next(candidates) for _ in range(20)]
        taken = _taken(model, batch, own_id)
        for candidate in batch:
            if candidate not in taken:
                return candidate


def category_named(name: str, parent: Category | None) -> Category | None:
    """The category of that name (by its key) directly under parent, if any."""
    if parent is not None and parent.id is None:
        if parent not in db.session:
            return None
        db.session.flush()  # a parent added in this session gets its id
    return db.session.scalar(
        db.select(Category).where(
            Category.name_key == name_key(name),
            Category.parent_id.is_(None)
            if parent is None
            else Category.parent_id == parent.id,
        )
    )


def category_for_trail(names: list[str]) -> Category:
    """The category at the end of a trail of names, found or created parent by
    parent: "Rights > Announcements" is Announcements under Rights, never a
    top-level Announcements."""
    parent = None
    for name in names:
        found = category_named(name, parent)
        if found is None:
            found = Category(
                name=name,
                parent=parent,
                slug=unique_slug(
                    Category, make_slug(name), parent.slug if parent else None
                ),
            )
            db.session.add(found)
            db.session.flush()
        parent = found
    return parent


def organisation_called(name: str, own_id: int | None = None) -> Organisation | None:
    """The organisation whose name has the same key (another than own_id), if any."""
    query = db.select(Organisation).where(Organisation.name_key == name_key(name))
    if own_id is not None:
        query = query.where(Organisation.id != own_id)
    return db.session.scalar(query)


def organisation_named(name: str, website: str | None = None) -> Organisation:
    """The organisation of that name (any case, form or spacing), created if new;
    a website updates it."""
    found = organisation_called(name)
    if found is None:
        found = Organisation(name=name, slug=unique_slug(Organisation, make_slug(name)))
        db.session.add(found)
        db.session.flush()
    if website:
        found.website = website
    return found


def tag_named(name: str) -> Tag:
    """The tag of that name (any case, form or spacing), created if new."""
    found = db.session.scalar(db.select(Tag).where(Tag.name_key == name_key(name)))
    if found is None:
        found = Tag(name=name, slug=unique_slug(Tag, make_slug(name)))
        db.session.add(found)
        db.session.flush()
    return found


class Catalogue:
    """Find-or-create of categories and organisations for many statements at once
    (an import): what exists is read in a few queries up front, new rows are made in
    the session without a flush, and the slugs new organisations want are checked
    together (a slug taken costs a query more). Same rules as category_for_trail()
    and organisation_named(); use it under no_autoflush.
    """

    CHUNK = 500  # names per IN (...) query

    def __init__(self, organisation_names=()):
        self._categories: dict[tuple[Category | None, str], Category] = {}
        by_id = {c.id: c for c in db.session.scalars(db.select(Category))}
        for category in by_id.values():
            parent = by_id.get(category.parent_id)
            self._categories[(parent, category.name_key)] = category
        self._organisations: dict[str, Organisation | None] = {}
        names = {name_key(name): name for name in organisation_names}
        self._read_organisations(set(names))
        # Slugs given to rows made here, which no query can see before the flush.
        self._new_slugs: dict[type, set[str]] = {Category: set(), Organisation: set()}
        # First-choice slugs of the organisations to make, found free in one go.
        self._free = self._free_slugs(
            Organisation,
            [
                make_slug(names[key])
                for key, row in self._organisations.items()
                if not row
            ],
        )

    def _read_organisations(self, keys: set[str]) -> None:
        """Read the organisations of these name keys (None for each not there)."""
        keys = sorted(keys - set(self._organisations))
        for start in range(0, len(keys), self.CHUNK):
            chunk = keys[start : start + self.CHUNK]
            self._organisations.update(dict.fromkeys(chunk))
            query = db.select(Organisation).where(Organisation.name_key.in_(chunk))
            for organisation in db.session.scalars(query):
                self._organisations[organisation.name_key] = organisation

    def _free_slugs(self, model, wanted: list[str]) -> set[str]:
        """Which of these first-choice slugs no row of model has."""
        firsts = sorted({next(_candidates(slug, None)) for slug in wanted})
        free = set(firsts)
        for start in range(0, len(firsts), self.CHUNK):
            free -= _taken(model, firsts[start : start + self.CHUNK], None)
        return free

    def _slug(self, model, wanted: str, prefix: str | None = None) -> str:
        """unique_slug() without a flush: rows made here are known to this object."""
        first = next(_candidates(wanted, prefix))
        if model is Organisation and first in self._free - self._new_slugs[model]:
            self._new_slugs[model].add(first)
            return first
        candidates = _candidates(wanted, prefix)
        while True:
            batch = [next(candidates) for _ in range(20)]
            taken = _taken(model, batch, None) | self._new_slugs[model]
            for candidate in batch:
                if candidate not in taken:
                    self._new_slugs[model].add(candidate)
                    return candidate

    def category_for_trail(self, names: list[str]) -> Category:
        """The category at the end of a trail of names, parents made as needed."""
        parent = None
        for name in names:
            key = (parent, name_key(name))
            found = self._categories.get(key)
            if found is None:
                prefix = parent.slug if parent is not None else None
                found = Category(
                    name=name,
                    parent=parent,
                    slug=self._slug(Category, make_slug(name), prefix),
                )
                db.session.add(found)
                self._categories[key] = found
            parent = found
        return parent

    def organisation_named(self, name: str, website: str | None = None) -> Organisation:
        """The organisation of that name key, made if new; a website updates it."""
        key = name_key(name)
        if key not in self._organisations:  # a name not given up front
            self._read_organisations({key})
        found = self._organisations[key]
        if found is None:
            found = Organisation(
                name=name, slug=self._slug(Organisation, make_slug(name))
            )
            db.session.add(found)
            self._organisations[key] = found
        if website:
            found.website = website
        return found


def category_clash(
    name: str, parent_id: int | None, own_id: int | None = None
) -> Category | None:
    """Another category that would have the same name key under the same parent."""
    query = db.select(Category).where(
        Category.name_key == name_key(name),
        Category.parent_id.is_(None)
        if parent_id is None
        else Category.parent_id == parent_id,
    )
    if own_id is not None:
        query = query.where(Category.id != own_id)
    return db.session.scalar(query)


ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def impossible_date(text: str) -> str | None:
    """Why a YYYY-MM-DD that is no day of the calendar is none ("2023-02-30 is not a
    date: February has 28 days in 2023"); None if it is one or not of that form."""
    match = ISO_DAY.match(text or "")
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    shown = match.group(0).strip()
    if year < 1:
        return f"{shown} is not a date: there is no year 0"
    if not 1 <= month <= 12:
        return f"{shown} is not a date: a year has 12 months"
    days = monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{shown} is not a date: {month_name[month]} has {days} days" + (
            f" in {year}" if month == 2 else ""
        )
    return None
