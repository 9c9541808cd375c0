"""`make bench`: the site under load against the bare-Flask floor, on one machine.

What it does, in order:

1. builds a scratch database (bench/results/bench.db, or NGO_BENCH_DATABASE_URL),
   runs `flask db upgrade` and `flask seed-demo` on it, then the hooks of
   bench/pages.py, which name the pages to measure;
2. serves the site (wsgi:app) with gunicorn, and captures each page's response;
3. serves those same bytes from a bare Flask app (bench/floor.py) with the same
   gunicorn settings (bench/gunicorn_conf.py): the framework's floor;
4. for each page: warms up, then measures the site and the floor with wrk from a
   separate process, one after the other, and prints the ratio;
5. checks that the repeat views above committed nothing to the database, then
   measures the statement page with a new reader (User-Agent) per request;
6. keeps the site busy until every worker has served 10,000 requests, and reads
   each worker's resident memory (VmRSS in /proc/<pid>/status).

Results are printed as a table and written to bench/results/latest.json.
`python bench/run.py --help` lists the knobs (duration, connections, workers).

With `--size N` it measures the list pages at N generated statements instead
(bench/lists.py: first, middle and last page of each list, cold, on SQLite and
PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The repository first: import the working tree's ngo whatever the install says.
sys.path.insert(0, str(ROOT))

from pages import PAGES  # noqa: E402

RESULTS = BENCH / "results"
AGENT = "Mozilla/5.0 (X11; Linux x86_64) ngo-bench"

# The page whose views are watched (repeat views write nothing, new ones count).
TARGET_PAGE = "statement"
RSS_LIMIT_MB = 80  # megabytes of 10**6 bytes, per worker
RSS_AFTER_REQUESTS = 10_000  # per worker
# A 1-minute load average above this before the run means others share the CPUs.
BUSY_LOAD = 0.5
# Response headers that the floor app must not copy: its server sets its own.
HOP_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--duration", type=int, default=10, help="seconds measured per page and server")
    add(
        "--warmup",
        type=int,
        default=2,
        help="seconds of warm-up before each measurement",
    )
    add(
        "--new-view-duration", type=int, default=5, help="seconds of the new-reader run"
    )
    add("--connections", type=int, default=16, help="wrk connections (-c)")
    add("--wrk-threads", type=int, default=2, help="wrk threads (-t)")
    add(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn workers (default: one per CPU)",
    )
    add("--worker-class", default="sync", help="gunicorn worker class")
    add("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    add(
        "--soak-limit",
        type=int,
        default=100,
        help="at most this many seconds spent reaching 10,000 requests per worker",
    )
    add(
        "--check",
        action="store_true",
        help="exit 1 when a target (ratio, memory, no writes) is missed",
    )
    add(
        "--size",
        type=int,
        help="instead: time the list pages (first, middle, last) cold at this many "
        "generated statements and 10 comments each, SQLite and PostgreSQL "
        "(bench/lists.py; the databases are kept and reused)",
    )
    add("--fresh", action="store_true", help="with --size: generate the data again")
    add(
        "--backends",
        default="sqlite,pg",
        help="with --size: which databases, of sqlite,pg",
    )
    return parser.parse_args()


# ---------------------------------------------------------------- data


def scratch_database() -> tuple[str, Path | None]:
    """A fresh SQLite file under bench/results/, or the PostgreSQL URL asked for."""
    url = os.environ.get("NGO_BENCH_DATABASE_URL")
    if url:
        return url, None
    path = RESULTS / "bench.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", path


def flask_cli(*args: str) -> None:
    """Run `flask --app ngo ARGS` on the bench database; show its output on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ngo", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"bench: `flask {' '.join(args)}` failed")


def prepare_pages() -> tuple[dict[str, str], str]:
    """Run the page hooks in an app context: {page name: path}, and the database URI."""
    from ngo import create_app
    from ngo.extensions import db

    app = create_app()
    with app.app_context():
        paths = {page.name: page.resolve() for page in PAGES}
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        db.engine.dispose()
    return paths, uri


