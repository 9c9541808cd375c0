"""Search through HTTP, on SQLite (FTS5) and PostgreSQL: the demo's statements found
by phrases of their text in English, Armenian and Russian, ranking, drafts never
found, the index in step with edits, unpublishing, deletion and renames, hostile
queries answered with a page of the site, snippets escaped, pages, the rebuild
command, the generator, and the header's search box on every page."""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import text

from ngo.extensions import db
from ngo.models import Category, Organisation, Statement
from tests.staff import text_of

SQL_ERROR = re.compile(
    r"Traceback|sqlite3|psycopg|OperationalError|ProgrammingError|syntax error|"
    r"fts5|tsquery|tsvector|SELECT ",
    re.I,
)


def search(client, query, prefix="", **params):
    """The search page for this query (quoted as a browser's form would)."""
    return client.get(f"{prefix}/search", query_string={"q": query, **params})


def found_slugs(response) -> list[str]:
    """The statements a results page links, in order."""
    html = response.get_data(as_text=True)
    results = re.search(r'<ol class="[^"]*search-results[^"]*".*?</ol>', html, re.S)
    if results is None:
        return []
    return re.findall(r'href="(?:/\w\w)?/statements/([^"#?]+)"', results.group(0))


def summary_of(response) -> str:
    """The "N results for «q»" line."""
    found = re.search(
        r'<p class="search-summary">(.*?)</p>', response.get_data(as_text=True)
    )
    return found.group(1) if found else ""


