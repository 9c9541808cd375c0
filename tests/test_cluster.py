"""`make cluster` as it runs: nginx in front of two gunicorn servers on one database.

tools/cluster.py runs on free ports with a scratch database (an SQLite file, or a
PostgreSQL database of its own): compression and static files by nginx, slow
clients held there, every server seeing every change, staff sessions, lockouts and
comment floods shared through the database, nginx's 413, 429 and 503, and every
process gone after SIGTERM.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ngo import create_app
from ngo.extensions import db
from ngo.models import Statement
from tests.commenting import form_fields
from tests.conftest import PG_URL, _as_psycopg
from tests.staff import PASSWORD, make_user

# Every test of this file uses one cluster: `make test` keeps them in one worker.
pytestmark = pytest.mark.xdist_group("cluster")

ROOT = Path(__file__).resolve().parent.parent
SECRET = "cluster-test-secret"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
YEAR = "public, max-age=31536000, immutable"
# The headers the app sets on a static file that nginx must set the same way.
STATIC_HEADERS = (
    "Cache-Control",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)
ASSET = re.compile(r'(?:href|src)="(/static/[^"?]+\?v=[0-9a-f]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class UnixConnection(http.client.HTTPConnection):
    """HTTP over an app server's unix socket."""

    def __init__(self, path: str, timeout: float = 10):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        """Connect to the socket instead of a host and port."""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Response:
    """Status, headers (every value of each) and body of one answer."""

    def __init__(self, raw: http.client.HTTPResponse, seconds: float):
        self.status = raw.status
        self.headers = raw.headers
        self.body = raw.read()
        self.seconds = seconds

    def header(self, name: str) -> str:
        """A header's values joined as one (Vary may come twice)."""
        return ", ".join(self.headers.get_all(name) or [])

    @property
    def text(self) -> str:
        """The body as text, gunzipped if it came compressed."""
        body = self.body
        if self.header("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode()


class Browser:
    """A client with its own cookies that may talk to nginx or to one app server.

    Requests sent to an app server directly carry the X-Forwarded-For that nginx
    would add (the servers trust one proxy), so every way in sees one address."""

    def __init__(self, cluster: Cluster, address: str = "192.0.2.10"):
        self.cluster, self.address = cluster, address
        self.cookies: dict[str, str] = {}

    def request(self, method, path, via="nginx", body=None, headers=None):
        """Send one request through nginx, or straight to app server 1 or 2."""
        headers = {"User-Agent": "cluster test", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if via == "nginx":
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.cluster.port, timeout=10
            )
        else:
            conn = UnixConnection(self.cluster.socket(via))
            headers.setdefault("X-Forwarded-For", self.address)
            headers.setdefault("Host", f"127.0.0.1:{self.cluster.port}")
        if isinstance(body, dict):
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = Response(conn.getresponse(), time.monotonic() - started)
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    def get(self, path, via="nginx", **kwargs):
        """GET a path."""
        return self.request("GET", path, via=via, **kwargs)

    def post(self, path, data, via="nginx", **kwargs):
        """POST a form."""
        return self.request("POST", path, via=via, body=data, **kwargs)


class Cluster:
    """A running tools/cluster.py: its process, port, run directory and database."""

    def __init__(self, process, port, run_dir, database_url, output):
        self.process, self.port, self.run_dir = process, port, run_dir
        self.database_url, self.output = database_url, output

    def socket(self, server: int) -> str:
        """The unix socket of app server 1 or 2."""
        return str(self.run_dir / f"app{server}.sock")

    def access_log(self, server: int) -> str:
        """What app server 1 or 2 has logged of the requests it served."""
        path = self.run_dir / "logs" / f"app{server}-access.log"
        return path.read_text() if path.exists() else ""


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_cluster(tmp: Path, database_url: str, apps=2, workers=2, port=None):
    """Run tools/cluster.py with a media folder; give back the running Cluster."""
    port = port or free_port()
    run_dir = tmp / f"run-{port}"
    output = tmp / f"cluster-{port}.log"
    media = tmp / "media" / "2023" / "09"
    media.mkdir(parents=True, exist_ok=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"not really a photo" * 50)
    (media / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    env = {
        **os.environ,
        "NGO_DATABASE_URL": database_url,
        "NGO_SECRET_KEY": SECRET,
        "NGO_SITE_NAME": "Cluster Test Site",
        "NGO_MEDIA_FOLDER": str(tmp / "media"),
    }
    command = [sys.executable, str(ROOT / "tools" / "cluster.py"), "--port", str(port)]
    command += ["--apps", str(apps), "--workers", str(workers)]
    command += ["--run-dir", str(run_dir), "--app-access-log"]
    with open(output, "w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return Cluster(process, port, run_dir, database_url, output)


def wait_until_serving(cluster: Cluster, seconds: float = 60) -> None:
    """Wait for the cluster's "open http://…" line; fail with its output if it dies."""
    deadline = time.monotonic() + seconds
    while "ngo cluster: open http://" not in cluster.output.read_text():
        if cluster.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail("cluster did not start:\n" + cluster.output.read_text())
        time.sleep(0.2)


def stop(cluster: Cluster) -> int:
    """SIGTERM the cluster and wait for it; its exit status."""
    if cluster.process.poll() is None:
        cluster.process.send_signal(signal.SIGTERM)
    try:
        return cluster.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        cluster.process.kill()
        raise


def descendants(pid: int) -> set[int]:
    """Every living process below pid (children, their children...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def running_in(run_dir: Path) -> list[int]:
    """The living processes whose command line names this run directory."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if entry.name.isdigit() and str(run_dir).encode() in command:
            if alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="module")
def scratch_database(tmp_path_factory):
    """An empty database of this module's own: an SQLite file, or on PostgreSQL."""
    if not PG_URL:
        path = tmp_path_factory.mktemp("cluster-db") / "ngo.db"
        yield f"sqlite:///{path}"
        return
    admin_url = make_url(_as_psycopg(PG_URL))
    name = f"ngo_cluster_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(scratch_database, tmp_path_factory):
    """Two app servers of two workers behind nginx, serving the scratch database."""
    running = start_cluster(tmp_path_factory.mktemp("cluster"), scratch_database)
    try:
        wait_until_serving(running)
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
def site(cluster):
    """The app (for direct database work) and one published statement's slug."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": cluster.database_url, "SECRET_KEY": SECRET}
    )
    with app.app_context():
        statement = Statement(
            title="Original title",
            slug="cluster-statement",
            summary="A statement served by two servers.",
            body="<p>" + "The body of a statement on a cluster. " * 200 + "</p>",
            published_at=datetime(2024, 5, 1, tzinfo=UTC),
        )
        db.session.add(statement)
        db.session.commit()
    yield app, "cluster-statement"
    with app.app_context():
        db.engine.dispose()


def everywhere(browser, path, times=4):
    """The answers of every way in: nginx and each app server, several times each."""
    return [browser.get(path, via=via) for via in ("nginx", 1, 2) for _ in range(times)]


def test_pages_and_stylesheets_are_compressed(cluster, site):
    browser = Browser(cluster)
    plain = browser.get("/")
    packed = browser.get("/", headers={"Accept-Encoding": "gzip"})
    assert plain.status == packed.status == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.header("Content-Encoding") == "gzip"
    assert len(packed.body) < len(plain.body) / 3, (len(packed.body), len(plain.body))
    vary = {v.strip().lower() for v in packed.header("Vary").split(",")}
    assert {"accept-encoding", "cookie"} <= vary
    assert packed.header("Cache-Control") == plain.header("Cache-Control") == "private"
    assert "Original title" in packed.text

    feed = browser.get("/feed.atom", headers={"Accept-Encoding": "gzip"})
    assert feed.header("Content-Encoding") == "gzip"
    assert "Original title" in feed.text
    polled = browser.get(
        "/feed.atom",
        headers={"Accept-Encoding": "gzip", "If-None-Match": feed.header("ETag")},
    )
    assert polled.status == 304  # the ETag gzip made weak still matches

    css = next(u for u in ASSET.findall(plain.body.decode()) if "site.css" in u)
    sheet = browser.get(css, headers={"Accept-Encoding": "gzip"})
    assert sheet.header("Content-Encoding") == "gzip"
    assert "accept-encoding" in sheet.header("Vary").lower()
    assert sheet.header("Cache-Control") == YEAR
    both = browser.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    expected = "br" if BROTLI_MODULE.exists() else "gzip"
    assert both.header("Content-Encoding") == expected
    assert len(both.body) < len(sheet.body) * 1.1


def test_static_files_are_nginxs_with_the_apps_headers(cluster, site):
    browser = Browser(cluster)
    assets = sorted(set(ASSET.findall(browser.get("/").body.decode())))
    assert any("site.css" in a for a in assets) and any(".js?" in a for a in assets)
    css = next(a for a in assets if "site.css" in a)
    urls = [*assets, css.split("?")[0], css.split("?")[0] + "?v=0123456789ab"]
    through_nginx = {url: browser.get(url) for url in urls}
    for server in (1, 2):
        assert "/static/" not in cluster.access_log(server)
    for url, answer in through_nginx.items():
        direct = browser.get(url, via=1)
        assert answer.status == direct.status == 200, url
        assert answer.body == direct.body, url
        for name in STATIC_HEADERS:
            assert answer.header(name) == direct.header(name), (url, name)
        assert answer.header("Content-Type") == direct.header("Content-Type"), url
        assert "Set-Cookie" not in answer.headers
        assert "cookie" not in answer.header("Vary").lower()
    assert through_nginx[css].header("Cache-Control") == YEAR
    assert "immutable" not in through_nginx[css.split("?")[0]].header("Cache-Control")

    again = browser.get(
        css, headers={"If-None-Match": through_nginx[css].header("ETag")}
    )
    assert again.status == 304
    assert again.header("Cache-Control") == YEAR
    missing = browser.get("/static/css/no-such-file.css")
    assert missing.status == 404
    assert "Cluster Test Site" in missing.text  # the app's own 404 page


def test_media_files_are_nginxs_with_the_apps_headers(cluster, site):
    browser = Browser(cluster)
    paths = ["/media/2023/09/photo.jpg", "/media/2023/09/drawing.svg"]
    through_nginx = {path: browser.get(path) for path in paths}
    for server in (1, 2):
        assert "/media/" not in cluster.access_log(server)
    for path, answer in through_nginx.items():
        direct = browser.get(path, via=2)
        assert answer.status == direct.status == 200, path
        assert answer.body == direct.body
        for name in (*STATIC_HEADERS, "Content-Type"):
            assert answer.header(name) == direct.header(name), (path, name)
        disposition = answer.header("Content-Disposition").split(";")[0]
        assert disposition == direct.header("Content-Disposition").split(";")[0]
    assert through_nginx[paths[0]].header("Content-Type") == "image/jpeg"
    assert through_nginx[paths[1]].header("Content-Disposition") == "attachment"
    missing = browser.get("/media/2023/09/none.jpg")
    assert missing.status == 404
    assert "Cluster Test Site" in missing.text


def test_slow_clients_wait_in_nginx_while_the_site_answers(cluster, site):
    slow = []
    for _ in range(40):
        sock = socket.create_connection(("127.0.0.1", cluster.port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        slow.append(sock)
    latencies = []
    stop_feeding = threading.Event()

    def feed():
        """One more header line from every slow client every two seconds."""
        while not stop_feeding.wait(2):
            for sock in slow:
                try:
                    sock.sendall(b"X-Slow: still typing\r\n")
                except OSError:
                    pass

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        browser = Browser(cluster)
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            answer = browser.get("/healthz")
            assert answer.status == 200
            latencies.append(answer.seconds)
            page = browser.get("/statements/cluster-statement")
            assert page.status == 200
            latencies.append(page.seconds)
            time.sleep(0.2)
    finally:
        stop_feeding.set()
        feeder.join()
        for sock in slow:
            sock.close()
    print(f"40 slow clients: {len(latencies)} requests, slowest {max(latencies):.3f} s")
    assert max(latencies) < 1, latencies
    assert len(latencies) >= 10


def test_an_edit_is_seen_by_every_later_request_on_every_server(cluster, site):
    app, slug = site
    browser = Browser(cluster)
    for path in (f"/statements/{slug}", "/"):
        for answer in everywhere(browser, path):
            assert answer.status == 200
            assert "Original title" in answer.text
    with app.app_context():
        statement = db.session.scalar(select(Statement).where(Statement.slug == slug))
        before = statement.revision
        statement.title = "Edited on another server"
        db.session.commit()
        assert statement.revision == before + 1
    for path in (f"/statements/{slug}", "/"):
        for answer in everywhere(browser, path):
            assert answer.status == 200
            assert "Edited on another server" in answer.text, path
            assert "Original title" not in answer.text, path
    with app.app_context():
        statement = db.session.scalar(select(Statement).where(Statement.slug == slug))
        statement.title = "Original title"
        db.session.commit()


def sign_in(browser: Browser, email: str, password: str, via: int):
    """Post the sign-in form of one server (its token read from the other)."""
    other = 2 if via == 1 else 1
    form = browser.get("/admin/login", via=other)
    token = CSRF.search(form.text).group(1)
    data = {"csrf_token": token, "email": email, "password": password}
    return browser.post("/admin/login", data, via=via)


def test_staff_sessions_and_lockouts_are_the_databases(cluster, site):
    app, _ = site
    make_user(app, "admin", "cluster-admin@example.org")
    staff = Browser(cluster, "192.0.2.20")
    assert sign_in(staff, "cluster-admin@example.org", PASSWORD, via=1).status == 303
    for via in (2, 1, 2):
        page = staff.get("/admin/", via=via)
        assert page.status == 200, via
        assert "Signed in as" in page.text
    token = CSRF.search(staff.get("/admin/", via=1).text).group(1)
    assert staff.post("/admin/logout", {"csrf_token": token}, via=2).status in (
        302,
        303,
    )
    assert staff.get("/admin/", via=1).status in (302, 303)  # ended on both

    make_user(app, "editor", "cluster-editor@example.org")
    guesser = Browser(cluster, "198.51.100.7")
    for attempt in range(5):
        wrong = sign_in(
            guesser, "cluster-editor@example.org", "wrong", via=1 + attempt % 2
        )
        assert wrong.status == 422, attempt
    for via in (1, 2):
        locked = sign_in(guesser, "cluster-editor@example.org", PASSWORD, via=via)
        assert locked.status == 429, via
        assert int(locked.header("Retry-After")) > 0


def test_a_comment_flood_is_stopped_whichever_server_answers(cluster, site):
    _, slug = site
    reader = Browser(cluster, "203.0.113.77")
    page = reader.get(f"/statements/{slug}", via=1)
    fields = form_fields(page.text)
    fields.update(author="Ani", email="ani-cluster@example.org")
    first = reader.post(
        f"/statements/{slug}/comments", fields | {"comment": "One."}, via=1
    )
    assert first.status == 303
    second = reader.post(
        f"/statements/{slug}/comments", fields | {"comment": "Two."}, via=2
    )
    assert second.status == 429
    assert "Two." in second.text  # the form comes back with what was typed


def test_nginx_refuses_large_bodies_and_floods_itself(cluster, site):
    _, slug = site
    browser = Browser(cluster)
    large = browser.post(f"/statements/{slug}/comments", {"comment": "x" * 1_100_000})
    assert large.status == 413
    assert "Too large" in large.text
    statuses = []
    for _ in range(10):
        statuses.append(browser.post(f"/statements/{slug}/comments", {"comment": "x"}))
    codes = [answer.status for answer in statuses]
    # The app's 400 (no CSRF token) for the first few, then nginx's 429 for the rest.
    assert codes.count(400) >= 4 and codes[-1] == 429, codes
    assert codes == sorted(codes), codes
    limited = statuses[-1]
    assert limited.header("Retry-After") == "60"
    assert "Too many requests" in limited.text
    assert browser.get(f"/statements/{slug}").status == 200  # reading still works


def test_every_server_down_is_the_sites_503_then_they_come_back(cluster, site):
    browser = Browser(cluster)
    servers = [
        pid
        for pid in descendants(cluster.process.pid)
        if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    ]
    for pid in servers:
        os.kill(pid, signal.SIGKILL)
    down = browser.get("/statements/cluster-statement")
    assert down.status == 503
    assert down.header("Retry-After") == "30"
    assert "Briefly unavailable" in down.text
    assert browser.get("/static/css/site.css").status == 200  # nginx's own still work
    deadline = time.monotonic() + 30
    while browser.get("/healthz").status != 200:
        assert time.monotonic() < deadline, "the app servers did not come back"
        time.sleep(0.3)


def test_sigterm_stops_every_process_and_a_failed_start_exits_1(
    tmp_path, scratch_database
):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    database = scratch_database
    failed = start_cluster(
        tmp_path, database, apps=1, workers=1, port=busy.getsockname()[1]
    )
    assert failed.process.wait(timeout=60) == 1
    busy.close()
    assert "nginx exited while starting" in failed.output.read_text()
    assert running_in(failed.run_dir) == []  # its app server was stopped

    running = start_cluster(tmp_path, database, apps=2, workers=1)
    wait_until_serving(running)
    children = descendants(running.process.pid)
    assert len(children) >= 6  # nginx and its workers, two servers with a worker each
    assert stop(running) == 0
    left = [pid for pid in children if alive(pid)]
    assert left == []