class Database:
    """Read-only looks at the bench database from outside the servers."""

    def __init__(self, uri: str, sqlite_path: Path | None):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.engine = create_engine(uri, poolclass=NullPool)
        # PRAGMA data_version changes when another connection commits: proof of writes.
        self.watch = sqlite3.connect(sqlite_path) if sqlite_path else None

    def views(self, path: str) -> int:
        from sqlalchemy import text

        slug = path.rstrip("/").rsplit("/", 1)[-1]
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT views FROM statement WHERE slug = :slug"), {"slug": slug}
            ).scalar_one()

    def data_version(self) -> int | None:
        if self.watch is None:
            return None
        return self.watch.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self.engine.dispose()
        if self.watch is not None:
            self.watch.close()


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master with bench/gunicorn_conf.py, serving `app_spec`."""

    def __init__(self, name: str, app_spec: str, chdir: Path, env: dict, args):
        self.name = name
        self.port = free_port()
        self.counts = RESULTS / f"counts-{name}"
        shutil.rmtree(self.counts, ignore_errors=True)
        self.counts.mkdir(parents=True)
        self.log = open(RESULTS / f"gunicorn-{name}.log", "w")
        env = env | {
            "NGO_BENCH_WORKERS": str(args.workers),
            "NGO_BENCH_WORKER_CLASS": args.worker_class,
            "NGO_BENCH_THREADS": str(args.threads),
            "NGO_BENCH_COUNTS_DIR": str(self.counts),
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(BENCH / "gunicorn_conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(chdir),
                app_spec,
            ],
            cwd=chdir,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.workers = args.workers

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"bench: {self.name} server exited; see {self.log.name}"
                )
            if len(self.worker_pids()) == self.workers:
                try:
                    fetch(self.url(path), agent="ngo-bench readiness probe")
                    return
                except OSError:
                    pass
            time.sleep(0.2)
        raise SystemExit(
            f"bench: {self.name} server did not answer; see {self.log.name}"
        )

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return sorted(int(pid) for pid in children.read_text().split())
        except OSError:
            return []

    def served(self) -> dict[int, int]:
        """Requests served by each live worker (counted every 100th request)."""
        counts = {}
        for pid in self.worker_pids():
            try:
                counts[pid] = int((self.counts / str(pid)).read_text())
            except (OSError, ValueError):
                counts[pid] = 0
        return counts

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def fetch(url: str, agent: str = AGENT) -> tuple[int, list[tuple[str, str]], bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.getheaders(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.items(), error.read()


def memory(pid: int) -> dict[str, float]:
    """A process's VmRSS, VmHWM (peak), RssAnon and Pss, in MB (10**6 bytes).

    VmRSS is what the target is about; Pss splits pages shared with other
    processes among them, so it is closer to what the worker really costs.
    """
    found = {}
    for name in ("status", "smaps_rollup"):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "Pss"):
                found[key] = round(int(value.split()[0]) * 1024 / 1e6, 1)
    return found


# ---------------------------------------------------------------- load


def wrk(url: str, seconds: int, args, mode: str = "fixed", paths=()) -> dict:
    """Run wrk with bench/wrk.lua and give back its JSON summary plus req/s."""
    env = os.environ | {
        "NGO_BENCH_WRK_MODE": mode,
        "NGO_BENCH_WRK_AGENT": AGENT,
        "NGO_BENCH_WRK_PATHS": " ".join(paths),
    }
    cmd = [
        "wrk",
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk.lua"),
    ]
    if mode == "fixed":
        cmd += ["-H", f"User-Agent: {AGENT}"]
    done = subprocess.run([*cmd, url], capture_output=True, text=True, env=env)
    line = next(
        (x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None
    )
    if done.returncode or line is None:
        raise SystemExit(f"bench: wrk failed:\n{done.stdout}{done.stderr}")
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["bytes_per_response"] = round(result["bytes"] / max(result["requests"], 1))
    result["failed"] = sum(result["errors"].values())
    return result


def measure(server: Server, path: str, args) -> dict:
    wrk(server.url(path), args.warmup, args)
    return wrk(server.url(path), args.duration, args)


def soak(site: Server, paths: list[str], args, last_rps: float) -> dict:
    """Load the site until every worker has served RSS_AFTER_REQUESTS requests."""
    started = time.monotonic()
    runs = 0
    while True:
        served = site.served()
        short = RSS_AFTER_REQUESTS - min(served.values(), default=0)
        left = args.soak_limit - (time.monotonic() - started)
        if short <= 0 or left < 1:
            break
        # The slowest worker decides; assume it gets its share, plus a margin,
        # and look again at least every 20 s.
        seconds = short * len(served) / max(last_rps, 1) * 1.1
        seconds = int(min(left, 20, max(2, seconds)))
        result = wrk(site.url(paths[0]), seconds, args, mode="rotate", paths=paths)
        last_rps = result["rps"] or last_rps
        runs += 1
    return {"seconds": round(time.monotonic() - started, 1), "wrk_runs": runs}


# ---------------------------------------------------------------- report


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def print_report(report: dict) -> None:
    settings = report["settings"]
    print()
    print(
        f"ngo bench at {report['commit']}: {report['machine']['cpus']} CPUs, "
        f"gunicorn {settings['worker_class']} x{settings['workers']} workers"
        + (f" x{settings['threads']} threads" if settings["threads"] > 1 else "")
        + f", wrk -t{settings['wrk_threads']} -c{settings['connections']} "
        f"-d{settings['duration']}s on the same machine, database {report['database']}"
    )
    header = (
        f"{'page':<24} {'server':<6} {'req/s':>8} {'p50 ms':>7} {'p90 ms':>7} "
        f"{'p99 ms':>7} {'B/resp':>7} {'errors':>6} {'of floor':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in report["rows"]:
        lat = row["latency_us"]
        ratio = f"{row['ratio']:.3f}" if row.get("ratio") is not None else ""
        print(
            f"{row['page']:<24} {row['server']:<6} {row['rps']:>8.0f} "
            f"{ms(lat['p50']):>7} {ms(lat['p90']):>7} {ms(lat['p99']):>7} "
            f"{row['bytes_per_response']:>7} "
            f"{row['failed']:>6} {ratio:>8}"
        )
    print()
    print(
        f"{'site worker':<12} {'requests':>9} {'VmRSS at start':>15} {'VmRSS':>7} "
        f"{'VmHWM':>7} {'Pss':>7}   (MB)"
    )
    for w in report["workers"]:
        start = (w.get("at_start") or {}).get("VmRSS", float("nan"))
        print(
            f"{w['pid']:<12} {w['requests']:>9,} {start:>15.1f} {w['VmRSS']:>7.1f} "
            f"{w['VmHWM']:>7.1f} {w.get('Pss', float('nan')):>7.1f}"
        )
    print()
    load = report["machine"]["load_average_before"][0]
    if load > BUSY_LOAD:
        print(
            "note: the machine was busy before the run "
            f"(1-minute load average {load}); other processes share the CPUs, "
            "so absolute numbers are low and noisy, "
            "the ratios less so (site and floor alternate)\n"
        )
    for check in report["checks"]:
        print(
            f"[{'ok' if check['ok'] else 'MISSED'}] {check['what']}: {check['detail']}"
        )
    print(f"\nwritten to {RESULTS / 'latest.json'}")


def git_commit() -> str:
    """The commit measured, with "+uncommitted" when the app's files differ from it."""
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "ngo", "migrations", "wsgi.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return (done.stdout.strip() or "unknown") + ("+uncommitted" if dirty.stdout else "")