@pytest.fixture
def demo(runner):
    """The demo statements (imported through the ORM, as any import)."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "phrase,slug",
    [
        (
            "four new residential institutions",
            "open-letter-independent-living-not-new-institutions",
        ),
        (
            "Environmental Defenders",
            "stop-intimidation-environmental-defenders-marrow-valley",
        ),
        ("հաշտեցման պարտադիր փուլը", "yntanekan-brnutyan-orenqi-poxoxutyunner"),
        ("Ընտանեկան բռնության", "yntanekan-brnutyan-orenqi-poxoxutyunner"),
        (
            "обжаловать отказ или молчание органа",
            "trening-pravo-na-dostup-k-informatsii",
        ),
        ("ДОСТУП К ИНФОРМАЦИИ", "trening-pravo-na-dostup-k-informatsii"),
        ("гражданских наблюдателей", "munitsipalnye-vybory-2025-predvaritelnye-vyvody"),
    ],
)
def test_phrases_of_real_statements_are_found_in_each_language(
    client, demo, phrase, slug
):
    for prefix in ("", "/hy", "/ru"):
        response = search(client, phrase, prefix)
        assert response.status_code == 200
        assert slug in found_slugs(response), (prefix, phrase)
        assert "<mark>" in response.get_data(as_text=True)


def test_the_results_page_is_in_each_language_and_not_indexed(client, demo):
    for prefix, lang in (("", "en"), ("/hy", "hy"), ("/ru", "ru")):
        response = search(client, "elections", prefix)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in html
        assert '<meta name="robots" content="noindex">' in html
        assert 'rel="canonical"' not in html
        assert response.headers["X-Robots-Tag"] == "noindex"
        # The page's own form and the pager stay in the page's language.
        assert f'action="{prefix}/search"' in html


def test_a_title_match_ranks_above_a_body_match(client, make_statement):
    make_statement(
        title="Appeal about the harbour",
        body="<p>The word quillwort appears in this body only, quillwort.</p>",
        slug="in-body",
    )
    make_statement(title="Quillwort meadows must be protected", slug="in-title")
    make_statement(title="Nothing to do with it", slug="elsewhere")
    response = search(client, "quillwort")
    assert found_slugs(response) == ["in-title", "in-body"]
    assert summary_of(response) == "2 results for «quillwort»"


def test_statements_in_the_page_language_come_first(client, make_statement):
    make_statement(title="Marrowfield appeal", language="en", slug="english")
    make_statement(title="Marrowfield обращение", language="ru", slug="russian")
    assert found_slugs(search(client, "marrowfield")) == ["english", "russian"]
    assert found_slugs(search(client, "marrowfield", "/ru")) == ["russian", "english"]


def test_drafts_are_never_found(client, make_statement):
    make_statement(title="Gravelpit draft", status="draft", slug="draft")
    make_statement(
        title="Another", body="<p>gravelpit in a draft body</p>", status="draft"
    )
    response = search(client, "gravelpit")
    assert response.status_code == 200
    assert found_slugs(response) == []
    assert summary_of(response) == "0 results for «gravelpit»"


def statement_data(**overrides):
    """A complete editor form (as tests/test_admin_statements.py posts it)."""
    data = {
        "title": "Stop the detention of journalists",
        "slug": "",
        "date": "2023-09-19",
        "summary": "",
        "body": "We call for their **immediate** release.",
        "signatories": "Article 3 Club",
        "language": "en",
        "status": "published",
        "comments_open": "y",
        "save": "Save",
    }
    return data | overrides


def stored_id(app, slug) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Statement.id).where(Statement.slug == slug))


def test_the_index_follows_the_editor_edits_and_unpublishing(app, client, editor):
    created = editor.post(
        "/admin/statements/new",
        data=statement_data(title="Kestrelford hearing", slug="kestrelford"),
    )
    assert created.status_code == 303
    assert found_slugs(search(client, "kestrelford")) == ["kestrelford"]
    sid = stored_id(app, "kestrelford")
    edited = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            title="Hearing postponed",
            slug="kestrelford",
            body="The court in Wrenmoor postponed it.",
        ),
    )
    assert edited.status_code == 303
    assert found_slugs(search(client, "kestrelford")) == []
    assert found_slugs(search(client, "wrenmoor postponed")) == ["kestrelford"]
    unpublished = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            title="Hearing postponed",
            slug="kestrelford",
            body="The court in Wrenmoor postponed it.",
            status="draft",
        ),
    )
    assert unpublished.status_code == 303
    assert found_slugs(search(client, "wrenmoor")) == []
    republished = editor.post(
        f"/admin/statements/{sid}/edit",
        data=statement_data(
            title="Hearing postponed",
            slug="kestrelford",
            body="The court in Wrenmoor postponed it.",
        ),
    )
    assert republished.status_code == 303
    assert found_slugs(search(client, "wrenmoor")) == ["kestrelford"]


def test_the_index_follows_renamed_signatories_and_categories(
    app, client, editor, make_statement
):
    make_statement(
        title="Joint appeal",
        signatories=["Heronsgate Legal Aid"],
        categories=["Rights > Right to life"],
        slug="joint",
    )
    make_statement(
        title="Draft appeal", signatories=["Heronsgate Legal Aid"], status="draft"
    )
    assert found_slugs(search(client, "heronsgate")) == ["joint"]
    assert found_slugs(search(client, "right to life")) == ["joint"]
    with app.app_context():
        organisation = db.session.scalar(db.select(Organisation))
        category = db.session.scalar(
            db.select(Category).where(Category.name == "Right to life")
        )
        oid, cid, parent = organisation.id, category.id, category.parent_id
    renamed = editor.post(
        f"/admin/organisations/{oid}/edit", data={"name": "Stonebridge Legal Aid"}
    )
    assert renamed.status_code == 303
    assert found_slugs(search(client, "heronsgate")) == []
    assert found_slugs(search(client, "stonebridge")) == ["joint"]
    moved = editor.post(
        f"/admin/categories/{cid}/edit",
        data={
            "name": "Right to life",
            "name_ru": "Право на жизнь",
            "slug": "right-to-life",
            "parent": str(parent),
            "position": "0",
        },
    )
    assert moved.status_code == 303
    assert found_slugs(search(client, "право на жизнь", "/ru")) == ["joint"]
    # Its text is still found with its new names.
    assert found_slugs(search(client, "joint appeal stonebridge")) == ["joint"]


def test_a_deleted_statement_leaves_the_index(app, client, make_statement):
    make_statement(title="Larkspur appeal one", slug="one")
    make_statement(title="Larkspur appeal two", slug="two")
    assert sorted(found_slugs(search(client, "larkspur"))) == ["one", "two"]
    with app.app_context():
        db.session.delete(
            db.session.scalar(db.select(Statement).where(Statement.slug == "one"))
        )
        db.session.commit()
        # Deleted with SQL, behind the ORM's back: the database's own rule.
        db.session.execute(text("DELETE FROM statement WHERE slug = 'two'"))
        db.session.commit()
        remaining = db.session.execute(
            text("SELECT count(*) FROM statement_search")
        ).scalar()
    assert remaining == 0
    response = search(client, "larkspur")
    assert (
        found_slugs(response) == []
        and summary_of(response) == "0 results for «larkspur»"
    )


HOSTILE = [
    '"',
    "*",
    "AND",
    "NEAR(",
    ":",
    "!",
    "&",
    "|",
    '"unbalanced quote',
    'a" OR "b',
    "title: appeal",
    "{title summary}: appeal",
    "appeal*",
    "-appeal",
    "appeal NOT body",
    "NEAR(appeal body, 2)",
    "appeal & !body | x",
    "appeal <-> body",
    "'appeal':* & 'x'",
    "') OR 1=1 --",
    "\\",
    "'",
    "%",
    "_",
    "\x00",
    "appeal\x00body",
    "\x01\x1f\x7f",
    "😀",
    "😀 appeal 🏳️‍🌈",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "&lt;b&gt;",
    "a" * 100,
    " ".join(["appeal"] * 30),
    "x" * 10_000,
    "Ω" * 201,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_friendly_page(client, make_statement, query):
    make_statement(title="An appeal", body="<p>The body of an appeal.</p>")
    response = search(client, query)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400), query
    assert 'class="site-header"' in html
    assert 'name="q"' in html
    assert not SQL_ERROR.search(text_of(response)), query
    assert "<script>alert" not in html
    if "\x00" in query:  # the site answers NUL in any query with its 400 page
        assert response.status_code == 400
        assert "Bad request" in text_of(response)
    elif len(query.strip()) > 200:
        assert response.status_code == 400
        assert "characters long" in text_of(response)
        box = re.search(r'id="search-q"[^>]*value="([^"]*)"', html).group(1)
        assert len(box) == 200
    else:
        assert response.status_code == 200


def test_raw_bytes_in_the_address_get_a_friendly_page(client, make_statement):
    make_statement(title="An appeal")
    for raw in ("%FF%FE", "%C0%AF", "%ED%A0%80", "appeal%ZZ", "%F0%9F", "%E2%80%AE"):
        response = client.get(f"/search?q={raw}")
        assert response.status_code == 200, raw
        assert not SQL_ERROR.search(text_of(response))


def test_empty_and_sign_only_queries_get_the_form_and_a_note(client):
    for query in ("", "   ", None):
        response = client.get(
            "/search" if query is None else f"/search?q={quote(query)}"
        )
        assert response.status_code == 200
        assert "Type a word or a few" in text_of(response)
        assert 'id="search-q"' in response.get_data(as_text=True)
    response = search(client, "*** ??? !!!")
    assert response.status_code == 200
    assert "There are no words to look for" in text_of(response)


def test_snippets_and_titles_are_escaped_with_only_the_matches_marked(
    client, make_statement
):
    make_statement(
        title="<b>Bold</b> claims & quillon",
        body='<p>Never run &lt;script&gt;alert("quillon")&lt;/script&gt; here.</p>'
        "<p>Second &amp; last paragraph.</p>",
        slug="escaped",
    )
    response = search(client, "quillon")
    html = response.get_data(as_text=True)
    assert found_slugs(response) == ["escaped"]
    assert "&lt;b&gt;Bold&lt;/b&gt; claims &amp; <mark>quillon</mark>" in html
    assert "&lt;script&gt;alert(&#34;<mark>quillon</mark>&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>Bold" not in html
    # The query itself is escaped where the page repeats it.
    response = search(client, "<i>quillon</i>")
    html = response.get_data(as_text=True)
    assert "«&lt;i&gt;quillon&lt;/i&gt;»" in html and "<i>quillon" not in html


def test_a_snippet_shows_the_words_around_a_match_deep_in_the_body(
    client, make_statement
):
    filler = " ".join(f"word{n}" for n in range(400))
    make_statement(
        title="A long statement",
        body=f"<p>{filler} the Nightjar protest was dispersed. {filler}</p>",
    )
    snippet = re.search(
        r'class="search-results__snippet"[^>]*>(.*?)</p>',
        search(client, "nightjar").get_data(as_text=True),
        re.S,
    ).group(1)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "the <mark>Nightjar</mark> protest was dispersed." in snippet
    assert len(text_of_fragment(snippet)) < 400


def text_of_fragment(fragment: str) -> str:
    return re.sub(r"<[^>]+>", "", fragment)


def test_the_last_word_is_a_prefix_and_accents_and_case_are_folded(
    client, make_statement
):
    make_statement(title="Café society in Ёлкино", slug="cafe")
    make_statement(title="Ինչո՞ւ լռել", slug="armenian")
    assert found_slugs(search(client, "cafe soci")) == ["cafe"]
    assert found_slugs(search(client, "CAFÉ")) == ["cafe"]
    assert found_slugs(search(client, "елкино")) == ["cafe"]
    assert found_slugs(search(client, "ինչու")) == ["armenian"]
    # Only the last word: a finished word that is a prefix finds nothing.
    assert found_slugs(search(client, "caf society")) == []


def test_results_are_paginated_with_the_query_kept(client, make_statement):
    for number in range(23):
        make_statement(title=f"Sandpiper report {number}", slug=f"report-{number}")
    first = search(client, "sandpiper")
    assert summary_of(first) == "23 results for «sandpiper»"
    pages = [found_slugs(first)]
    html = first.get_data(as_text=True)
    assert "Page 1 of 3" in text_of(first)
    assert 'href="/search?q=sandpiper&amp;page=2"' in html
    for number in (2, 3):
        response = search(client, "sandpiper", page=number)
        assert response.status_code == 200
        pages.append(found_slugs(response))
    assert [len(p) for p in pages] == [10, 10, 3]
    assert sorted(sum(pages, [])) == sorted(f"report-{n}" for n in range(23))
    assert 'rel="prev" href="/search?q=sandpiper&amp;page=2"' in search(
        client, "sandpiper", page=3
    ).get_data(as_text=True)
    for bad in ("4", "0", "x", "-1", "9999999"):
        assert search(client, "sandpiper", page=bad).status_code == 404, bad


def test_past_the_ranked_window_older_matches_follow_newest_first(
    client, make_statement, monkeypatch
):
    """The newest RANK_WINDOW matches are ranked; a title match older than them
    comes after them, with the other older matches, newest first."""
    monkeypatch.setattr("ngo.search.engine.RANK_WINDOW", 3)
    monkeypatch.setattr("ngo.search.backends.RANK_WINDOW", 3)
    make_statement(title="Turnstone in the title", slug="oldest-title-match")
    for number in range(5):
        make_statement(
            title=f"Report {number}",
            body="<p>A turnstone was seen.</p>",
            slug=f"body-{number}",
        )
    make_statement(title="Turnstone again", slug="newest-title-match")
    response = search(client, "turnstone")
    assert found_slugs(response) == [
        "newest-title-match",  # the ranked three: the title match first
        "body-4",
        "body-3",
        "body-2",  # then the older ones, newest first
        "body-1",
        "body-0",
        "oldest-title-match",
    ]
    assert "The 3 newest of them are in order of relevance" in text_of(response)


def test_past_the_count_limit_the_page_says_more_than(
    client, make_statement, monkeypatch
):
    monkeypatch.setattr("ngo.search.engine.COUNT_LIMIT", 5)
    # Counted only when the ranked window is full (else its length is the count).
    monkeypatch.setattr("ngo.search.engine.RANK_WINDOW", 3)
    monkeypatch.setattr("ngo.search.backends.RANK_WINDOW", 3)
    for number in range(8):
        make_statement(title=f"Dunlin count {number}00")
    response = search(client, "dunlin")
    assert summary_of(response) == "More than 5 results for «dunlin»"
    assert len(found_slugs(response)) == 8  # the page is full as far as it goes
    assert (
        summary_of(search(client, "dunlin count 7")) == "1 result for «dunlin count 7»"
    )


def test_the_rebuild_command_fills_an_emptied_index(
    app, client, runner, make_statement
):
    make_statement(title="Wagtail appeal", slug="wagtail")
    make_statement(title="Wagtail draft", status="draft")
    with app.app_context():
        db.session.execute(text("DELETE FROM statement_search"))
        db.session.commit()
    assert found_slugs(search(client, "wagtail")) == []
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 1 published statements" in result.output
    assert found_slugs(search(client, "wagtail")) == ["wagtail"]
    # Again: the same index, nothing twice.
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert summary_of(search(client, "wagtail")) == "1 result for «wagtail»"


def test_the_generator_fills_the_index(client, runner):
    result = runner.invoke(args=["generate-demo", "--statements", "40"])
    assert result.exit_code == 0, result.output
    # Every generated statement is signed by generated organisations; one in
    # twenty is a draft.
    assert summary_of(search(client, "generated organisation")) == (
        "38 results for «generated organisation»"
    )
    assert found_slugs(search(client, "ընտրություններ", "/hy"))
    assert found_slugs(search(client, "информации", "/ru"))


def test_the_header_search_box_is_on_every_page(client, make_statement):
    slug = make_statement(categories=["Rights"], signatories=["Article 3 Club"])
    for prefix in ("", "/hy", "/ru"):
        for path in (
            "/",
            "/statements",
            f"/statements/{slug}",
            "/category/rights",
            "/organisations",
            "/organisations/article-3-club",
            "/search?q=statement",
            "/no-such-page",
        ):
            response = client.get(prefix + path)
            html = response.get_data(as_text=True)
            form = re.search(r'<form class="site-search"[^>]*>.*?</form>', html, re.S)
            assert form, (prefix, path)
            form = form.group(0)
            assert f'action="{prefix}/search"' in form and 'method="get"' in form
            assert 'role="search"' in form
            label = re.search(
                r'<label[^>]*for="site-search-q"[^>]*>([^<]+)</label>', form
            )
            assert re.search(r'<input id="site-search-q"[^>]*name="q"', form)
            button = re.search(r"<button[^>]*>([^<]+)</button>", form).group(1)
            if not prefix:
                assert (label.group(1), button) == ("Search statements", "Search")
            assert label.group(1).strip() and button.strip()


@pytest.mark.browser
def test_the_results_page_passes_axe_at_320_px_and_200_percent(
    live_server, page_factory, make_statement
):
    from tests.axe import axe_violations, describe

    for number in range(12):
        make_statement(
            title=f"Ptarmigan appeal {number}",
            body="<p>The ptarmigan &lt;case&gt; continues in court.</p>",
        )
    host = live_server.split("/")[2].split(":")[0]
    cookie = {"name": "ngo_a11y", "value": "fs:200", "domain": host, "path": "/"}
    # axe-core is a script: it runs with JavaScript on (with it off it never answers).
    page = page_factory(width=320, height=640)
    page.context.add_cookies([cookie])
    page.goto(f"{live_server}/search?q=ptarmigan")
    assert page.locator("mark").count() >= 12
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # The header's box, found by its name, searches without JavaScript.
    page = page_factory(javascript=False, width=320, height=640)
    page.context.add_cookies([cookie])
    page.goto(f"{live_server}/search?q=ptarmigan")
    page.get_by_role("searchbox", name="Search statements").fill("court ptarm")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name="Search").click()
    assert "12 results for «court ptarm»" in page.inner_text("main")
