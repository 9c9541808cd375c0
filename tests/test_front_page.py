"""The pages a reader meets first: the front page (a lead statement, the newest or
the newest featured one; the latest others with date, trail, summary and signatory
count; the categories), /statements, /organisations, and the statement page's
reading order (date and trail by the title, "Signatories (N)", then "views: N",
then the comment thread and its grouped form) and measure."""

import re
from datetime import UTC, datetime

from ngo.extensions import db
from ngo.models import Statement
from tests.commenting import add_comment
from tests.staff import text_of


def lead_of(html: str) -> str:
    """The lead statement's block of the front page."""
    found = re.search(r'<article class="lead-statement".*?</article>', html, re.S)
    assert found, "no lead statement"
    return found.group(0)


def test_the_newest_statement_leads_and_the_others_follow(client, make_statement):
    make_statement(
        title="Older appeal",
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
        categories=["Rights > Right to life"],
        signatories=["Peace Dialogue"],
    )
    make_statement(
        title="Newest appeal",
        published_at=datetime(2024, 3, 5, tzinfo=UTC),
        categories=["Activities"],
        summary="What the newest appeal asks for.",
        signatories=["Peace Dialogue", "Article 3 Club", "Open Society"],
    )
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    lead = lead_of(html)
    assert "Newest appeal" in lead and "Older appeal" not in lead
    assert '<time datetime="2024-03-05">March 5, 2024</time>' in lead
    assert "What the newest appeal asks for." in lead
    assert "Signed by 3 organisations" in lead
    text = text_of(response)
    # The lead is not listed a second time; the other statement is, with its parts.
    assert text.count("Newest appeal") == 2  # its title and the hidden link name
    latest = text[text.index("Latest statements") :]
    assert "Older appeal" in latest and "Newest appeal" not in latest
    assert "January 1, 2024" in latest and "Rights | Right to life" in latest
    assert "Signed by 1 organisation " in latest
    # The categories, for readers who browse.
    categories = text[text.index("Categories Activities") :]
    assert "Rights Right to life" in categories


