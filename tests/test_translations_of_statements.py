"""Statements linked as translations of each other, through HTTP: the editor links
them, the import's `translation_of`, each page links its other versions, hreflang
alternates and the language switcher, lists in the page's language first, category
names in the page's language."""

from __future__ import annotations

import re
from html import unescape

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


def edit(editor, app, slug, **overrides):
    """Post the editor form of a stored statement with these changes."""
    statement = row(app, slug)
    data = statement_data(
        title=statement.title,
        slug=slug,
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
