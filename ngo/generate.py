"""A large generated data set for measuring (`flask generate-demo`): bulk inserts.

Statements are made from the demo statements' bodies (rendered once), spread over
fifteen years, in a category tree three levels deep, signed by 2,000 generated
organisations, with reader comments (a few statements have many: up to 200).
Each statement is in its body's language (English, Armenian or Russian, as the
demo statement it comes from), titled in that language; English titles name one
of a few thousand made-up places, so a search has rare words to find. Rows go in
with multi-row INSERTs in chunks, not through the ORM's unit of work; each run
adds more (slugs continue where the last run stopped), the new published
statements go into the search index, and the kept lists
(ngo.statements.listing) are made again.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

import yaml
from sqlalchemy import func, insert, select

from ngo.authoring import category_for_trail, summarise
from ngo.extensions import db
from ngo.markup import render_body
from ngo.models import (
    Comment,
    Organisation,
    Signature,
    Statement,
    StatementCategory,
    name_key,
)
from ngo.revisions import move_site_on
from ngo.search.index import add_new
from ngo.statements import listing

DEMO_DIR = Path(__file__).parent / "demo"
TRAILS = [
    ["Activities"],
    ["Activities", "Monitoring"],
    ["Activities", "Monitoring", "Election observation"],
    ["Activities", "Monitoring", "Places of detention"],
    ["Activities", "Trainings"],
    ["Activities", "Trainings", "Trainings for lawyers"],
    ["Rights"],
    ["Rights", "Right to life"],
    ["Rights", "Freedom of expression"],
    ["Rights", "Freedom of expression", "Journalists"],
    ["Rights", "Freedom of expression", "Access to information"],
    ["Rights", "Freedom of assembly"],
    ["Rights", "Fair trial"],
    ["Rights", "Fair trial", "Pre-trial detention"],
    ["Rights", "Rights of the child"],
    ["Rights", "Rights of persons with disabilities"],
    ["Announcements"],
    ["Press releases"],
    ["Joint statements"],
    ["Elections"],
]
WORDS = (
    "detention journalists assembly election monitoring appeal release court "
    "torture shelter children disability displaced defenders information law "
    "reform hearing police investigation rights freedom access justice"
).split()
# Title words of the statements whose bodies are Armenian or Russian.
TITLE_WORDS = {
    "en": WORDS,
    "hy": (
        "կալանք լրագրողներ հավաք ընտրություններ դիտարկում կոչ ազատում դատարան "
        "խոշտանգում ապաստան երեխաներ հաշմանդամություն տեղահանվածներ պաշտպաններ "
        "տեղեկատվություն օրենք բարեփոխում լսում ոստիկանություն քննություն "
        "իրավունքներ ազատություն մատչելիություն արդարադատություն"
    ).split(),
    "ru": (
        "задержание журналисты собрание выборы мониторинг обращение освобождение "
        "суд пытки убежище дети инвалидность переселенцы правозащитники "
        "информация закон реформа слушание полиция расследование права свобода "
        "доступ правосудие"
    ).split(),
}
# Made-up place names (a few thousand): each in a few English titles per 100,000.
_PLACE_PARTS = (
    "Ar Ber Dar Gor Har Jer Kar Lor Mar Nor Par Sar Tar Var Zar Ash Bel Ner Vos Yer",
    "ak an ar ash av ed en er ik in is od on or uk un ur ut ov ez",
    "a an ava ashen berd dzor gyugh i kert ovit shat vank",
)
CHUNK = 2_000
ORGANISATIONS = 2_000
# Most statements have a few comments, some many: at most this many each.
MOST_COMMENTS = 200
SLUG_PREFIX = "generated-statement-"
ORGANISATION_PREFIX = "generated-organisation-"


def _templates() -> list[tuple[str, str, str, str]]:
    """(Markdown, clean HTML, summary, language) of each demo statement's body."""
    from ngo.importer import split_front_matter

    made = []
    for path in sorted(DEMO_DIR.glob("*.md")):
        head, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
        language = (yaml.safe_load(head) or {}).get("language", "en")
        html = str(render_body(body))
        made.append((body.strip("\n"), html, summarise(html), language))
    return made


def place(number: int) -> str:
    """The made-up place an English generated title names."""
    first, middle, last = (parts.split() for parts in _PLACE_PARTS)
    name = first[number % len(first)] + middle[number // len(first) % len(middle)]
    return name + last[number // (len(first) * len(middle)) % len(last)]


def _chunks(rows: list[dict]):
    """The rows in slices of CHUNK."""
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _organisations(count: int) -> list[int]:
    """The ids of `count` generated organisations, making those not there yet."""
    existing = dict(
        db.session.execute(
            select(Organisation.slug, Organisation.id).where(
                Organisation.slug.like(f"{ORGANISATION_PREFIX}%")
            )
        ).all()
    )
    rows = []
    for number in range(1, count + 1):
        slug = f"{ORGANISATION_PREFIX}{number}"
        if slug not in existing:
            name = f"Generated Organisation {number}"
            website = f"https://example.org/org-{number}" if number % 3 else None
            rows.append(
                {"slug": slug, "name": name, "name_key": name_key(name)}
                | {"website": website}
            )
    for chunk in _chunks(rows):
        db.session.execute(insert(Organisation), chunk)
    return list(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.slug.like(f"{ORGANISATION_PREFIX}%")
            )
        )
    )


