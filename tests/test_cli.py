"""The command line: seed-demo and import-statements, as an editor uses them."""

import re
import shutil
from pathlib import Path

import pytest

from ngo import create_app
from ngo.extensions import db
from ngo.models import Category, Organisation, Statement

DATA = Path(__file__).parent / "data"
REAL = DATA / "real-statement.md"
BROWSER = {"User-Agent": "Mozilla/5.0 Firefox/128.0"}


def count(app, model) -> int:
    """Rows of a model in the database."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_seed_demo_is_idempotent_and_rich_enough(runner, app, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    statements, categories, organisations = (
        count(app, m) for m in (Statement, Category, Organisation)
    )
    assert statements >= 8 and categories >= 8 and organisations >= 12
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count()).where(Category.parent_id.is_not(None))
            )
            >= 4
        )
        longest = max(len(b) for b in db.session.scalars(db.select(Statement.body)))
    assert longest > 10_000  # one statement long enough to need scrolling
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "0 statements added" in second.output
    assert (count(app, Statement), count(app, Category), count(app, Organisation)) == (
        statements,
        categories,
        organisations,
    )
    assert client.get("/").status_code == 200


def test_import_a_real_statement_and_read_it_back(runner, app, client):
    result = runner.invoke(args=["import-statements", str(REAL)])
    assert result.exit_code == 0, result.output
    page = client.get(
        "/statements/joint-statement-september-offensive", headers=BROWSER
    )
    html = page.get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#39;", "'")
    assert (
        "Joint statement on the killing of civilians during the September offensive"
        in text
    )
    assert "September 19, 2023" in text
    assert (
        "Activities | Rights | Right to life | Freedom from torture | Announcements"
        in text
    )
    names = re.findall(r'<li><a href="/organisations/[^"]+">([^<]+)</a>', html)
    assert len(names) == 12
    assert (
        names[0] == "Helsinki Citizens&#39; Assembly-Vanadzor"
        and names[-1] == "Democracy Development Foundation"
    )
    assert 'href="https://example.org/article3"' in html
    assert "views: 505" in text  # 504 carried over, plus this reader
    # Hostile HTML in the file is gone; its harmless text stays.
    assert "<script" not in html.split("</header>", 1)[1].split("<footer")[0]
    assert "onerror" not in html and "onclick" not in html and "javascript:" not in html
    assert "condemn" in text
    crawler = client.get(
        "/statements/joint-statement-september-offensive",
        headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
    )
    assert "views: 505" in crawler.get_data(as_text=True)


def test_reimport_updates_the_same_statement(runner, app, tmp_path):
    copy = tmp_path / "s.md"
    copy.write_text(REAL.read_text().replace("Our demands", "Our updated demands"))
    assert runner.invoke(args=["import-statements", str(REAL)]).exit_code == 0
    assert runner.invoke(args=["import-statements", str(copy)]).exit_code == 0
    with app.app_context():
        statements = db.session.scalars(db.select(Statement)).all()
        assert len(statements) == 1 and "Our updated demands" in statements[0].body
        assert len(statements[0].signatures) == 12


BROKEN = {
    "no front matter": ("Just text\n", 1, "must start with"),
    "bad yaml": (
        '---\ntitle: "ok"\ndate: 2023-01-01\ncategories: [unclosed\n---\nBody\n',
        5,
        "invalid YAML",
    ),
    "bad date": ('---\ntitle: "ok"\ndate: 19/09/2023\n---\nBody\n', 3, "date"),
    "missing title": ("---\ndate: 2023-01-01\n---\nBody\n", 1, "title"),
    "javascript url": (
        '---\ntitle: "ok"\ndate: 2023-01-01\nsignatories:\n  - "A"\n'
        '  - name: "B"\n    url: "javascript:alert(1)"\n---\nBody\n',
        6,
        "http(s)",
    ),
    "unknown key": (
        '---\ntitle: "ok"\ndate: 2023-01-01\nauthor: me\n---\nBody\n',
        4,
        "unknown key",
    ),
    "bad slug": (
        '---\ntitle: "ok"\nslug: "../etc/passwd"\ndate: 2023-01-01\n---\nBody\n',
        3,
        "slug",
    ),
    "negative views": (
        '---\ntitle: "ok"\ndate: 2023-01-01\nviews: -4\n---\nBody\n',
        4,
        "views",
    ),
    "unclosed": ('---\ntitle: "ok"\ndate: 2023-01-01\n', 3, "closing"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_file_names_file_and_line_and_imports_nothing(
    runner, app, tmp_path, name
):
    text, line, reason = BROKEN[name]
    good = tmp_path / "a-good.md"
    shutil.copy(REAL, good)
    broken = tmp_path / "b-broken.md"
    broken.write_text(text)
    result = runner.invoke(args=["import-statements", str(good), str(broken)])
    assert result.exit_code != 0
    assert f"{broken}:{line}:" in result.output and reason in result.output
    assert "Nothing was imported" in result.output
    assert count(app, Statement) == 0 and count(app, Organisation) == 0


def test_slug_from_an_armenian_or_cyrillic_title(runner, app, tmp_path):
    (tmp_path / "hy.md").write_text(
        '---\ntitle: "Հայտարարություն մարդու իրավունքների մասին"\n'
        "date: 2024-01-01\nlanguage: hy\n---\nՏեքստ\n"
    )
    (tmp_path / "ru.md").write_text(
        '---\ntitle: "Заявление о свободе собраний"\n'
        "date: 2024-01-02\nlanguage: ru\n---\nТекст\n"
    )
    result = runner.invoke(
        args=["import-statements", str(tmp_path / "hy.md"), str(tmp_path / "ru.md")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        slugs = set(db.session.scalars(db.select(Statement.slug)))
    assert slugs == {
        "haytararutyun-mardu-iravunkneri-masin",
        "zayavlenie-o-svobode-sobraniy",
    }


# generate-demo, and what an import costs.


def test_generate_demo_adds_a_large_data_set_that_the_site_serves(runner, app, client):
    from ngo.models import Comment
    from ngo.revisions import site_revision

    result = runner.invoke(
        args=["generate-demo", "--statements", "300", "--comments", "900"]
    )
    assert result.exit_code == 0, result.output
    assert "Generated 300 statements and 900 comments" in result.output
    assert count(app, Statement) == 300 and count(app, Comment) == 900
    with app.app_context():
        approved = dict(
            db.session.execute(
                db.select(Comment.statement_id, db.func.count())
                .where(Comment.status == "approved")
                .group_by(Comment.statement_id)
            ).all()
        )
        counts = dict(
            db.session.execute(db.select(Statement.id, Statement.comment_count)).all()
        )
        assert {k: v for k, v in counts.items() if v} == approved
        assert site_revision() >= 1  # bulk SQL says so: cached lists move on
        slug = db.session.scalar(
            db.select(Statement.slug).where(Statement.status == "published")
        )
    assert client.get("/").status_code == 200
    assert client.get(f"/statements/{slug}", headers=BROWSER).status_code == 200
    again = runner.invoke(args=["generate-demo", "--statements", "10"])
    assert again.exit_code == 0, again.output
    assert count(app, Statement) == 310  # slugs go on where the last run stopped


@pytest.mark.parametrize(
    "args", [["--statements", "-1"], ["--statements", "0", "--comments", "5"]]
)
def test_generate_demo_refuses_impossible_counts(runner, args):
    result = runner.invoke(args=["generate-demo", *args])
    assert result.exit_code == 2


def import_batch(folder: Path, count: int, first: int = 0) -> list[str]:
    """`count` statement files, each with a new organisation and a shared one."""
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(first, first + count):
        path = folder / f"s{number}.md"
        path.write_text(
            f'---\ntitle: "Statement {number}"\nslug: statement-{number}\n'
            "date: 2024-03-01\ncategories:\n  - Rights > Fair trial\n"
            f'signatories:\n  - "Shared Org"\n  - "New Org {number}"\n---\n'
            f"## Findings\n\nBody {number}.\n",
            encoding="utf-8",
        )
        paths.append(str(path))
    return paths


def test_an_import_costs_the_same_queries_for_ten_files_or_fifty(
    runner, app, tmp_path, count_queries
):
    """Organisations, categories and statements are looked up in batches (the
    reads do not grow with the files), and no statement revision is moved over the
    whole table (it was 8 UPDATEs of every statement per file)."""
    runner.invoke(args=["generate-demo", "--statements", "200"])
    first = import_batch(tmp_path / "first", 1, 1_000)  # its category is then there
    assert runner.invoke(args=["import-statements", *first]).exit_code == 0
    queries = []
    for size, first in ((10, 0), (50, 100)):
        files = import_batch(tmp_path / str(size), size, first)
        with count_queries() as statements:
            result = runner.invoke(args=["import-statements", *files])
        assert result.exit_code == 0, result.output
        queries.append(statements)
    reads = [[s for s in found if s.lstrip().startswith("SELECT")] for found in queries]
    assert len(reads[1]) == len(reads[0])  # rows are inserted one by one on SQLite
    for statement in queries[0] + queries[1]:
        assert not re.match(r"\s*UPDATE statement SET", statement)
    assert count(app, Statement) == 261


def test_reimporting_unchanged_files_writes_no_statement(
    runner, app, tmp_path, count_queries
):
    files = import_batch(tmp_path, 20)
    assert runner.invoke(args=["import-statements", *files]).exit_code == 0
    with count_queries() as statements:
        result = runner.invoke(args=["import-statements", *files])
    assert result.exit_code == 0, result.output
    written = [s for s in statements if re.match(r"\s*(UPDATE|INSERT|DELETE)", s)]
    assert written == []


@pytest.mark.parametrize(
    "arguments",
    [["seed-demo"], ["search", "rebuild"], ["prune-views"]],
    ids=" ".join,
)
def test_a_missing_database_file_is_told_in_one_line(tmp_path, arguments):
    missing = tmp_path / "ngo.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    result = app.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 1
    assert f"database file missing: {missing}, run flask db upgrade" in result.output
    assert "Traceback" not in result.output and not missing.exists()
