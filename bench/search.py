"""`make bench-search`: how long a search takes at 100,000 statements.

For each backend (SQLite in a file under bench/results/, PostgreSQL in a scratch
database made on the server of NGO_BENCH_PG_URL, by default the `test` server, and
dropped afterwards):

1. `flask db upgrade`, then `flask generate-demo --statements STATEMENTS`, timed
   (it fills the search index as it goes), then `flask search rebuild`, timed;
2. typical queries, each run ROUNDS times after a warm-up, in this process:
   `ngo.search.engine.search()` (count, ranked ids, statements, snippets) and the
   whole /search page through the Flask test client (the same, plus the page).
   Groups: common words, rare words, phrases (several words), Armenian, Russian,
   and unfinished last words (prefixes).

Prints median and 95th percentile per group and overall, and writes
bench/results/search.json. The target: a median search of 20 ms or less.
`--keep` leaves the databases in place and `--reuse` measures kept ones again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

from ngo.generate import place  # noqa: E402

PG_URL = os.environ.get("NGO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "ngo"]
TARGET_MEDIAN_MS = 20

QUERIES = {
    "common words": ["rights", "police", "freedom", "human rights", "detention"],
    # Made-up places of generated English titles (statement 1 + 11 k is English):
    # each in a dozen or so titles.
    "rare words": [place(1 + 11 * k) for k in (70, 136, 213, 290, 364)],
    "phrases": [
        "independent living",
        "environmental defenders",
        "residential institutions",
        "journalists detained",
        "polling stations accessibility",
    ],
    "Armenian": [
        "ընտրություններ",
        "դիտորդների",
        "ընտանեկան բռնության",
        "տուժողների պաշտպանությունը",
        "Քվեարկության օրը",
    ],
    "Russian": [
        "выборы",
        "доступ к информации",
        "журналистов",
        "наблюдатели",
        "обжаловать отказ",
    ],
    "prefixes": ["journ", "monitor", "информац", "դիտորդ", "elect"],
}


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

    def __init__(self, backend: str, keep: bool, reuse: bool):
        self.backend, self.keep, self.reuse = backend, keep, reuse
        if backend == "sqlite":
            self.path = RESULTS / "search.db"
            self.url = f"sqlite:///{self.path}"
        else:
            from sqlalchemy.engine import make_url

            self.name = "ngo_bench_search"
            self.server = make_url(PG_URL).set(drivername="postgresql+psycopg")
            self.url = self.server.set(database=self.name).render_as_string(
                hide_password=False
            )

    def __enter__(self) -> Database:
        if not self.reuse:
            self._drop()
            if self.backend == "postgresql":
                self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc) -> None:
        if not self.keep:
            self._drop()

    def _drop(self) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(url: str, rounds: int) -> dict:
    """Milliseconds of each query, through search() and through the page."""
    from ngo import create_app
    from ngo.extensions import db
    from ngo.search.engine import search

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    found: dict[str, dict] = {}
    for group, queries in QUERIES.items():
        for query in queries:
            engine_ms, page_ms = [], []
            for round_ in range(rounds + 1):
                with app.test_request_context("/search"):
                    started = time.perf_counter()
                    results = search(query, "en", 1)
                    took = (time.perf_counter() - started) * 1000
                    db.session.remove()
                started = time.perf_counter()
                response = client.get("/search", query_string={"q": query})
                page_took = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (query, response.status_code)
                if round_:  # the first round warms caches up
                    engine_ms.append(took)
                    page_ms.append(page_took)
            found[query] = {
                "group": group,
                "total": results.total,
                "more": results.more,
                "search_ms": engine_ms,
                "page_ms": page_ms,
            }
    with app.app_context():
        db.engine.dispose()
    return found


def summary(found: dict, key: str) -> dict:
    """Median and 95th percentile of `key` per group and overall."""
    groups: dict[str, list[float]] = {}
    for data in found.values():
        groups.setdefault(data["group"], []).extend(data[key])
    groups["all"] = [t for data in found.values() for t in data[key]]
    return {
        group: {"median": statistics.median(times), "p95": percentile(times, 0.95)}
        for group, times in groups.items()
    }


def main() -> None:
    """Parse the options, run each backend, print and keep the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--reuse", action="store_true", help="measure kept ones")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    load = os.getloadavg()[0]
    report = {"statements": args.statements, "load_average": load, "backends": {}}
    for backend in args.backends.split(","):
        print(f"{backend}: running ...", flush=True)
        with Database(backend, args.keep, args.reuse) as database:
            run: dict = {}
            if not args.reuse:
                flask(database.url, "db", "upgrade")
                run["generate_s"] = flask(
                    database.url,
                    "generate-demo",
                    "--statements",
                    str(args.statements),
                )
                run["rebuild_s"] = flask(database.url, "search", "rebuild")
            found = measure(database.url, args.rounds)
            run |= {
                "queries": found,
                "search": summary(found, "search_ms"),
                "page": summary(found, "page_ms"),
            }
            report["backends"][backend] = run
    (RESULTS / "search.json").write_text(json.dumps(report, indent=1))
    print(
        f"\n{args.statements:,} statements; {args.rounds} rounds of each query; "
        f"load average before: {load:.1f} on {os.cpu_count()} CPUs"
    )
    backends = list(report["backends"])
    for backend in backends:
        run = report["backends"][backend]
        if "generate_s" in run:
            print(
                f"{backend}: generate-demo (with the index) {run['generate_s']:.1f} s, "
                f"search rebuild {run['rebuild_s']:.1f} s"
            )
    header = f"{'':24}" + "".join(
        f"{b + ' ' + k:>26}" for b in backends for k in ("search()", "page")
    )
    print(header)
    print(f"{'ms, median / p95':24}")
    failed = False
    for group in [*QUERIES, "all"]:
        cells = []
        for backend in backends:
            for key in ("search", "page"):
                cell = report["backends"][backend][key][group]
                cells.append(f"{cell['median']:>14.1f} / {cell['p95']:>7.1f}")
        print(f"{group:24}" + "".join(cells))
    for backend in backends:
        median = report["backends"][backend]["search"]["all"]["median"]
        if median > TARGET_MEDIAN_MS:
            failed = True
            print(f"{backend}: median {median:.1f} ms is over {TARGET_MEDIAN_MS} ms")
    print("\nmatches per query:")
    for query, data in report["backends"][backends[0]]["queries"].items():
        more = "more than " if data["more"] else ""
        print(f"  {data['group']:14} {query!r}: {more}{data['total']:,}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
