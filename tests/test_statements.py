"""The reading pages as a reader meets them: home, statement, category, organisation."""

import re
from datetime import UTC, datetime

import pytest

from ngo.extensions import db
from ngo.models import Statement
from tests.staff import text_of


def test_statement_page_shows_everything_a_reader_needs(client, make_statement):
    slug = make_statement(
        title="Stop the detention of journalists",
        categories=["Activities", "Rights > Right to life", "Announcements"],
        signatories=["Article 3 Club", "Peace Dialogue", "Media Initiatives Center"],
        published_at=datetime(2023, 9, 19, 10, tzinfo=UTC),
        body="<p>We call for the <strong>immediate</strong> release.</p>",
        views=503,
    )
    response = client.get(f"/statements/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"<h1[^>]*>Stop the detention of journalists</h1>", html)
    assert '<time datetime="2023-09-19">September 19, 2023</time>' in html
    text = text_of(response)
    assert "Activities | Rights | Right to life | Announcements" in text
    for slug_ in ("activities", "rights", "right-to-life", "announcements"):
        assert f'href="/category/{slug_}"' in html
    assert "We call for the immediate release." in text
    signatories = text[text.index("Signatories") :]
    assert (
        signatories.index("Article 3 Club")
        < signatories.index("Peace Dialogue")
        < signatories.index("Media Initiatives Center")
    )
    assert 'href="/organisations/article-3-club"' in html
    assert "views: 504" in text
    assert '<html lang="en"' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html


def test_signatory_with_website_links_to_it(client, app, make_statement):
    slug = make_statement(signatories=["Article 3 Club"])
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.slug == slug)
        )
        statement.signatures[0].organisation.website = "https://example.org/a3"
        db.session.commit()
    html = client.get(f"/statements/{slug}").get_data(as_text=True)
    assert 'href="https://example.org/a3"' in html


def test_home_lists_latest_published_first_and_paginates(client, app, make_statement):
    app.config["STATEMENTS_PER_PAGE"] = 2
    for day in (1, 3, 2):
        make_statement(
            title=f"Day {day}",
            published_at=datetime(2024, 1, day, tzinfo=UTC),
            categories=["Rights > Right to life"],
            summary=f"Summary {day}",
        )
    make_statement(
        title="Hidden draft",
        status="draft",
        published_at=datetime(2024, 2, 1, tzinfo=UTC),
    )
    first = text_of(client.get("/"))
    assert first.index("Day 3") < first.index("Day 2")
    assert "Day 1" not in first and "Hidden draft" not in first
    assert "Summary 3" in first and "January 3, 2024" in first
    assert "Rights | Right to life" in first
    assert "Page 1 of 2" in first
    second = client.get("/?page=2")
    assert second.status_code == 200
    assert "Day 1" in text_of(second)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "3", "99999999999", "1.5", "٣"])
def test_bad_page_numbers_are_404_with_the_site_page(client, make_statement, page):
    make_statement()
    response = client.get(f"/?page={page}")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_draft_is_not_public(client, make_statement):
    slug = make_statement(status="draft")
    assert client.get(f"/statements/{slug}").status_code == 404


def test_category_archive_includes_subcategories(client, make_statement):
    make_statement(title="On the right to life", categories=["Rights > Right to life"])
    make_statement(title="On rights in general", categories=["Rights"])
    make_statement(title="A training", categories=["Activities > Trainings"])
    rights = text_of(client.get("/category/rights"))
    assert "On the right to life" in rights and "On rights in general" in rights
    assert "A training" not in rights
    child = client.get("/category/right-to-life")
    assert child.status_code == 200
    child_text = text_of(child)
    assert (
        "On the right to life" in child_text
        and "On rights in general" not in child_text
    )
    assert client.get("/category/no-such-category").status_code == 404


def test_navigation_lists_main_categories(client, make_statement):
    make_statement(categories=["Rights > Right to life", "Activities"])
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    assert "Rights" in nav and "Activities" in nav and "Right to life" not in nav


def test_organisation_page_lists_signed_statements(client, make_statement):
    make_statement(title="Signed one", signatories=["Peace Dialogue", "Article 3 Club"])
    make_statement(title="Not signed", signatories=["Article 3 Club"])
    make_statement(title="Signed draft", signatories=["Peace Dialogue"], status="draft")
    response = client.get("/organisations/peace-dialogue")
    assert response.status_code == 200
    text = text_of(response)
    assert "Peace Dialogue" in text and "Signed one" in text
    assert "Not signed" not in text and "Signed draft" not in text
    assert client.get("/organisations/nobody").status_code == 404


def test_statement_page_query_count_is_fixed(client, make_statement, count_queries):
    small = make_statement(categories=["Activities"], signatories=["One"])
    large = make_statement(
        categories=[
            "Activities",
            "Rights > Right to life",
            "Rights > Freedom of expression",
            "Announcements > Press releases",
            "Publications > Reports > Annual",
        ],
        signatories=[f"Organisation {n}" for n in range(30)],
    )
    counts = {}
    for slug in (small, large):
        client.get(
            f"/statements/{slug}"
        )  # the first view writes; measure a repeat view
        with count_queries() as queries:
            assert client.get(f"/statements/{slug}").status_code == 200
        counts[slug] = len(queries)
        assert not any(
            q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            for q in queries
        )
    assert counts[small] == counts[large]
    # Statement, signatories, category tree, view check, and the comments (issue 4).
    assert counts[small] <= 5, counts
