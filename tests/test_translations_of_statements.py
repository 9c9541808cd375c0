"""Statements linked as translations of each other, through HTTP: the editor links
them, the import's `translation_of`, each page links its other versions, hreflang
alternates and the language switcher, lists in the page's language first, category
names in the page's language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from ngo.extensions import db
from ngo.models import AuditLog, Category, Statement
from tests.staff import text_of
from tests.test_admin_statements import statement_data

PREFIX = {"hy": "/hy", "en": "", "ru": "/ru"}
NAMES = {"hy": "Հայերեն", "en": "English", "ru": "Русский"}


def row(app, slug) -> Statement:
    """A statement as stored, outside any request."""
    with app.app_context():
        return db.session.scalar(db.select(Statement).where(Statement.slug == slug))


def group_of(app, slug) -> int | None:
    """The statement's translation group as stored."""
    return row(app, slug).translation_group


def link(app, slug, to_slug) -> None:
    """Put the statement in the other's group, as the editor and import do."""
    from ngo.translation_groups import link as link_statements

    with app.app_context():
        statement, target = (
            db.session.scalar(db.select(Statement).where(Statement.slug == s))
            for s in (slug, to_slug)
        )
        link_statements(statement, target)
        db.session.commit()


def edit(editor, app, current, **overrides):
    """Post the editor form of a stored statement with these changes."""
    statement = row(app, current)
    data = statement_data(
        title=statement.title,
        slug=current,
        language=statement.language,
        body="Text.",
        date=statement.published_at.date().isoformat(),
        status=statement.status,
    )
    return editor.post(f"/admin/statements/{statement.id}/edit", data=data | overrides)


# --- the editor ---------------------------------------------------------------


def test_the_editor_links_a_translation_and_shows_the_translations(
    app, editor, make_statement
):
    make_statement(title="Free the journalists", slug="free", language="en")
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            title="Ազատե՛ք լրագրողներին",
            slug="azatek",
            language="hy",
            translation_of="free",
        ),
    )
    assert response.status_code == 303
    assert group_of(app, "free") == group_of(app, "azatek") is not None
    # A whole address pasted works as well as a slug.
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            title="Освободите журналистов",
            slug="osvobodite",
            language="ru",
            translation_of="https://example.org/hy/statements/azatek?x=1#top",
        ),
    )
    assert response.status_code == 303
    assert group_of(app, "osvobodite") == group_of(app, "free")

    page = editor.get(f"/admin/statements/{row(app, 'free').id}/edit")
    html = page.get_data(as_text=True)
    # The other versions, by language name written in that language.
    links = re.findall(
        r'<a href="/admin/statements/(\d+)/edit" lang="(\w+)">([^<]+)', html
    )
    assert {(lang, name) for _, lang, name in links} == {
        ("hy", "Հայերեն"),
        ("ru", "Русский"),
    }
    assert "Translations:" in text_of(page)
    # The language select offers the three languages, each named in itself.
    options = re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]+)</option>', html)
    assert {value: name for value, name in options if value in NAMES} == NAMES
    with app.app_context():
        audit = db.session.scalars(
            db.select(AuditLog.details).where(AuditLog.action == "statement.create")
        ).all()
    assert audit


def test_two_statements_of_one_language_in_a_group_is_an_error(
    app, editor, make_statement
):
    make_statement(title="Original", slug="original", language="en")
    make_statement(title="Հայերեն տարբերակ", slug="hayeren", language="hy")
    link(app, "hayeren", "original")
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            title="Another Armenian one",
            slug="erkrord",
            language="hy",
            translation_of="original",
            body="Typed text that must stay.",
        ),
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "“Հայերեն տարբերակ” is already the Armenian version" in unescape(text)
    assert "Typed text that must stay." in response.get_data(as_text=True)
    assert row(app, "erkrord") is None
    # Unknown slugs and the statement itself are errors too.
    response = edit(editor, app, "original", translation_of="no-such-statement")
    assert response.status_code == 422
    assert "There is no statement with the slug" in unescape(text_of(response))
    response = edit(editor, app, "original", translation_of="original")
    assert response.status_code == 422
    assert "cannot be a translation of itself" in text_of(response)


