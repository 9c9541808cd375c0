"""Imports and the shared authoring helpers on ordinary data: names matched by their
key on both databases, trails parent by parent, unique slugs, every problem of every
file reported, impossible dates named, Markdown in linear time, revision 0005."""

import multiprocessing
import time
import unicodedata
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from ngo import create_app
from ngo.authoring import (
    SUMMARY_LENGTH,
    category_for_trail,
    organisation_named,
    summarise,
    unique_slug,
)
from ngo.extensions import db
from ngo.models import Category, Organisation, Statement, name_key
from tests.conftest import _as_psycopg


def statement_file(tmp_path, name="s.md", slug="s", signatories=(), categories=()):
    """A valid statement file; signatories and categories as YAML list items."""
    lines = ["---", 'title: "A statement"', f"slug: {slug}", "date: 2024-03-01"]
    if signatories:
        lines += ["signatories:"] + [f'  - "{s}"' for s in signatories]
    if categories:
        lines += ["categories:"] + [f'  - "{c}"' for c in categories]
    path = tmp_path / name
    path.write_text("\n".join(lines + ["---", "The body.", ""]), encoding="utf-8")
    return path


def rows(app, model) -> list:
    """Every row of a model, detached."""
    with app.app_context():
        found = db.session.scalars(db.select(model).order_by(model.id)).all()
        db.session.expunge_all()
        return found


def test_name_key_folds_case_form_and_spaces():
    assert name_key("ՀԵԼՍԻՆԿՅԱՆ  Կոմիտե") == name_key("հելսինկյան կոմիտե")
    assert name_key("МЕМОРИАЛ") == name_key("Мемориал")
    assert name_key("Straße Fund") == name_key("STRASSE FUND")
    decomposed = unicodedata.normalize("NFD", "Café Libre")
    assert name_key(decomposed) == name_key("café libre")
    assert name_key("Rights") != name_key("Right")


ARMENIAN = [
    "Հելսինկյան Քաղաքացիական Ասամբլեայի Վանաձորի Գրասենյակ",
    "Правозащитный центр «Мемориал»",
]


def test_reimporting_armenian_and_cyrillic_signatories(runner, app, tmp_path):
    """SQLite's lower() folds ASCII only: the second import used to fail with
    UNIQUE constraint failed: organisation.name."""
    path = statement_file(tmp_path, signatories=ARMENIAN)
    for _ in range(2):
        result = runner.invoke(args=["import-statements", str(path)])
        assert result.exit_code == 0, result.output
    # The same names in other cases and spacing are the same organisations.
    other = statement_file(
        tmp_path,
        "t.md",
        slug="t",
        signatories=[" ".join(n.upper().split()) for n in ARMENIAN],
    )
    result = runner.invoke(args=["import-statements", str(other)])
    assert result.exit_code == 0, result.output
    assert [o.name for o in rows(app, Organisation)] == ARMENIAN


def test_a_trail_is_resolved_parent_by_parent(runner, app, tmp_path):
    """A new parent must not let the child match a top-level category of its name."""
    with app.app_context():
        category_for_trail(["Announcements"])
        db.session.commit()
    path = statement_file(tmp_path, categories=["Rights > Announcements"])
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statement = db.session.scalar(db.select(Statement))
        (link,) = statement.category_links
        assert link.category.name == "Announcements"
        assert link.category.parent.name == "Rights"
        assert link.category.parent.parent_id is None
        assert db.session.scalar(db.select(db.func.count(Category.id))) == 3


def test_every_slug_candidate_is_checked(runner, app, tmp_path):
    """ "announcements" and "rights-announcements" both taken: the next is -2."""
    with app.app_context():
        db.session.add(Category(name="Announcements", slug="announcements"))
        db.session.add(Category(name="Rights news", slug="rights-announcements"))
        db.session.commit()
    path = statement_file(tmp_path, categories=["Rights > Announcements"])
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        child = db.session.scalar(
            db.select(Category).where(Category.parent_id.is_not(None))
        )
        assert child.slug == "announcements-2"


def test_unique_slug_numbers_on_and_fits_the_column(app):
    with app.app_context():
        for slug in ("memorial", "memorial-2", "memorial-3"):
            db.session.add(Organisation(name=slug.upper(), slug=slug))
        db.session.commit()
        assert unique_slug(Organisation, "memorial") == "memorial-4"
        own = db.session.scalar(
            db.select(Organisation.id).where(Organisation.slug == "memorial")
        )
        assert unique_slug(Organisation, "memorial", own_id=own) == "memorial"
        long = "-".join(["word"] * 60)  # 299 characters
        made = []
        for _ in range(3):
            made.append(unique_slug(Category, long, prefix="rights"))
            db.session.add(Category(name=f"Long {len(made)}", slug=made[-1]))
        assert [len(slug) <= 200 for slug in made] == [True] * 3
        assert made[0].startswith("word-word") and not made[0].endswith("-")
        assert made[1].startswith("rights-word-word")
        assert made[2].endswith("-word-2")
        db.session.commit()  # fits VARCHAR(200) on PostgreSQL too


