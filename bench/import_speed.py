"""`make bench-import`: how long imports and editor saves take, empty and full.

For each backend (SQLite in a file under bench/results/, and PostgreSQL in a scratch
database made on the server of NGO_BENCH_PG_URL, by default the `test` server, and
dropped afterwards), in order:

1. `flask db upgrade` on an empty database;
2. `flask import-statements` of FILES generated statement files (new statements,
   categories and organisations among existing ones), timed as the command runs;
3. the same files again (every statement found and left as it is);
4. `flask generate-demo --statements STATEMENTS --comments COMMENTS`;
5. FILES other files into that full database, then the same again;
6. editor saves at that size: the admin statement form posted through the Flask
   test client, changing the title, then the signatories, SAVES times each.

Prints a table and writes bench/results/import_speed.json. `--profile` prints the
top of a cProfile of step 5's import, run in this process instead.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("NGO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "ngo"]
TARGET_IMPORT_SECONDS = 20
TARGET_SAVE_MS = 100

TOPICS = [
    "Right to life",
    "Freedom of expression",
    "Freedom of assembly",
    "Fair trial",
    "Prohibition of torture",
    "Rights of the child",
    "Elections",
    "Environment",
    "Access to information",
    "Displacement",
]
PARAGRAPH = (
    "The undersigned organisations call on the authorities to {verb} the case of "
    "{who} without delay, and to make public the reasons for every decision "
    "taken so far. Our monitors attended {n} hearings since {year}."
)


def statement_file(folder: Path, number: int, run: str, rng: random.Random) -> Path:
    """One statement file of the import format, like those an organisation writes."""
    topics = rng.sample(TOPICS, rng.randint(1, 3))
    trails = [f"Rights > {topic}" for topic in topics]
    trails.append(f"Campaigns > Campaign {rng.randrange(60)}")
    signatories = []
    for index in rng.sample(range(400), rng.randint(1, 8)):
        name = f"Civic Organisation {index}"
        if index % 4 == 0:
            signatories.append(
                f'  - name: "{name}"\n    url: "https://example.org/o{index}"'
            )
        else:
            signatories.append(f'  - "{name}"')
    paragraphs = [
        PARAGRAPH.format(
            verb=rng.choice(["review", "close", "reopen", "investigate"]),
            who=rng.choice(["three journalists", "the marchers", "a lawyer"]),
            n=rng.randrange(2, 40),
            year=rng.randrange(2015, 2025),
        )
        for _ in range(rng.randint(3, 8))
    ]
    body = (
        "## What happened\n\n"
        + "\n\n".join(paragraphs[:2])
        + "\n\n## Our demands\n\n"
        + "\n".join(f"- {p.split(',')[0]};" for p in paragraphs[2:])
        + "\n\nMore at https://example.org/case and [the report](https://example.org/r).\n"
    )
    lines = [
        "---",
        f'title: "Statement {run} number {number}: {rng.choice(TOPICS)}"',
        f"slug: import-{run}-{number}",
        f"date: {rng.randrange(2012, 2026)}-{rng.randint(1, 12):02d}-"
        f"{rng.randint(1, 28):02d}",
        "categories:",
        *[f'  - "{trail}"' for trail in trails],
        "signatories:",
        *signatories,
        f"views: {rng.randrange(5000)}",
        "---",
        body,
    ]
    path = folder / f"import-{run}-{number}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def statement_files(folder: Path, count: int, run: str) -> list[str]:
    """`count` files for one run (the same run name makes the same files)."""
    rng = random.Random(run)
    folder.mkdir(parents=True, exist_ok=True)
    return [str(statement_file(folder, n, run, rng)) for n in range(count)]


def flask(url: str, *args: str) -> float:
    """Run a flask command on the database at url; its wall-clock seconds."""
    env = os.environ | {"NGO_DATABASE_URL": url}
    started = time.perf_counter()
    result = subprocess.run(
        [*FLASK, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    took = time.perf_counter() - started
    if result.returncode:
        sys.exit(
            f"flask {args[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        )
    return took


class Database:
    """A scratch database of one backend: made, then dropped (SQLite: removed)."""

    def __init__(self, backend: str):
        self.backend = backend
        if backend == "sqlite":
            self.path = RESULTS / "import_speed.db"
            self.url = f"sqlite:///{self.path}"
        else:
            from sqlalchemy.engine import make_url

            self.name = f"ngo_bench_import_{uuid.uuid4().hex[:8]}"
            self.server = make_url(PG_URL).set(drivername="postgresql+psycopg")
            self.url = self.server.set(database=self.name).render_as_string(
                hide_password=False
            )

    def __enter__(self) -> Database:
        if self.backend == "sqlite":
            self._remove()
        else:
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        if self.backend == "sqlite":
            self._remove()
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()


def editor_saves(url: str, saves: int) -> dict[str, list[float]]:
    """Milliseconds of admin statement form POSTs on a generated statement."""
    from ngo import create_app
    from ngo.extensions import db
    from ngo.models import Statement, User

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "bench",
            "LOGIN_MAX_FAILURES": 1_000,
        }
    )
    from werkzeug.security import generate_password_hash

    with app.app_context():
        db.session.add(
            User(
                email="bench-editor@example.org",
                role="editor",
                password_hash=generate_password_hash(
                    "bench password", "scrypt:1024:8:1"
                ),
            )
        )
        db.session.commit()
        statement = db.session.scalar(
            db.select(Statement)
            .where(Statement.slug.like("generated-statement-%"))
            .order_by(Statement.id.desc())
        )
        sid, slug, markdown = statement.id, statement.slug, statement.body_markdown
    client = app.test_client()
    signed = client.post(
        "/admin/login",
        data={"email": "bench-editor@example.org", "password": "bench password"},
    )
    assert signed.status_code == 303, signed.status_code
    form = {
        "slug": slug,
        "date": "2024-03-01",
        "summary": "",
        "body": markdown,
        "language": "en",
        "status": "published",
        "comments_open": "y",
        "save": "Save",
    }
    timings: dict[str, list[float]] = {"title": [], "signatories": []}
    warm = form | {"title": "Warm-up", "signatories": "Civic Organisation 1"}
    client.post(f"/admin/statements/{sid}/edit", data=warm)  # templates compiled
    for number in range(saves):
        for kind in timings:
            data = form | {
                "title": f"Edited title {number}",
                "signatories": "Civic Organisation 1\nCivic Organisation 2"
                + (f"\nNew Organisation {number}" if kind == "signatories" else ""),
            }
            started = time.perf_counter()
            response = client.post(f"/admin/statements/{sid}/edit", data=data)
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        db.engine.dispose()
    return timings


def profile_import(url: str, files: list[str]) -> None:
    """cProfile of one import in this process; prints the top entries."""
    import cProfile
    import pstats

    from ngo import create_app
    from ngo.extensions import db
    from ngo.importer import import_files

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        profiler = cProfile.Profile()
        profiler.enable()
        import_files(files)
        profiler.disable()
        db.engine.dispose()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def run_backend(backend: str, args, folder: Path) -> dict:
    """Every step on one backend; the timings."""
    result: dict = {"backend": backend}
    with Database(backend) as database:
        url = database.url
        flask(url, "db", "upgrade")
        first = statement_files(folder / "first", args.files, "first")
        result["import_empty_s"] = flask(url, "import-statements", *first)
        result["reimport_empty_s"] = flask(url, "import-statements", *first)
        result["generate_s"] = flask(
            url,
            "generate-demo",
            "--statements",
            str(args.statements),
            "--comments",
            str(args.comments),
        )
        second = statement_files(folder / "second", args.files, "second")
        if args.profile:
            profile_import(url, second)
            result["import_full_s"] = None
        else:
            result["import_full_s"] = flask(url, "import-statements", *second)
        result["reimport_full_s"] = flask(url, "import-statements", *second)
        saves = editor_saves(url, args.saves)
        for kind, timings in saves.items():
            result[f"save_{kind}_median_ms"] = statistics.median(timings)
            result[f"save_{kind}_max_ms"] = max(timings)
    return result


def main() -> None:
    """Parse the options, run each backend, print and keep the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="ngo-import-") as tmp:
        for backend in args.backends.split(","):
            print(f"{backend}: running ...", flush=True)
            results.append(run_backend(backend, args, Path(tmp)))
    print(
        f"\n{args.files} files; full = {args.statements:,} statements and "
        f"{args.comments:,} comments; load average before: {load:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    rows = [
        ("import into empty", "import_empty_s", "s", TARGET_IMPORT_SECONDS),
        ("same files again", "reimport_empty_s", "s", TARGET_IMPORT_SECONDS),
        ("generate-demo", "generate_s", "s", None),
        ("import into full", "import_full_s", "s", TARGET_IMPORT_SECONDS),
        ("same files again (full)", "reimport_full_s", "s", TARGET_IMPORT_SECONDS),
        ("editor save, title (median)", "save_title_median_ms", "ms", TARGET_SAVE_MS),
        ("editor save, title (max)", "save_title_max_ms", "ms", None),
        (
            "editor save, signatories (median)",
            "save_signatories_median_ms",
            "ms",
            TARGET_SAVE_MS,
        ),
        ("editor save, signatories (max)", "save_signatories_max_ms", "ms", None),
    ]
    header = f"{'':36}" + "".join(f"{r['backend']:>14}" for r in results)
    print(header)
    failed = False
    for label, key, unit, target in rows:
        cells = []
        for r in results:
            value = r.get(key)
            if value is None:
                cells.append(f"{'-':>14}")
                continue
            over = target is not None and value > target
            failed |= over
            cells.append(
                f"{value:>11.{1 if unit == 's' else 0}f} {unit:<2}"
                + ("!" if over else "")
            )
        print(
            f"{label:36}"
            + "".join(cells)
            + (f"   (target < {target} {unit})" if target else "")
        )
    (RESULTS / "import_speed.json").write_text(json.dumps(results, indent=2))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
