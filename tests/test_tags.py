"""Tags: each tag's archive page (/tag/<slug>, paginated, in every language, with its
feed), the statement page linking its tags, unknown tags 404."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from ngo.extensions import db
from ngo.models import Statement, Tag, utcnow
from tests.staff import signed_in


def tag(app, slugs: list[str], *tags: tuple[str, str]) -> None:
    """Give these statements these tags (name, slug), made if new, in this order."""
    with app.app_context():
        made = []
        for name, slug in tags:
            found = db.session.scalar(db.select(Tag).where(Tag.slug == slug))
            made.append(found or Tag(name=name, slug=slug))
        for statement in db.session.scalars(
            db.select(Statement).where(Statement.slug.in_(slugs))
        ):
            statement.set_tags(made)
        db.session.commit()


def titles_on(response) -> list[str]:
    """The statement titles a list page shows, in order."""
    return re.findall(
        r'class="statement-card__title"><a [^>]*>([^<]+)</a>',
        response.get_data(as_text=True),
    )


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def tagged(app, make_statement):
    """Two statements tagged "Elections" (the newer also "Press freedom"), one
    without tags, a draft and a scheduled statement tagged "Elections"."""
    make_statement(title="Older election", slug="older")
    make_statement(title="Newer election", slug="newer")
    make_statement(title="Untagged", slug="untagged")
    make_statement(title="A draft", slug="a-draft", status="draft")
    make_statement(
        title="Coming", slug="coming", published_at=utcnow() + timedelta(days=1)
    )
    tag(app, ["older", "a-draft", "coming"], ("Elections", "elections"))
    tag(
        app,
        ["newer"],
        ("Elections", "elections"),
        ("Press freedom & media", "press-freedom"),
    )
    return app


def test_the_tag_page_lists_its_public_statements_newest_first(tagged, client):
    response = client.get("/tag/elections")
    assert response.status_code == 200
    assert titles_on(response) == ["Newer election", "Older election"]
    html = text(response)
    assert "<title>Tag: Elections" in html and "<h1>Tag: Elections</h1>" in html
    assert '<link rel="canonical" href="http://localhost/tag/elections">' in html
    for code, prefix in (("hy", "/hy"), ("ru", "/ru"), ("en", "")):
        assert (
            f'<link rel="alternate" hreflang="{code}" '
            f'href="http://localhost{prefix}/tag/elections">'
        ) in html
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/tag/elections/feed.atom"'
    ) in html
    press = client.get("/tag/press-freedom")
    assert titles_on(press) == ["Newer election"]
    assert "Tag: Press freedom &amp; media" in text(press)


def test_unknown_tags_and_pages_past_the_end_are_404(tagged, client):
    assert client.get("/tag/no-such-tag").status_code == 404
    assert client.get("/tag/no-such-tag/feed.atom").status_code == 404
    assert client.get("/tag/elections?page=2").status_code == 404
    assert client.get("/tag/elections?page=x").status_code == 404


def test_the_tag_page_is_paginated(app, client, make_statement):
    app.config["STATEMENTS_PER_PAGE"] = 2
    slugs = [
        make_statement(
            title=f"Tagged {n}", published_at=datetime(2023, 1, n + 1, tzinfo=UTC)
        )
        for n in range(5)
    ]
    tag(app, slugs, ("Monitoring", "monitoring"))
    first = client.get("/tag/monitoring")
    assert titles_on(first) == ["Tagged 4", "Tagged 3"]
    assert 'rel="next" href="/tag/monitoring?page=2"' in text(first)
    third = client.get("/tag/monitoring?page=3")
    assert titles_on(third) == ["Tagged 0"]
    assert "<title>Tag: Monitoring, page 3" in text(third)
    assert client.get("/tag/monitoring?page=4").status_code == 404


def test_the_statement_page_links_its_tags_in_order(tagged, client):
    html = text(client.get("/statements/newer"))
    assert re.search(
        r"Tags: <a href=\"/tag/elections\" rel=\"tag\">Elections</a>, "
        r"<a href=\"/tag/press-freedom\" rel=\"tag\">Press freedom &amp; media</a>",
        html,
    )
    assert "Tags:" not in text(client.get("/statements/untagged"))


def test_tag_pages_in_armenian_and_russian(tagged, client):
    armenian = client.get("/hy/tag/elections")
    assert armenian.status_code == 200
    assert '<html lang="hy"' in text(armenian)
    assert titles_on(armenian) == ["Newer election", "Older election"]
    assert "Tag: Elections" not in text(armenian)  # the heading is translated
    russian = text(client.get("/ru/statements/newer"))
    assert 'href="/ru/tag/elections"' in russian and "Tags:" not in russian
    assert client.get("/ru/tag/elections/feed.atom").status_code == 200


def test_the_tag_feed_holds_its_public_statements(tagged, client):
    response = client.get("/tag/elections/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = text(response)
    assert feed.count("<entry>") == 2
    assert "Newer election" in feed and "Older election" in feed
    assert "A draft" not in feed and "Coming" not in feed
    assert '<title type="text">Tag: Elections · Test Rights Site</title>' in feed


def test_a_renamed_tag_shows_at_once_on_cached_pages(tagged, client):
    assert "Elections" in text(client.get("/statements/older"))
    assert "Elections" in text(client.get("/tag/elections"))
    with tagged.app_context():
        found = db.session.scalar(db.select(Tag).where(Tag.slug == "elections"))
        found.name = "Votes"
        db.session.commit()
    assert ">Votes</a>" in text(client.get("/statements/older"))
    assert "<h1>Tag: Votes</h1>" in text(client.get("/tag/elections"))


def test_tagging_a_statement_lists_it_on_the_cached_tag_page(tagged, client):
    assert "Untagged" not in titles_on(client.get("/tag/elections"))
    tag(tagged, ["untagged"], ("Elections", "elections"))
    assert "Untagged" in titles_on(client.get("/tag/elections"))


def test_editors_give_tags_by_name_in_the_editor(app, client):
    editor = signed_in(app, app.test_client(), "editor")
    form = {
        "title": "Tagged in the editor",
        "slug": "tagged-in-the-editor",
        "date": "2023-09-19",
        "body": "Text.",
        "language": "en",
        "status": "published",
        "comments_open": "y",
        "tags": "Elections,  press freedom , elections",
        "save": "Save",
    }
    saved = editor.post("/admin/statements/new", data=form)
    assert saved.status_code == 303
    editing = text(editor.get(saved.headers["Location"]))
    assert 'value="Elections, press freedom"' in editing
    page = text(client.get("/statements/tagged-in-the-editor"))
    assert 'href="/tag/elections"' in page and 'href="/tag/press-freedom"' in page
    # The same name in another case is the same tag.
    form |= {"title": "Second", "slug": "second", "tags": "ELECTIONS"}
    assert editor.post("/admin/statements/new", data=form).status_code == 303
    assert titles_on(client.get("/tag/elections")) == [
        "Second",
        "Tagged in the editor",
    ]


def test_the_sitemap_lists_tags_with_public_statements(tagged, client, make_statement):
    make_statement(title="Draft only", slug="draft-only", status="draft")
    tag(tagged, ["draft-only"], ("Hidden", "hidden"))
    sitemap = text(client.get("/sitemap.xml"))
    for prefix in ("", "/hy", "/ru"):
        assert f"<loc>http://localhost{prefix}/tag/elections</loc>" in sitemap
    assert "/tag/hidden" not in sitemap
    preview = text(client.get("/tag/press-freedom"))
    assert "Statements and appeals tagged “Press freedom &amp; media”" in preview
