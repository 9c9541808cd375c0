"""`make bench BENCH_ARGS="--size N"`: list pages at N statements, first page
against last.

For each backend (SQLite in bench/results/lists-N.db; PostgreSQL in the scratch
database ngo_bench_lists_N on the server of NGO_BENCH_PG_URL, by default the
`test` server, never the `test` database itself), a database of N generated
statements and 10 x N comments is made with `flask db upgrade` and `flask
generate-demo` (or reused, when one of that size is there: `--fresh` makes it
again); on PostgreSQL then VACUUM ANALYZE, which autovacuum does in production
(SQLite is measured without ANALYZE, as a site's file usually is). Then, in
this process, with the page cache off (every request a cold render; the
database's own cache warm), each list's first, middle and last
page is rendered through the test client ROUNDS times after a warm-up: the home
page, /statements, the busiest top-level category, a third-level category, the
busiest organisation and the organisation directory, in the default language and
in Armenian (its own statements first, then the others). Prints the median
milliseconds and the SQL statements per page, and writes
bench/results/lists-N.json. Target: 50 ms or less for every page.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("NGO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
FLASK = [sys.executable, "-m", "flask", "--app", "ngo"]
TARGET_MS = 50
ROUNDS = 7
COMMENTS_PER_STATEMENT = 10
# The pager's "Page 1 of N", in any language: its last number.
PAGER = re.compile(r'<nav class="pager".*?aria-current="page">(.*?)</li>', re.S)


def flask(url: str, *args: str) -> float:
    """Run a flask command on the database at url; its wall-clock seconds."""
    env = os.environ | {"NGO_DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [*FLASK, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: `flask {' '.join(args)}` failed")
    return time.perf_counter() - started


def pg_database(size: int) -> str:
    """The scratch PostgreSQL database's URL (made if missing)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(PG_URL)
    name = f"ngo_bench_lists_{size}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        there = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not there:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(size: int) -> None:
    """Drop the scratch PostgreSQL database (for --fresh)."""
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(f'DROP DATABASE IF EXISTS "ngo_bench_lists_{size}" WITH (FORCE)')
        )
    admin.dispose()


def generated(url: str) -> int:
    """How many generated statements the database holds (0 if it has no schema)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                text("SELECT count(*) FROM statement WHERE slug LIKE 'generated-%'")
            )
    except Exception:  # no schema yet
        return 0
    finally:
        engine.dispose()


def prepare(backend: str, size: int, fresh: bool) -> tuple[str, dict]:
    """A database of `size` generated statements: its URL and how it was made."""
    if backend == "sqlite":
        path = RESULTS / f"lists-{size}.db"
        if fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if fresh:
            drop_pg_database(size)
        url = pg_database(size)
    made = {"reused": True}
    if generated(url) != size:
        if generated(url):
            raise SystemExit(f"bench: {url} holds another size; use --fresh")
        print(f"bench: generating {size:,} statements on {backend}", flush=True)
        flask(url, "db", "upgrade")
        comments = size * COMMENTS_PER_STATEMENT
        made = {
            "reused": False,
            "generate_s": round(
                flask(
                    url,
                    "generate-demo",
                    "--statements",
                    str(size),
                    "--comments",
                    str(comments),
                ),
                1,
            ),
        }
        if backend == "pg":
            analyse(url)
    return url, made


def analyse(url: str) -> None:
    """PostgreSQL's statistics for the planner, and its visibility map."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def lists(app) -> list[tuple[str, str]]:
    """(name, path) of each list measured, found in the generated data."""
    from sqlalchemy import func, select

    from ngo.extensions import db
    from ngo.models import (
        LIST_CATEGORY,
        LIST_ORGANISATION,
        Category,
        ListCount,
        Organisation,
    )

    def busiest(model, kind, where=()):
        return db.session.scalar(
            select(model.slug)
            .join(ListCount, ListCount.scope_id == model.id)
            .where(ListCount.kind == kind, ListCount.language == "en", *where)
            .group_by(model.id, model.slug)
            .order_by(func.sum(ListCount.count).desc(), model.id)
            .limit(1)
        )

    with app.app_context():
        parent = db.aliased(Category)
        top = Category.parent_id.is_(None)
        third = busiest(
            Category,
            LIST_CATEGORY,
            (
                Category.parent_id == parent.id,
                parent.parent_id.is_not(None),
            ),
        )
        return [
            ("home", "/"),
            ("all statements", "/statements"),
            (
                "category",
                f"/category/{busiest(Category, LIST_CATEGORY, (top,))}",
            ),
            ("3rd-level category", f"/category/{third}"),
            (
                "organisation",
                f"/organisations/{busiest(Organisation, LIST_ORGANISATION)}",
            ),
            ("organisations", "/organisations"),
        ]