def _next_number() -> int:
    """The number the first generated statement of this run gets."""
    count = db.session.scalar(
        select(func.count()).where(Statement.slug.like(f"{SLUG_PREFIX}%"))
    )
    return (count or 0) + 1


def _commented(rng: random.Random, statements: int, comments: int) -> list[int]:
    """The statement (its index) each comment is on: a few statements have many
    (Pareto weights), none more than MOST_COMMENTS unless there is no room."""
    if not statements:
        return []
    weights = [rng.paretovariate(1.2) for _ in range(statements)]
    on = rng.choices(range(statements), weights=weights, k=comments)
    per = [0] * statements
    for index in on:
        per[index] += 1
    spare = (i for i in range(statements) if per[i] < MOST_COMMENTS)
    room = next(spare, None)
    for position, index in enumerate(on):
        if per[index] > MOST_COMMENTS and room is not None:
            per[index] -= 1
            per[room] += 1
            on[position] = room
            while room is not None and per[room] >= MOST_COMMENTS:
                room = next(spare, None)
    return on


def generate(statements: int, comments: int, seed: int = 1) -> tuple[int, int]:
    """Add generated statements and comments; the caller commits. Gives the counts."""
    rng = random.Random(seed)
    templates = _templates()
    categories = [category_for_trail(trail).id for trail in TRAILS]
    organisations = _organisations(ORGANISATIONS)
    first = _next_number()
    start = datetime(2011, 1, 1, tzinfo=UTC)
    span = (datetime(2025, 12, 31, tzinfo=UTC) - start).total_seconds()

    # Comments first: their number per statement is its comment_count.
    on = _commented(rng, statements, comments)
    statuses = rng.choices(("approved", "pending", "spam"), (80, 15, 5), k=len(on))
    approved = [0] * statements
    for index, status in zip(on, statuses, strict=True):
        approved[index] += status == "approved"

    rows = []
    for index in range(statements):
        number = first + index
        markdown, html, summary, language = templates[index % len(templates)]
        words = TITLE_WORDS.get(language, WORDS)
        title = " ".join(rng.choice(words) for _ in range(rng.randint(4, 9)))
        if language == "en":
            title += f" in {place(number)}"
        published = start + timedelta(seconds=rng.random() * span)
        rows.append(
            {
                "slug": f"{SLUG_PREFIX}{number}",
                "title": f"{title.capitalize()} ({number})",
                "summary": summary,
                "body": html,
                "body_markdown": markdown,
                "language": language,
                "status": "draft" if index % 20 == 19 else "published",
                "published_at": published,
                "views": rng.randrange(2_000),
                "comments_open": index % 10 != 0,
                "comment_count": approved[index],
                "revision": 0,
                "created_at": published,
                "updated_at": published,
            }
        )
    ids: list[int] = []
    statement_insert = insert(Statement).returning(
        Statement.id, Statement.published_at, sort_by_parameter_order=True
    )
    published_at = []
    for chunk in _chunks(rows):
        for row in db.session.execute(statement_insert, chunk):
            ids.append(row.id)
            published_at.append(row.published_at)
    del rows

    links, signatures = [], []
    for statement_id in ids:
        chosen = rng.sample(categories, rng.randint(1, 3))
        links += [
            {"statement_id": statement_id, "category_id": c, "position": p}
            for p, c in enumerate(chosen)
        ]
        signed = rng.sample(organisations, min(len(organisations), rng.randint(1, 5)))
        signatures += [
            {"statement_id": statement_id, "organisation_id": o, "position": p}
            for p, o in enumerate(signed)
        ]
    for chunk in _chunks(links):
        db.session.connection().execute(insert(StatementCategory.__table__), chunk)
    for chunk in _chunks(signatures):
        db.session.connection().execute(insert(Signature.__table__), chunk)

    comment_rows = []
    for number, (index, status) in enumerate(zip(on, statuses, strict=True)):
        text = f"Generated comment {number}: " + " ".join(rng.sample(WORDS, 8))
        comment_rows.append(
            {
                "statement_id": ids[index],
                "parent_id": None,
                "depth": 1,
                "author_name": f"Reader {number % 5_000}",
                "author_email": f"reader{number % 5_000}@example.org",
                "author_url": None,
                "body": f"<p>{text}</p>",
                "body_hash": sha256(text.encode()).hexdigest(),
                "status": status,
                "moderation_note": "",
                "ip_hash": None,
                "created_at": published_at[index] + timedelta(hours=1 + number % 97),
            }
        )
    for chunk in _chunks(comment_rows):
        db.session.connection().execute(insert(Comment.__table__), chunk)
    move_site_on(frame=True)  # bulk SQL: the ORM's listeners saw none of it
    connection = db.session.connection()
    add_new(connection, ids)  # nor did the search index's
    listing.rebuild(connection)  # nor the kept lists'
    return len(ids), len(comment_rows)