def test_the_database_refuses_two_names_with_one_key(app):
    """The keys are unique in the schema too; top-level categories included, where a
    NULL parent would slip through a plain unique constraint."""
    with app.app_context():
        organisation_named("Մեմորիալ")
        db.session.commit()
        db.session.add(Organisation(name="ՄԵՄՈՐԻԱԼ", slug="other"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Category(name="Rights", slug="rights"))
        db.session.commit()
        db.session.add(Category(name="RIGHTS", slug="rights-2"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        rights = db.session.scalar(db.select(Category))
        db.session.add(Category(name="Rights", slug="rights-rights", parent=rights))
        db.session.commit()  # the same name under another parent is fine


def test_a_bom_is_accepted(runner, app, tmp_path):
    path = statement_file(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 0, result.output
    assert [s.slug for s in rows(app, Statement)] == ["s"]


def test_every_problem_of_every_file_is_reported(runner, app, tmp_path):
    good = statement_file(tmp_path, "a.md", slug="good", signatories=["Org"])
    first = tmp_path / "b.md"
    first.write_text(
        "---\n"
        'title: "Two problems"\n'
        "date: 2023-02-30\n"
        "views: -1\n"
        "status: archived\n"
        "---\n"
        "Body\n"
    )
    second = tmp_path / "c.md"
    second.write_text("No front matter\n")
    third = tmp_path / "d.md"
    third.write_text('---\ntitle: "x"\ndate: 2024-01-01\nauthor: me\n---\nBody\n')
    result = runner.invoke(
        args=["import-statements", str(good), str(first), str(second), str(third)]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"{first}:3: 2023-02-30 is not a date: February has 28 days in 2023",
        f"{first}:4: views must be a whole number of 0 or more",
        f"{first}:5: status must be 'published' or 'draft'",
        f"{second}:1: the file must start with a '---' line of front matter",
        f"{third}:4: unknown key 'author'",
    ]
    assert lines[5] == "5 problem(s) in 3 file(s). Nothing was imported."
    assert rows(app, Statement) == [] and rows(app, Organisation) == []


@pytest.mark.parametrize(
    "value,reason",
    [
        ("2023-02-30", "2023-02-30 is not a date: February has 28 days in 2023"),
        ("2024-02-30", "2024-02-30 is not a date: February has 29 days in 2024"),
        ("2023-04-31", "2023-04-31 is not a date: April has 30 days"),
        ('"2023-13-01"', "2023-13-01 is not a date: a year has 12 months"),
    ],
)
def test_an_impossible_date_is_named(runner, app, tmp_path, value, reason):
    path = tmp_path / "d.md"
    path.write_text(f'---\ntitle: "x"\ndate: {value}\n---\nBody\n')
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: {reason}" in result.output


def test_markdown_python_markdown_took_minutes_on_imports_at_once(
    runner, app, tmp_path
):
    """Thousands of unmatched "[" took Python-Markdown minutes (the import stopped
    it after a time limit); markdown-it-py is linear, in this process."""
    odd = tmp_path / "odd.md"
    odd.write_text('---\ntitle: "Odd"\ndate: 2024-01-01\n---\n' + "[" * 5_000)
    good = statement_file(tmp_path)
    started = time.process_time()  # CPU time: others' load does not count
    result = runner.invoke(args=["import-statements", str(good), str(odd)])
    assert time.process_time() - started < 1
    assert result.exit_code == 0, result.output
    assert multiprocessing.active_children() == []
    bodies = [s.body for s in rows(app, Statement)]
    assert bodies[1] == "<p>" + "[" * 5_000 + "</p>"


# Summaries: sentence-aware, within SUMMARY_LENGTH.


@pytest.mark.parametrize(
    "html, summary",
    [
        (
            "<h2>Findings</h2><p>Detention conditions were poor</p>"
            "<ul><li>no doctor</li><li>no lawyer;</li><li>no light</li></ul>",
            "Findings. Detention conditions were poor. no doctor. no lawyer; no light.",
        ),
        ("<p>Ends well!</p><p>Asks?</p>", "Ends well! Asks?"),
        ("<p>“Quoted.”</p><p>(Bracketed.)</p>", "“Quoted.” (Bracketed.)"),
        (
            "<h2>Մեր առաջարկները</h2><p>Կոչ ենք անում։</p>",
            "Մեր առաջարկները։ Կոչ ենք անում։",
        ),
        ("<h3>О тренинге</h3><p>Приглашаем</p>", "О тренинге. Приглашаем."),
        (
            "<table><tr><th>Town</th><th>Visits</th></tr>"
            "<tr><td>Lorvan</td><td>4</td></tr></table>",
            "Town. Visits. Lorvan. 4.",
        ),
        ("<p>Line one<br>line two</p>", "Line one line two."),
        ("<p>A &amp; B <em>and</em> <a href='https://x.org'>C</a></p>", "A & B and C."),
        ("", ""),
    ],
)
def test_summaries_punctuate_headings_and_list_items(html, summary):
    assert summarise(html) == summary


def test_a_long_summary_ends_at_a_sentence_within_the_length():
    first = "The organisations call for the release of three journalists. "
    html = f"<p>{first * 4}</p><p>{'More words follow here. ' * 20}</p>"
    summary = summarise(html)
    assert len(summary) <= SUMMARY_LENGTH
    assert summary.endswith("journalists. …") or summary.endswith("here. …")
    assert summary.startswith(first.strip())


def test_a_summary_is_never_cut_just_after_a_heading():
    html = "<p>" + "word " * 50 + "end.</p><h2>Next section</h2><p>" + "x " * 200
    summary = summarise(html)
    assert "Next section. …" not in summary
    assert summary.endswith("…") and len(summary) <= SUMMARY_LENGTH


def test_a_long_sentence_is_cut_between_words():
    text = ", ".join(["detention conditions"] * 40) + "."
    summary = summarise(f"<p>{text}</p>")
    assert len(summary) <= SUMMARY_LENGTH and summary.endswith("…")
    kept = summary[:-1]
    assert text.startswith(kept) and text[len(kept)] in " ,"  # a whole word
    assert not kept.endswith(",")


def test_one_endless_word_is_cut_within_the_length():
    summary = summarise("<p>" + "a" * 1000 + "</p>")
    assert summary == "a" * (SUMMARY_LENGTH - 1) + "…"


def test_imported_statements_get_sentence_aware_summaries(runner, app, tmp_path):
    path = tmp_path / "s.md"
    path.write_text(
        '---\ntitle: "A"\ndate: 2024-03-01\n---\n## Findings\n\n'
        "Detention conditions\n\n- first\n- second\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 0, result.output
    assert rows(app, Statement)[0].summary == (
        "Findings. Detention conditions. first. second."
    )


# Revision 0005_name_keys on a database that has rows from before it.


@pytest.fixture
def scratch_url(tmp_path, postgres_url):
    """An empty database of its own: a SQLite file, or a new PostgreSQL database."""
    if not postgres_url:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    base = sa.make_url(_as_psycopg(postgres_url))
    name = f"ngo_scratch_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def at_0004_with(url, organisations, categories):
    """An app whose database stands at 0004 and holds these rows."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0004_page_revisions")
        with db.engine.begin() as conn:
            for number, name in enumerate(organisations, start=1):
                conn.execute(
                    sa.text("INSERT INTO organisation (slug, name) VALUES (:s, :n)"),
                    {"s": f"org-{number}", "n": name},
                )
            for number, (name, parent) in enumerate(categories, start=1):
                conn.execute(
                    sa.text(
                        "INSERT INTO category (slug, name, parent_id, position) "
                        "VALUES (:s, :n, :p, 0)"
                    ),
                    {"s": f"cat-{number}", "n": name, "p": parent},
                )
    return app


def test_revision_0005_fills_the_keys(scratch_url):
    app = at_0004_with(
        scratch_url,
        ["Մեմորիալ", "Article 3  Club"],
        [("Իրավունքներ", None), ("Rights", None), ("rights", 1)],
    )
    with app.app_context():
        upgrade()
        assert [o.name_key for o in db.session.scalars(db.select(Organisation))] == [
            "մեմորիալ",
            "article 3 club",
        ]
        assert sorted(db.session.scalars(db.select(Category.name_key))) == [
            "rights",
            "rights",
            "իրավունքներ",
        ]
        # The key finds what lower() on SQLite did not.
        assert organisation_named("ՄԵՄՈՐԻԱԼ").slug == "org-1"
        db.engine.dispose()


def test_revision_0005_refuses_clashing_names_and_changes_nothing(scratch_url, capfd):
    app = at_0004_with(
        scratch_url,
        ["Մեմորիալ", "ՄԵՄՈՐԻԱԼ", "Other"],
        [("Rights", None), ("RIGHTS", None), ("Rights", 1)],
    )
    with app.app_context():
        with pytest.raises(SystemExit):  # flask_migrate logs the error and exits 1
            upgrade()
        assert (
            "  organisation 1 (org-1: 'Մեմորիալ') and 2 (org-2: 'ՄԵՄՈՐԻԱԼ')\n"
            "  category 1 (cat-1: 'Rights') and 2 (cat-2: 'RIGHTS')\n"
            "Rename or merge them in the admin"
        ) in capfd.readouterr().err
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("organisation")}
        assert "name_key" not in columns
        with db.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            assert version.scalar() == "0004_page_revisions"
        db.engine.dispose()


def test_a_name_saved_by_someone_else_meanwhile_stops_the_import_cleanly(
    runner, app, tmp_path, monkeypatch
):
    with app.app_context():
        organisation_named("Մեմորիալ")
        db.session.commit()
    # As if it was saved between the import's look-up and its commit.
    monkeypatch.setattr(
        "ngo.authoring.Catalogue._read_organisations",
        lambda self, keys: self._organisations.update(dict.fromkeys(keys)),
    )
    path = statement_file(tmp_path, signatories=["ՄԵՄՈՐԻԱԼ"])
    result = runner.invoke(args=["import-statements", str(path)])
    assert result.exit_code == 1
    assert "The database refused the import" in result.output
    assert "Nothing was imported" in result.output
    assert rows(app, Statement) == []
