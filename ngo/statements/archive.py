"""Archives by month: /archive lists the months that have statements, newest first,
with how many each has; /archive/<year>/<month> lists one month's statements,
paginated and ordered like every list (ngo.statements.views). Months are those of
the site's time zone (NGO_TIMEZONE), as every date on the site is written, and
count the statements a list in the page's language shows (each once).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import NamedTuple

from babel.dates import format_date, format_skeleton
from flask import abort, redirect, url_for
from sqlalchemy import func, literal, union_all

from ngo.extensions import db
from ngo.i18n import current_language, local, site_timezone
from ngo.models import Statement, utcnow
from ngo.statements.views import (
    bp,
    list_page,
    others_hidden,
    published,
    statement_page_of,
)

# A month and its year written out, where CLDR's format is not how the language's
# own press writes it (as ngo.i18n.LONG_DATE): "սեպտեմբեր 2023 թ.".
MONTH_AND_YEAR = {"hy": "LLLL y 'թ.'"}
# Years an archive address may name.
FIRST_YEAR, LAST_YEAR = 1, 9999
# Months counted in one UNION (SQLite takes at most 500 SELECTs in one).
COUNTS_PER_QUERY = 200


class Month(NamedTuple):
    """A month of the archive and how many statements it has."""

    year: int
    month: int
    count: int

    @property
    def label(self) -> str:
        """ "September 2023", "Сентябрь 2023 г.", "Սեպտեմբեր 2023 թ."."""
        return month_label(self.year, self.month)


def month_label(year: int, month: int) -> str:
    """A month and its year in the page's language, capitalised as a heading."""
    language = current_language()
    day = date(year, month, 1)
    if language in MONTH_AND_YEAR:
        text = format_date(day, MONTH_AND_YEAR[language], locale=language)
    else:
        text = format_skeleton("yMMMM", day, locale=language)
    return text[:1].upper() + text[1:]


def month_start(year: int, month: int) -> datetime:
    """When a month of the site's time zone starts, in UTC (clamped to the first
    and last moments a datetime holds)."""
    if year > LAST_YEAR:
        return datetime.max.replace(tzinfo=UTC)
    try:
        return datetime(year, month, 1, tzinfo=site_timezone()).astimezone(UTC)
    except OverflowError:
        return (
            datetime.min.replace(tzinfo=UTC)
            if year <= FIRST_YEAR
            else (datetime.max.replace(tzinfo=UTC))
        )


def next_month(year: int, month: int) -> tuple[int, int]:
    """The month after."""
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    """The month before."""
    return (year - 1, 12) if month == 1 else (year, month - 1)


def in_month(query, year: int, month: int):
    """The query's statements published in that month of the site's time zone."""
    return query.where(
        Statement.published_at >= month_start(year, month),
        Statement.published_at < month_start(*next_month(year, month)),
    )


def utc_month_column():
    """A published_at's year and month in UTC, "2023-09", in the database's SQL."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Statement.published_at), "YYYY-MM")
    return func.strftime("%Y-%m", Statement.published_at)  # stored in UTC


def months() -> list[Month]:
    """Every month with a statement lists show, newest first, and their counts.

    A month of the site's time zone starts within a day of the UTC one, so the
    months that have statements are among the UTC months that do and their
    neighbours (one grouped query); each of those is then counted along an index
    ((status, published_at), or (status, language, published_at) when other
    languages are hidden) in UNIONs of range counts, exact whatever the time
    zone's offsets and summer times. In "after" mode the versions lists leave out
    (another language's, translated into the page's) are then taken off their
    months: one query that reads only the statements in groups of translations.
    """
    utc_month = utc_month_column()
    found = db.session.scalars(
        db.select(utc_month).where(Statement.public()).group_by(utc_month)
    ).all()
    candidates = set()
    for text in found:
        year, month = int(text[:4]), int(text[5:7])
        for y, m in (
            previous_month(year, month),
            (year, month),
            next_month(year, month),
        ):
            if FIRST_YEAR <= y <= LAST_YEAR:
                candidates.add((y, m))
    if not candidates:
        return []
    language = current_language()
    counted = db.select(func.count()).where(Statement.public())
    if others_hidden():
        counted = counted.where(Statement.language == language)
    counts = [
        in_month(
            counted.add_columns(literal(year * 100 + month).label("month")),
            year,
            month,
        )
        for year, month in sorted(candidates)
    ]
    found_counts: dict[tuple[int, int], int] = {}
    for start in range(0, len(counts), COUNTS_PER_QUERY):
        for count, key in db.session.execute(
            union_all(*counts[start : start + COUNTS_PER_QUERY])
        ):
            found_counts[(key // 100, key % 100)] = count
    if not others_hidden():
        for moment in left_out_versions(language):
            moment = local(moment)
            found_counts[(moment.year, moment.month)] -= 1
    return sorted(
        (
            Month(year, month, count)
            for (year, month), count in found_counts.items()
            if count > 0
        ),
        key=lambda m: (m.year, m.month),
        reverse=True,
    )


def left_out_versions(language: str) -> list[datetime]:
    """When each published statement was published that lists in `language` leave
    out: another language's version of a statement that has one in `language`.

    The only condition is on the group, so the database reads the statements in
    groups of translations along their index, and no others; Python does the rest.
    """
    groups: dict[int, list] = {}
    now = utcnow()
    for row in db.session.execute(
        db.select(
            Statement.translation_group,
            Statement.language,
            Statement.status,
            Statement.published_at,
        )
        # Group numbers are statements' ids, so positive: a range SQLite reads
        # along the group index, where IS NOT NULL would scan the table.
        .where(Statement.translation_group > 0)
    ):
        if row.status == "published" and row.published_at <= now:
            groups.setdefault(row.translation_group, []).append(row)
    return [
        row.published_at
        for rows in groups.values()
        if any(row.language == language for row in rows)
        for row in rows
        if row.language != language
    ]


@bp.get("/archive")
def archive():
    """The months that have statements, newest first, each with its count."""

    def context() -> dict:
        """The months, grouped by year."""
        by_year: dict[int, list[Month]] = {}
        for month in months():
            by_year.setdefault(month.year, []).append(month)
        return {"years": list(by_year.items())}

    return list_page("statements/archive.html", context)


def parse_month(year: str, month: str) -> tuple[int, int] | None:
    """(year, month) from an address's parts: four ASCII digits and one or two;
    None for anything else or an impossible month."""
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        return None
    if not (month.isascii() and month.isdigit() and 1 <= len(month) <= 2):
        return None
    number = int(month)
    if not FIRST_YEAR <= int(year) <= LAST_YEAR or not 1 <= number <= 12:
        return None
    return int(year), number


@bp.get("/archive/<year>/<month>")
def archive_month(year: str, month: str):
    """The statements of one month, paginated; 404 for an impossible month or one
    without statements; /archive/2023/9 moves (301) to /archive/2023/09."""
    parsed = parse_month(year, month)
    if parsed is None:
        abort(404)
    if len(month) == 1:
        return redirect(
            url_for("statements.archive_month", year=year, month=f"{parsed[1]:02d}"),
            code=301,
        )

    def context() -> dict:
        """The month's label and one page of its statements."""
        pagination = statement_page_of(in_month(published(), *parsed))
        if not pagination.items:
            abort(404)
        return {"month": month_label(*parsed), "pagination": pagination}

    return list_page("statements/archive_month.html", context)