def measure(url: str, backend: str) -> list[dict]:
    """Median cold render of each list's first, middle and last page."""
    from sqlalchemy import event

    from ngo import create_app
    from ngo.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "PAGE_CACHE_SIZE": 0, "SECRET_KEY": "bench"}
    )
    client = app.test_client()
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(
        engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    rows = []
    for language, prefix in (("en", ""), ("hy", "/hy")):
        for name, path in lists(app):
            first = client.get(prefix + path)
            if first.status_code != 200:
                raise SystemExit(f"bench: {prefix + path} answered {first.status_code}")
            found = PAGER.search(first.get_data(as_text=True))
            numbers = (
                re.findall(r"\d[\d,.\s\u00a0\u202f]*", found.group(1)) if found else []
            )
            pages = int(re.sub(r"\D", "", numbers[-1])) if numbers else 1
            row = {"list": name, "language": language, "path": path, "pages": pages}
            for which, number in (
                ("first", 1),
                ("middle", max(1, pages // 2)),
                ("last", pages),
            ):
                address = f"{prefix}{path}?page={number}"
                client.get(address)  # warm-up: the database's cache, not the page's
                times, cpu, queries = [], [], 0
                for _ in range(ROUNDS):
                    statements.clear()
                    started, used = time.perf_counter(), time.process_time()
                    response = client.get(address)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - used) * 1000)
                    queries = len(statements)
                    if response.status_code != 200:
                        raise SystemExit(f"bench: {address} {response.status_code}")
                row[which] = round(statistics.median(times), 1)
                row[f"{which}_cpu"] = round(statistics.median(cpu), 1)
                row[f"{which}_queries"] = queries
            rows.append(row)
    with app.app_context():
        db.engine.dispose()
    return rows


def print_table(size: int, results: dict) -> None:
    """One line per list, language and database."""
    print(f"\nList pages at {size:,} statements ({size * 10:,} comments), cold render")
    print(
        f"(page cache off): median ms of {ROUNDS}, wall clock; SQL statements per"
        " page; cpu: this process's CPU ms (with SQLite, the database's work too)\n"
    )
    header = (
        f"{'list':<20} {'lang':<4} {'db':<10} {'pages':>6} {'first':>7} "
        f"{'middle':>7} {'last':>7} {'queries':>8} {'cpu first':>9} {'cpu last':>8}"
    )
    print(header)
    print("-" * len(header))
    for backend, run in results.items():
        for row in run["rows"]:
            queries = {row[f"{w}_queries"] for w in ("first", "middle", "last")}
            print(
                f"{row['list']:<20} {row['language']:<4} {backend:<10} "
                f"{row['pages']:>6,} {row['first']:>7.1f} {row['middle']:>7.1f} "
                f"{row['last']:>7.1f} {'/'.join(map(str, sorted(queries))):>8} "
                f"{row['first_cpu']:>9.1f} {row['last_cpu']:>8.1f}"
            )
    worst = max(
        max(row[w] for w in ("first", "last"))
        for run in results.values()
        for row in run["rows"]
    )
    verdict = "ok" if worst <= TARGET_MS else "MISSED"
    print(f"\n[{verdict}] slowest first or last page: {worst:.1f} ms")
    print(f"(target <= {TARGET_MS} ms)")


def main(size: int, fresh: bool = False, backends=("sqlite", "pg")) -> int:
    """Prepare, measure and report each backend; 1 if a page missed the target."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    results = {}
    for backend in backends:
        url, made = prepare(backend, size, fresh)
        print(f"bench: measuring {backend}", flush=True)
        results["SQLite" if backend == "sqlite" else "PostgreSQL"] = {
            **made,
            "rows": measure(url, backend),
        }
    print_table(size, results)
    if load > 0.5:
        print(f"note: 1-minute load average {load:.1f} before the run")
    out = RESULTS / f"lists-{size}.json"
    out.write_text(json.dumps({"size": size, "load": load, **results}, indent=2))
    print(f"written to {out}")
    worst = max(
        max(row["first"], row["last"])
        for run in results.values()
        for row in run["rows"]
    )
    return 0 if worst <= TARGET_MS else 1