def test_a_featured_statement_leads_the_newest_featured_wins(
    app, client, make_statement
):
    make_statement(
        title="Featured first",
        featured=True,
        published_at=datetime(2023, 1, 1, tzinfo=UTC),
    )
    make_statement(
        title="Featured later",
        featured=True,
        published_at=datetime(2023, 6, 1, tzinfo=UTC),
    )
    make_statement(title="Plain newest", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_statement(
        title="Draft featured",
        featured=True,
        status="draft",
        published_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    html = client.get("/").get_data(as_text=True)
    lead = lead_of(html)
    assert "Featured later" in lead and "Featured" in lead
    assert "Draft featured" not in html
    rest = html.replace(lead, "")
    assert "Plain newest" in rest and "Featured first" in rest
    assert "Featured later" not in rest
    # Unfeaturing it shows at once (the site revision moves on).
    with app.app_context():
        statement = db.session.scalar(
            db.select(Statement).where(Statement.title == "Featured later")
        )
        statement.featured = False
        db.session.commit()
    assert "Featured first" in lead_of(client.get("/").get_data(as_text=True))


def test_an_editor_features_a_statement_in_the_admin(app, editor, make_statement):
    slug = make_statement(
        title="To be featured", published_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    make_statement(title="Newer one", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    with app.app_context():
        statement_id = db.session.scalar(
            db.select(Statement.id).where(Statement.slug == slug)
        )
    page = editor.get(f"/admin/statements/{statement_id}/edit")
    assert "Featured on the front page" in text_of(page)
    response = editor.post(
        f"/admin/statements/{statement_id}/edit",
        data={
            "title": "To be featured",
            "slug": slug,
            "date": "2020-01-01",
            "summary": "",
            "body": "Body.",
            "signatories": "",
            "language": "en",
            "status": "published",
            "comments_open": "y",
            "featured": "y",
            "save": "Save",
        },
    )
    assert response.status_code == 303
    assert "To be featured" in lead_of(editor.get("/").get_data(as_text=True))


def test_an_empty_site_has_a_front_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No statements have been published here yet." in text_of(response)


def test_front_page_queries_are_the_same_for_5_or_30_statements(
    app, make_statement, count_queries
):
    app.config["STATEMENTS_PER_PAGE"] = 100
    client = app.test_client()

    def add(count):
        for _ in range(count):
            make_statement(
                categories=["Rights > Right to life", "Activities"],
                signatories=["Peace Dialogue", "Article 3 Club"],
            )

    def cost():
        client.get("/")
        app.extensions["pages"].clear()
        with count_queries() as rendered:
            response = client.get("/")
        with count_queries() as cached:
            client.get("/")
        return len(rendered), len(cached), response

    add(5)
    small_rendered, small_cached, response = cost()
    assert text_of(response).count("Signed by 2 organisations") == 5
    add(25)
    large_rendered, large_cached, response = cost()
    assert text_of(response).count("Signed by 2 organisations") == 30
    assert small_rendered == large_rendered <= 7  # the footer's pages: one of them
    assert small_cached == large_cached == 1


def test_statements_and_organisations_directory(client, make_statement):
    make_statement(title="First", signatories=["Zeta Group", "Alpha Union"])
    make_statement(title="Second", signatories=["Alpha Union"])
    make_statement(title="Hidden", status="draft", signatories=["Draft Only Org"])
    everything = client.get("/statements")
    assert everything.status_code == 200
    text = text_of(everything)
    assert "First" in text and "Second" in text and "Hidden" not in text
    directory = client.get("/organisations")
    assert directory.status_code == 200
    text = text_of(directory)
    assert text.index("Alpha Union (2 statements)") < text.index(
        "Zeta Group (1 statement)"
    )
    assert "Draft Only Org" not in text


def test_statement_page_reading_order(app, client, make_statement):
    slug = make_statement(
        title="Release the detained journalists",
        categories=["Rights > Right to life"],
        signatories=[f"Organisation {n}" for n in range(12)],
        views=504,
        published_at=datetime(2023, 9, 19, tzinfo=UTC),
    )
    add_comment(app, slug, status="approved")
    response = client.get(f"/statements/{slug}")
    assert response.status_code == 200
    text = text_of(response)
    title = text.index("Release the detained journalists Sept")
    assert text.index("September 19, 2023", title) < text.index("Rights | Right to")
    assert "Signatories (12)" in text
    signatories = text.index("Signatories (12)")
    views = text.index("views: 505")
    assert signatories < text.index("Organisation 11") < views
    assert views < text.index("1 comment") < text.index("Leave a Reply")
    html = response.get_data(as_text=True)
    footer = re.search(r'<footer class="statement__footer".*?</footer>', html, re.S)
    assert footer and "views: 505" in footer.group(0)
    assert '<div id="respond" class="comment-respond">' in html


def test_statement_text_keeps_a_measure_of_60_to_75_characters(
    app, make_statement, live_server, page_factory
):
    sentence = "Everyone has the right to life, liberty and security of person. "
    slug = make_statement(body="".join(f"<p>{sentence * 6}</p>" for _ in range(3)))
    widths = {}
    for width in (1280, 1920):
        page = page_factory(javascript=False, width=width)
        page.goto(f"{live_server}/statements/{slug}")
        widths[width] = page.evaluate(
            """() => {
              const counts = [];
              for (const p of document.querySelectorAll('.statement__body p')) {
                const node = p.firstChild, tops = new Map();
                for (let i = 0; i < node.length; i++) {
                  const r = document.createRange();
                  r.setStart(node, i);
                  r.setEnd(node, i + 1);
                  const t = Math.round(r.getBoundingClientRect().top);
                  tops.set(t, (tops.get(t) || 0) + 1);
                }
                const lines = [...tops.values()]; lines.pop();  // the last is short
                counts.push(...lines);
              }
              return [Math.min(...counts), Math.max(...counts)];
            }"""
        )
    for width, (shortest, longest) in widths.items():
        assert 55 <= shortest and longest <= 76, (width, shortest, longest)