# ---------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    if args.size:
        import lists

        backends = tuple(args.backends.split(","))
        return lists.main(args.size, fresh=args.fresh, backends=backends)
    load_before = os.getloadavg()  # before this run adds its own load
    if shutil.which("wrk") is None:
        raise SystemExit(
            "bench: wrk is missing (apt-get install wrk); `make bench` installs it"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    names = [page.name for page in PAGES]
    if TARGET_PAGE not in names or len(set(names)) != len(names):
        raise SystemExit(
            f"bench: page names must be unique and include {TARGET_PAGE!r}"
        )

    url, sqlite_path = scratch_database()
    os.environ["NGO_DATABASE_URL"] = url
    os.environ["NGO_SECRET_KEY"] = secrets.token_hex(32)
    env = dict(os.environ)
    print(
        f"bench: preparing {'bench/results/bench.db' if sqlite_path else url}",
        flush=True,
    )
    flask_cli("db", "upgrade")
    flask_cli("seed-demo")
    paths, uri = prepare_pages()
    database = Database(uri, sqlite_path)
    target_path = paths[TARGET_PAGE]

    site = Server("site", "wsgi:app", ROOT, env, args)
    floor = None
    try:
        site.wait_ready("/healthz")
        # Capture every page as the wrk reader sees it. For the statement page
        # this GET is the reader's one counted view; every later one repeats it.
        captured = {}
        for name, path in paths.items():
            status, headers, body = fetch(site.url(path))
            if status != 200:
                raise SystemExit(f"bench: {name} ({path}) answered {status}")
            captured[path] = {
                "status": status,
                "headers": [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS],
                "body": body.decode("utf-8"),
            }
        floor_pages = RESULTS / "floor-pages.json"
        floor_pages.write_text(json.dumps(captured), encoding="utf-8")
        floor = Server(
            "floor",
            "floor:app",
            BENCH,
            env | {"NGO_BENCH_FLOOR_PAGES": str(floor_pages)},
            args,
        )
        floor.wait_ready(target_path)
        for path, page in captured.items():
            if fetch(floor.url(path))[2] != page["body"].encode("utf-8"):
                raise SystemExit(
                    f"bench: the floor does not return the bytes of {path}"
                )

        rss_start = {pid: memory(pid) for pid in site.worker_pids()}
        version_before = database.data_version()
        views_before = database.views(target_path)
        rows = []
        for name, path in paths.items():
            print(f"bench: {name} {path}", flush=True)
            mine = measure(site, path, args)
            base = measure(floor, path, args)
            mine["ratio"] = round(mine["rps"] / base["rps"], 3)
            rows += [
                {"page": name, "path": path, "server": "ngo", **mine},
                {"page": name, "path": path, "server": "floor", **base},
            ]
        version_after = database.data_version()
        repeat_views_delta = database.views(target_path) - views_before
        repeat_requests = sum(r["requests"] for r in rows if r["server"] == "ngo")

        print(f"bench: {TARGET_PAGE}, a new reader per request", flush=True)
        before = database.views(target_path)
        fresh = wrk(
            site.url(target_path), args.new_view_duration, args, mode="new-view"
        )
        new_views = database.views(target_path) - before
        base_rps = next(
            r["rps"]
            for r in rows
            if r["page"] == TARGET_PAGE and r["server"] == "floor"
        )
        fresh["ratio"] = round(fresh["rps"] / base_rps, 3)
        rows.append(
            {
                "page": f"{TARGET_PAGE} (new view)",
                "path": target_path,
                "server": "ngo",
                **fresh,
            }
        )

        print(
            f"bench: loading every worker to {RSS_AFTER_REQUESTS:,} requests",
            flush=True,
        )
        repeat = [r["rps"] for r in rows if r["server"] == "ngo" and r is not rows[-1]]
        last_rps = sum(repeat) / len(repeat)
        soaked = soak(site, list(paths.values()), args, last_rps)
        served = site.served()
        workers = [
            {
                "pid": pid,
                "requests": served[pid],
                "at_start": rss_start.get(pid),
                **memory(pid),
            }
            for pid in served
        ]
        load_after = os.getloadavg()
    finally:
        site.stop()
        if floor is not None:
            floor.stop()
        database.close()

    target = next(r for r in rows if r["page"] == TARGET_PAGE and r["server"] == "ngo")
    ratios = {r["page"]: r["ratio"] for r in rows if r["server"] == "ngo"}
    max_rss = max(w["VmRSS"] for w in workers)
    min_served = min(w["requests"] for w in workers)
    failed = sum(r["failed"] for r in rows)
    checks = [
        {
            "what": f"{page.name} page vs its floor",
            "ok": ratios[page.name] >= page.target,
            "detail": f"{ratios[page.name]:.3f} (target >= {page.target})",
        }
        for page in PAGES
        if page.target is not None
    ] + [
        {
            "what": "repeat views write nothing",
            "ok": repeat_views_delta == 0 and version_before == version_after,
            "detail": f"{repeat_requests:,} site requests, "
            f"views +{repeat_views_delta}, "
            + (
                "database commits: "
                + ("none" if version_before == version_after else "SOME")
                if sqlite_path
                else "commit check only on SQLite"
            ),
        },
        {
            "what": "new views all counted",
            "ok": new_views >= fresh["requests"] and fresh["failed"] == 0,
            "detail": f"{fresh['requests']:,} completed requests, views +{new_views:,} "
            f"(requests still in flight when wrk stopped count too), "
            f"{fresh['rps'] / target['rps']:.2f}x the repeat-view rate",
        },
        {
            "what": f"worker memory after {RSS_AFTER_REQUESTS:,} requests each",
            "ok": max_rss < RSS_LIMIT_MB and min_served >= RSS_AFTER_REQUESTS,
            "detail": ", ".join(
                f"{w['VmRSS']:.1f} MB after {w['requests']:,}" for w in workers
            )
            + f" (limit {RSS_LIMIT_MB} MB, VmRSS)",
        },
        {
            "what": "no failed requests",
            "ok": failed == 0,
            "detail": f"{failed} errors or non-2xx/3xx answers",
        },
    ]
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "kernel": platform.release(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
        },
        "database": "PostgreSQL"
        if not sqlite_path
        else "SQLite (bench/results/bench.db)",
        "settings": {
            k: getattr(args, k)
            for k in (
                "workers",
                "worker_class",
                "threads",
                "connections",
                "wrk_threads",
                "duration",
                "warmup",
                "new_view_duration",
            )
        },
        "pages": paths,
        "rows": rows,
        "workers": workers,
        "soak": soaked,
        "checks": checks,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    if failed:
        return 1
    return 1 if args.check and not all(c["ok"] for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