def test_unlinking_leaves_the_others_linked_or_alone(app, editor, make_statement):
    for slug, language in (("first", "en"), ("second", "hy"), ("third", "ru")):
        make_statement(title=slug, slug=slug, language=language)
    link(app, "second", "first")
    link(app, "third", "first")
    # The group's first statement leaves: the other two stay together.
    response = edit(editor, app, "first", translation_of="")
    assert response.status_code == 303
    assert group_of(app, "first") is None
    assert group_of(app, "second") == group_of(app, "third") is not None
    # The group now has the number of one of its own statements.
    assert group_of(app, "second") in (row(app, "second").id, row(app, "third").id)
    # A group of one is none.
    response = edit(editor, app, "third", translation_of="")
    assert response.status_code == 303
    assert group_of(app, "second") is None and group_of(app, "third") is None
    # First again joins a new group: the old number never brings the others back.
    assert edit(editor, app, "first", translation_of="second").status_code == 303
    assert group_of(app, "first") == group_of(app, "second") != group_of(app, "third")


def test_add_a_translation_starts_from_the_original(app, editor, make_statement):
    make_statement(
        title="Original",
        slug="original",
        categories=["Rights"],
        signatories=["Peace Dialogue", "Article 3 Club"],
    )
    html = editor.get("/admin/statements/new?translation_of=original").get_data(
        as_text=True
    )
    assert re.search(r'id="translation_of"[^>]*value="original"', html) or re.search(
        r'value="original"[^>]*id="translation_of"', html
    )
    assert "Peace Dialogue\nArticle 3 Club" in html


