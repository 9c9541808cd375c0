"""Archives by month: the list of months with their counts, each month's statements,
months of the site's time zone, every language, and hostile addresses."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ngo.extensions import db
from ngo.models import Statement
from tests.staff import text_of
from tests.test_translations_of_statements import link

MONTH_LINK = re.compile(
    r'<a href="((?:/\w\w)?/archive/(\d{4})/(\d{2}))">([^<]+)</a> '
    r'<span class="archive-months__count">\(([^)]+)\)</span>'
)


def months_listed(client, prefix="") -> list[tuple[str, str, str, str]]:
    """(address, year, month, count text) of each month /archive links, in order."""
    response = client.get(f"{prefix}/archive")
    assert response.status_code == 200
    return [
        (href, year, month, count)
        for href, year, month, _label, count in MONTH_LINK.findall(
            response.get_data(as_text=True)
        )
    ]


def titles_on(response) -> list[str]:
    """The statement titles a list page shows, in order."""
    return re.findall(
        r'class="statement-card__title"><a [^>]*>([^<]+)</a>',
        response.get_data(as_text=True),
    )


def at(*parts) -> datetime:
    """A moment in UTC."""
    return datetime(*parts, tzinfo=UTC)


def test_the_archive_lists_months_newest_first_with_their_counts(
    client, make_statement
):
    make_statement(title="September one", published_at=at(2023, 9, 2, 10))
    make_statement(title="September two", published_at=at(2023, 9, 20, 10))
    make_statement(title="January", published_at=at(2024, 1, 15, 10))
    make_statement(title="Old", published_at=at(2019, 3, 3, 10))
    make_statement(title="A draft", published_at=at(2022, 5, 5), status="draft")
    months = months_listed(client)
    assert [(y, m, n) for _, y, m, n in months] == [
        ("2024", "01", "1 statement"),
        ("2023", "09", "2 statements"),
        ("2019", "03", "1 statement"),
    ]
    html = client.get("/archive").get_data(as_text=True)
    assert re.search(r'<h2 id="archive-2023">2023</h2>', html)
    assert ">September 2023</a>" in html
    # Every month link answers with that month's statements.
    response = client.get("/archive/2023/09")
    assert response.status_code == 200
    assert titles_on(response) == ["September two", "September one"]
    assert "<h1>September 2023</h1>" in response.get_data(as_text=True)
    assert "Archive by month" in text_of(response)
    assert titles_on(client.get("/archive/2019/03")) == ["Old"]
    # A month with only a draft, or with nothing, is not found.
    assert client.get("/archive/2022/05").status_code == 404
    assert client.get("/archive/2023/10").status_code == 404


def test_the_statements_page_links_the_archive_in_each_language(client, make_statement):
    make_statement()
    for prefix in ("", "/hy", "/ru"):
        html = client.get(f"{prefix}/statements").get_data(as_text=True)
        assert f'<a href="{prefix}/archive">' in html, prefix


def test_months_are_those_of_the_site_s_time_zone(client, make_statement):
    # Asia/Yerevan is UTC+4: 22:00 UTC on 30 September is 1 October there.
    make_statement(title="Late September UTC", published_at=at(2023, 9, 30, 22))
    make_statement(title="Early October", published_at=at(2023, 10, 1, 1))
    make_statement(title="Still September", published_at=at(2023, 9, 30, 19, 59))
    months = {(y, m): n for _, y, m, n in months_listed(client)}
    assert months == {("2023", "10"): "2 statements", ("2023", "09"): "1 statement"}
    assert titles_on(client.get("/archive/2023/10")) == [
        "Early October",
        "Late September UTC",
    ]
    assert titles_on(client.get("/archive/2023/09")) == ["Still September"]


def test_months_follow_a_time_zone_with_summer_time(app, client, make_statement):
    zone = ZoneInfo("America/New_York")
    app.config["TIMEZONE"] = "America/New_York"
    app.extensions["ngo.timezone"] = zone
    # 03:30 UTC on 1 November 2023 is 23:30 on 31 October in New York (EDT, -4);
    # 04:30 UTC on 1 March 2023 is 23:30 on 28 February (EST, -5).
    make_statement(title="Halloween night", published_at=at(2023, 11, 1, 3, 30))
    make_statement(title="End of February", published_at=at(2023, 3, 1, 4, 30))
    make_statement(title="March proper", published_at=at(2023, 3, 1, 5, 30))
    months = {(y, m): n for _, y, m, n in months_listed(client)}
    assert months == {
        ("2023", "10"): "1 statement",
        ("2023", "02"): "1 statement",
        ("2023", "03"): "1 statement",
    }
    assert titles_on(client.get("/archive/2023/02")) == ["End of February"]
    assert titles_on(client.get("/archive/2023/10")) == ["Halloween night"]


def test_a_month_is_paginated_like_every_list(app, client, make_statement):
    app.config["STATEMENTS_PER_PAGE"] = 2
    for day in range(1, 6):
        make_statement(title=f"Day {day}", published_at=at(2024, 2, day, 12))
    first = client.get("/archive/2024/02")
    assert titles_on(first) == ["Day 5", "Day 4"]
    html = first.get_data(as_text=True)
    assert 'rel="next" href="/archive/2024/02?page=2"' in html
    third = client.get("/archive/2024/02?page=3")
    assert titles_on(third) == ["Day 1"]
    assert "February 2024, page 3" in third.get_data(as_text=True)
    assert client.get("/archive/2024/02?page=4").status_code == 404
    assert client.get("/archive/2024/02?page=0").status_code == 404
    assert client.get("/archive/2024/02?page=x").status_code == 404


def test_the_archive_in_each_language_counts_each_statement_once(
    app, client, make_statement
):
    make_statement(
        title="Free the journalists", slug="free", published_at=at(2023, 9, 19, 10)
    )
    make_statement(
        title="Ազատե՛ք լրագրողներին",
        slug="azatek",
        language="hy",
        published_at=at(2023, 9, 19, 10),
    )
    link(app, "azatek", "free")
    make_statement(title="Only English", published_at=at(2023, 9, 21, 10))
    # The pair counts once, in the page's language, with the other statement.
    assert [(h, n) for h, _, _, n in months_listed(client)] == [
        ("/archive/2023/09", "2 statements")
    ]
    armenian = client.get("/hy/archive/2023/09")
    assert armenian.status_code == 200
    assert '<html lang="hy"' in armenian.get_data(as_text=True)
    # The page's language first, as every list.
    assert titles_on(armenian) == ["Ազատե՛ք լրագրողներին", "Only English"]
    hy_months = months_listed(client, "/hy")
    assert [(h, y, m) for h, y, m, _ in hy_months] == [
        ("/hy/archive/2023/09", "2023", "09")
    ]
    assert hy_months[0][3].startswith("2 ")
    russian = client.get("/ru/archive").get_data(as_text=True)
    assert '<html lang="ru"' in russian
    assert "Сентябрь 2023" in russian
    # Other languages hidden: only the page's own are counted and listed.
    app.config["OTHER_LANGUAGES"] = "hidden"
    app.extensions["pages"].clear()
    hy_months = months_listed(client, "/hy")
    assert len(hy_months) == 1 and hy_months[0][3].startswith("1 ")
    assert titles_on(client.get("/hy/archive/2023/09")) == ["Ազատե՛ք լրագրողներին"]
    assert months_listed(client, "/ru") == []
    assert client.get("/ru/archive/2023/09").status_code == 404


def test_a_new_statement_shows_in_the_cached_archive(client, make_statement):
    make_statement(published_at=at(2023, 9, 2, 10))
    assert [(y, m) for _, y, m, _ in months_listed(client)] == [("2023", "09")]
    make_statement(title="Fresh", published_at=at(2024, 4, 2, 10))
    assert [(y, m) for _, y, m, _ in months_listed(client)] == [
        ("2024", "04"),
        ("2023", "09"),
    ]
    assert titles_on(client.get("/archive/2024/04")) == ["Fresh"]


def test_a_one_digit_month_moves_to_its_two_digit_address(client, make_statement):
    make_statement(published_at=at(2023, 9, 2, 10))
    response = client.get("/archive/2023/9")
    assert response.status_code == 301
    assert response.headers["Location"] == "/archive/2023/09"
    assert client.get("/hy/archive/2023/9").headers["Location"] == "/hy/archive/2023/09"


@pytest.mark.parametrize(
    "path",
    [
        "/archive/0/1",
        "/archive/0000/01",
        "/archive/99999/01",
        "/archive/-1/01",
        "/archive/2023/-1",
        "/archive/2023/0",
        "/archive/2023/00",
        "/archive/2023/13",
        "/archive/2023/123",
        "/archive/2023/ab",
        "/archive/abcd/01",
        "/archive/٢٠٢٣/٠٩",
        "/archive/2023/٩",
        "/archive/2023/+9",
        "/archive/2023/%2009",
        "/archive/1e3/01",
        "/archive/" + "9" * 400 + "/01",
        "/archive/2023",
        "/archive/2023/09/01",
        "/archive/0001/01",
        "/archive/9999/12",
        "/hy/archive/0/0",
        "/ru/archive/99999/99",
    ],
)
def test_hostile_and_impossible_months_are_not_found(client, make_statement, path):
    make_statement(published_at=at(2023, 9, 2, 10))
    response = client.get(path)
    assert response.status_code == 404, path
    assert "<h1>" in response.get_data(as_text=True)  # the site's own page


def test_statements_at_the_ends_of_time_are_archived(app, client, make_statement):
    make_statement(title="Year one", published_at=at(1, 1, 1, 12))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Statement))
    months = months_listed(client)
    assert [(y, m) for _, y, m, _ in months] == [("0001", "01")]
    assert titles_on(client.get("/archive/0001/01")) == ["Year one"]
