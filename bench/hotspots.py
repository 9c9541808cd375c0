"""Profile one measured page in-process: `.venv/bin/python bench/hotspots.py [PAGE]`.

Builds the same scratch database as `make bench` (bench/results/bench.db, or
NGO_BENCH_DATABASE_URL), times PAGE (a name from bench/pages.py, "statement" by
default) through Flask's test client without a profiler, then runs it again under
cProfile and prints the functions that cost the most, cumulative and own time.
cProfile slows pure-Python code unevenly; for a sampling view of a real gunicorn
worker under wrk, see "Speed" in README.md (py-spy).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import time

from run import AGENT, RESULTS, flask_cli, prepare_pages, scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", nargs="?", default="statement")
    parser.add_argument("-n", "--requests", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--new-view", action="store_true", help="a new reader (User-Agent) per request"
    )
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    url, _ = scratch_database()
    os.environ["NGO_DATABASE_URL"] = url
    os.environ["NGO_SECRET_KEY"] = secrets.token_hex(32)
    flask_cli("db", "upgrade")
    flask_cli("seed-demo")
    paths, _ = prepare_pages()
    path = paths[args.page]

    from ngo import create_app

    client = create_app().test_client()
    counter = iter(range(10**9))

    def get():
        agent = f"{AGENT} reader-{next(counter)}" if args.new_view else AGENT
        response = client.get(path, headers={"User-Agent": agent})
        assert response.status_code == 200, response.status_code

    for _ in range(200):
        get()
    started = time.perf_counter()
    for _ in range(args.requests):
        get()
    per_request = (time.perf_counter() - started) / args.requests * 1000
    print(
        f"{args.page} {path}: {per_request:.2f} ms per request through the test client "
        f"(no profiler, {args.requests} requests)\n"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        get()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