def test_the_category_form_takes_names_in_armenian_and_russian(app, editor):
    response = editor.post(
        "/admin/categories/new",
        data={
            "name": "Rights",
            "name_hy": "Իրավունքներ",
            "name_ru": "Права",
            "slug": "",
            "parent": "0",
            "position": "0",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        category = db.session.scalar(db.select(Category))
        assert category.name_translations == {"hy": "Իրավունքներ", "ru": "Права"}
        category_id = category.id
    page = editor.get(f"/admin/categories/{category_id}/edit")
    html = page.get_data(as_text=True)
    assert "Name in Armenian" in html and "Name in Russian" in html
    assert 'value="Права"' in html
    # The default language's name is `name` itself: no field of its own.
    assert "Name in English" not in html
    response = editor.post(
        f"/admin/categories/{category_id}/edit",
        data={
            "name": "Rights",
            "name_hy": "Իրավունքներ",
            "name_ru": "",
            "slug": "rights",
            "parent": "0",
            "position": "0",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Category, category_id).name_translations == {
            "hy": "Իրավունքներ"
        }
        details = db.session.scalars(
            db.select(AuditLog.details).where(AuditLog.action == "category.update")
        ).all()
    assert any("name (ru): Права → (empty)" in d for d in details)


# --- the statement page: its other versions, hreflang, the switcher -----------


def three_versions(app, make_statement, **fields):
    """One statement in English, Armenian and Russian, linked; their slugs."""
    slugs = {
        "en": make_statement(title="Free the journalists", slug="free", **fields),
        "hy": make_statement(
            title="Ազատե՛ք լրագրողներին", slug="azatek", language="hy", **fields
        ),
        "ru": make_statement(
            title="Освободите журналистов", slug="osvobodite", language="ru", **fields
        ),
    }
    link(app, "azatek", "free")
    link(app, "osvobodite", "azatek")
    return slugs


def address(language, slug) -> str:
    """A statement's address in its own language."""
    return f"{PREFIX[language]}/statements/{slug}"


def versions_linked(html) -> dict[str, tuple[str, str]]:
    """The page's links to its other versions: language → (address, text)."""
    found = re.search(r'<p class="[^"]*statement__translations">(.*?)</p>', html, re.S)
    if found is None:
        return {}
    return {
        lang: (href, text)
        for href, lang, text in re.findall(
            r'<a href="([^"]+)" rel="alternate" hreflang="\w+" lang="(\w+)">'
            r"([^<]+)</a>",
            found.group(1),
        )
    }


def hreflang(html) -> dict[str, str]:
    """The head's alternates: hreflang → address (absolute, on the test client's
    host; given here as paths)."""
    found = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
    )
    assert all(href.startswith("http://localhost/") for _, href in found), found
    return {lang: href.removeprefix("http://localhost") for lang, href in found}


def switcher(html) -> dict[str, str]:
    """Where the language switcher goes: language → address."""
    nav = re.search(r'<nav class="languages".*?</nav>', html, re.S).group(0)
    return {
        lang: unescape(href)
        for href, lang in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav)
    }


def test_each_version_links_the_other_two_and_the_switcher_lands_on_them(
    app, client, make_statement
):
    slugs = three_versions(app, make_statement)
    titles = {
        "en": "Free the journalists",
        "hy": "Ազատե՛ք լրագրողներին",
        "ru": "Освободите журналистов",
    }
    for language, slug in slugs.items():
        for page_language in PREFIX:  # the same statement read in every interface
            response = client.get(f"{PREFIX[page_language]}/statements/{slug}")
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            # The other two, each named in its own language, at its own address.
            assert versions_linked(html) == {
                other: (address(other, slugs[other]), NAMES[other])
                for other in PREFIX
                if other != language
            }
            # hreflang: each version at its own address; the default as x-default.
            expected = {code: address(code, s) for code, s in slugs.items()}
            assert hreflang(html) == expected | {"x-default": expected["en"]}
            # The switcher goes to the version in that language.
            assert switcher(html) == expected
    # Following the switcher lands on the translation, in its language.
    html = client.get("/statements/free").get_data(as_text=True)
    for language, href in switcher(html).items():
        landed = client.get(href)
        assert landed.status_code == 200
        page = landed.get_data(as_text=True)
        assert f'<html lang="{language}"' in page
        assert (
            re.search(r'<h1 id="statement-title"[^>]*>([^<]+)</h1>', page).group(1)
            == (titles[language])
        )


def test_without_a_russian_version_the_switcher_goes_to_the_russian_list(
    app, client, make_statement
):
    make_statement(title="Free the journalists", slug="free")
    make_statement(title="Ազատե՛ք լրագրողներին", slug="azatek", language="hy")
    make_statement(title="Свобода собраний", slug="svoboda", language="ru")
    link(app, "azatek", "free")
    html = client.get("/statements/free").get_data(as_text=True)
    links = switcher(html)
    assert links["hy"] == "/hy/statements/azatek"
    assert links["ru"] == "/ru/statements?untranslated=free"
    assert set(versions_linked(html)) == {"hy"}
    assert set(hreflang(html)) == {"en", "hy", "x-default"}

    landed = client.get(links["ru"])
    assert landed.status_code == 200
    page = landed.get_data(as_text=True)
    assert '<html lang="ru"' in page
    # A short note above the list names the statement, marked in its language.
    note = re.search(r'<p class="list-note">(.*?)</p>', page, re.S)
    assert note is not None
    assert '<cite lang="en">Free the journalists</cite>' in note.group(1)
    assert page.index('class="list-note"') < page.index('class="statement-list"')
    # The list is the Russian one: the Russian statement first.
    cards = re.findall(r'class="statement-card__title"><a href="([^"]+)"', page)
    assert cards[0] == "/ru/statements/svoboda"
    # No note for a statement that has a version here, or that does not exist.
    for slug in ("azatek", "no-such-statement"):
        other = client.get(f"/hy/statements?untranslated={slug}")
        assert other.status_code == 200
        assert 'class="list-note"' not in other.get_data(as_text=True)


def test_a_draft_translation_is_not_linked(app, client, make_statement):
    make_statement(title="Free the journalists", slug="free")
    make_statement(title="Черновик", slug="chernovik", language="ru", status="draft")
    link(app, "chernovik", "free")
    html = client.get("/statements/free").get_data(as_text=True)
    assert versions_linked(html) == {}
    assert switcher(html)["ru"] == "/ru/statements?untranslated=free"
    assert client.get("/ru/statements/chernovik").status_code == 404


def test_the_cached_page_follows_its_translations(
    app, editor, make_statement, count_queries
):
    """Linked, published, renamed, unpublished, unlinked: the page already cached
    (a reader without cookies gets it from the page cache) changes each time."""
    reader = app.test_client()
    make_statement(title="Free the journalists", slug="free")

    def linked():
        response = reader.get("/statements/free")
        assert response.status_code == 200
        with count_queries() as queries:
            again = reader.get("/statements/free")
        assert len(queries) == 1  # the cached page: its head row only
        found = versions_linked(response.get_data(as_text=True))
        assert versions_linked(again.get_data(as_text=True)) == found
        return found

    assert linked() == {}
    response = editor.post(
        "/admin/statements/new",
        data=statement_data(
            title="Ազատե՛ք լրագրողներին",
            slug="azatek",
            language="hy",
            translation_of="free",
            status="draft",
        ),
    )
    assert response.status_code == 303
    assert linked() == {}  # a draft is not linked
    published = edit(editor, app, "azatek", translation_of="free", status="published")
    assert published.status_code == 303
    assert linked() == {"hy": ("/hy/statements/azatek", "Հայերեն")}
    assert (
        edit(editor, app, "azatek", slug="azatek-2", translation_of="free").status_code
        == 303
    )
    assert linked() == {"hy": ("/hy/statements/azatek-2", "Հայերեն")}
    assert (
        edit(editor, app, "azatek-2", status="draft", translation_of="free").status_code
        == 303
    )
    assert linked() == {}
    assert (
        edit(
            editor, app, "azatek-2", status="published", translation_of="free"
        ).status_code
        == 303
    )
    assert linked() == {"hy": ("/hy/statements/azatek-2", "Հայերեն")}
    assert edit(editor, app, "azatek-2", translation_of="").status_code == 303
    assert linked() == {}


# --- the import -----------------------------------------------------------------


def markdown(title, slug, language, translation_of=None, date="2024-01-01"):
    """A statement file of the import format."""
    extra = f"translation_of: {translation_of}\n" if translation_of else ""
    return (
        f'---\ntitle: "{title}"\nslug: {slug}\ndate: {date}\nlanguage: {language}\n'
        f"{extra}---\nText.\n"
    )


def test_the_import_links_translations_in_the_run_and_in_the_database(
    runner, app, tmp_path, make_statement
):
    make_statement(title="Stored", slug="stored")
    files = {
        "a.md": markdown("Ազատե՛ք", "azatek", "hy", translation_of="free"),
        "b.md": markdown("Free", "free", "en"),
        "c.md": markdown("Освободите", "osvobodite", "ru", translation_of="azatek"),
        "d.md": markdown("Хранимое", "khranimoe", "ru", translation_of="stored"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = runner.invoke(
        args=["import-statements", *(str(tmp_path / name) for name in files)]
    )
    assert result.exit_code == 0, result.output
    group = group_of(app, "free")
    assert group is not None
    assert group_of(app, "azatek") == group_of(app, "osvobodite") == group
    assert group_of(app, "khranimoe") == group_of(app, "stored") != group
    # Imported again, nothing changes.
    result = runner.invoke(
        args=["import-statements", *(str(tmp_path / name) for name in files)]
    )
    assert result.exit_code == 0, result.output
    assert group_of(app, "osvobodite") == group


@pytest.mark.parametrize(
    "files, line, reason",
    [
        (
            {"a.md": markdown("Ազատե՛ք", "azatek", "hy", translation_of="nowhere")},
            6,
            "translation_of: no statement has the slug 'nowhere'",
        ),
        (
            {
                "a.md": markdown("Free", "free", "en"),
                "b.md": markdown("Ազատե՛ք", "azatek", "hy", translation_of="free"),
                "c.md": markdown("Ազատե՛ք 2", "azatek-2", "hy", translation_of="free"),
            },
            6,
            "is already the 'hy' version of 'free'",
        ),
        (
            {"a.md": markdown("Free", "free", "en", translation_of="free")},
            6,
            "a statement cannot be a translation of itself",
        ),
    ],
)
def test_a_bad_translation_of_names_file_and_line_and_imports_nothing(
    runner, app, tmp_path, files, line, reason
):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = runner.invoke(
        args=["import-statements", *(str(tmp_path / name) for name in files)]
    )
    assert result.exit_code == 1
    assert f":{line}: " in result.output and reason in result.output
    assert "Nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Statement.id))) == 0


# --- lists in the page's language -------------------------------------------


def cards(client, path) -> list[str]:
    """The addresses of a list's statements, in order."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    lead = re.findall(r'class="lead-statement__title"><a href="([^"]+)"', html)
    return lead + re.findall(r'class="statement-card__title"><a href="([^"]+)"', html)


@pytest.fixture
def mixed(make_statement):
    """Statements in three languages, the newest first: en, ru, hy, en, hy."""
    day = iter(range(28, 0, -1))

    def make(slug, language, **fields):
        return make_statement(
            slug=slug,
            language=language,
            published_at=datetime(2024, 5, next(day), tzinfo=UTC),
            categories=["Rights"],
            signatories=["Peace Dialogue"],
            **fields,
        )

    for slug, language in (
        ("en-1", "en"),
        ("ru-1", "ru"),
        ("hy-1", "hy"),
        ("en-2", "en"),
        ("hy-2", "hy"),
    ):
        make(slug, language)


def test_lists_show_the_page_language_first_then_the_others(app, client, mixed):
    armenian_first = [
        "/hy/statements/hy-1",
        "/hy/statements/hy-2",
        "/statements/en-1",
        "/ru/statements/ru-1",
        "/statements/en-2",
    ]
    for path in ("/hy/", "/hy/statements", "/hy/category/rights"):
        assert cards(client, path) == armenian_first, path
    assert cards(client, "/hy/organisations/peace-dialogue") == armenian_first
    assert cards(client, "/ru/statements")[:2] == [
        "/ru/statements/ru-1",
        "/statements/en-1",
    ]
    assert cards(client, "/statements")[:3] == [
        "/statements/en-1",
        "/statements/en-2",
        "/ru/statements/ru-1",
    ]


def test_pages_of_a_list_run_on_from_one_language_to_the_others(app, client, mixed):
    app.config["STATEMENTS_PER_PAGE"] = 3
    assert cards(client, "/hy/statements") == [
        "/hy/statements/hy-1",
        "/hy/statements/hy-2",
        "/statements/en-1",
    ]
    assert cards(client, "/hy/statements?page=2") == [
        "/ru/statements/ru-1",
        "/statements/en-2",
    ]
    assert client.get("/hy/statements?page=3").status_code == 404


def test_a_statement_is_listed_once_in_the_page_language_where_it_can(
    app, client, make_statement
):
    slugs = three_versions(app, make_statement)
    make_statement(title="Alone", slug="alone")
    assert cards(client, "/ru/statements") == [
        address("ru", slugs["ru"]),
        "/statements/alone",
    ]
    assert cards(client, "/statements") == ["/statements/alone", "/statements/free"]


def test_other_languages_hidden(app, client, mixed):
    app.config["OTHER_LANGUAGES"] = "hidden"
    assert cards(client, "/hy/") == ["/hy/statements/hy-1", "/hy/statements/hy-2"]
    assert cards(client, "/hy/statements") == [
        "/hy/statements/hy-1",
        "/hy/statements/hy-2",
    ]
    assert cards(client, "/ru/category/rights") == ["/ru/statements/ru-1"]
    assert cards(client, "/statements") == ["/statements/en-1", "/statements/en-2"]


# --- category names in the page's language -----------------------------------


def test_category_names_in_the_page_language(app, editor, make_statement):
    reader = app.test_client()
    make_statement(title="Free", slug="free", categories=["Rights > Right to life"])
    with app.app_context():
        categories = {c.name: c for c in db.session.scalars(db.select(Category))}
        categories["Rights"].name_translations = {"hy": "Իրավունքներ", "ru": "Права"}
        categories["Right to life"].name_translations = {"ru": "Право на жизнь"}
        db.session.commit()
        rights_id = categories["Rights"].id

    def names(path) -> dict[str, list[str]]:
        html = reader.get(path).get_data(as_text=True)
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        trail = re.search(r'<p class="trail">.*?</p>', html, re.S)
        return {
            "nav": re.findall(r'/category/[^"]+"[^>]*>([^<]+)</a>', nav),
            "trail": re.findall(r">([^<]+)</a>", trail.group(0)) if trail else [],
            "h1": re.findall(r"<h1[^>]*>([^<]+)</h1>", html),
        }

    assert names("/ru/statements/free")["trail"] == ["Права", "Право на жизнь"]
    # A name missing in a language reads the name as entered.
    assert names("/hy/statements/free")["trail"] == ["Իրավունքներ", "Right to life"]
    assert names("/statements/free")["trail"] == ["Rights", "Right to life"]
    assert names("/hy/category/right-to-life")["h1"] == ["Right to life"]
    front = reader.get("/ru/").get_data(as_text=True)
    section = re.search(r'<section class="front-categories".*?</section>', front, re.S)
    assert "Права" in section.group(0) and "Право на жизнь" in section.group(0)
    assert names("/ru/category/rights")["h1"] == ["Права"]
    assert names("/ru/category/rights")["nav"] == ["Права"]
    # A name changed in the admin shows on pages already cached.
    response = editor.post(
        f"/admin/categories/{rights_id}/edit",
        data={
            "name": "Rights",
            "name_hy": "Մարդու իրավունքներ",
            "name_ru": "Права человека",
            "slug": "rights",
            "parent": "0",
            "position": "0",
        },
    )
    assert response.status_code == 303
    assert names("/hy/statements/free")["nav"] == ["Մարդու իրավունքներ"]
    assert names("/ru/category/rights")["h1"] == ["Права человека"]
