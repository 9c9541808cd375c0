"""A seeded raw-HTTP fuzzer against a real gunicorn: nothing anyone sends gets a 5xx.

NGO_FUZZ_SEED and NGO_FUZZ_REQUESTS change the seed and the number of requests;
NGO_FUZZ_SECONDS bounds the run's time. Only loopback addresses are used.
"""

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from ngo import create_app
from ngo.extensions import db
from ngo.models import Category, Comment, Organisation, Statement, User
from tests.fuzzing import (
    ADMIN_EMAIL,
    LOOPBACK,
    MAX_BODY,
    SECRET_KEY,
    SIGN_OUT,
    USER_AGENT,
    Fuzzer,
    Gunicorn,
    Identity,
    Targets,
    build,
    csrf_token,
    exchange,
    forms_in,
    get,
    post_form,
    run_flask,
)
from tests.staff import PASSWORD, make_user

SEED = int(os.environ.get("NGO_FUZZ_SEED", "8"))
REQUESTS = int(os.environ.get("NGO_FUZZ_REQUESTS", "3000"))
SECONDS = float(os.environ.get("NGO_FUZZ_SECONDS", "40"))
# The run stops early after this many bad answers.
MAX_FAILURES = int(os.environ.get("NGO_FUZZ_MAX_FAILURES", "10"))
# Endpoints the fuzzer leaves alone: signing its own admin out ends its coverage.
SKIP_ENDPOINTS = {"admin.logout", "admin.sign_out_everywhere"}
SITE_PAGE = b'class="site-header"'


def _empty_postgres(url: str) -> None:
    """Empty every table of the session's PostgreSQL database (other tests' rows)."""
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def _targets(url: str) -> tuple[Targets, int]:
    """The routes, slugs and ids of the seeded site; makes the fuzzer's admin."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True}
    )
    admin_id = make_user(app, "admin", ADMIN_EMAIL)
    make_user(app, "editor", "fuzz-editor@example.org")  # an account to edit
    rules = [
        (rule.rule, tuple(sorted(rule.methods or ())))
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in SKIP_ENDPOINTS
    ]
    with app.app_context():
        slugs = {
            "statement": db.session.scalars(db.select(Statement.slug)).all(),
            "category": db.session.scalars(db.select(Category.slug)).all(),
            "organisation": db.session.scalars(db.select(Organisation.slug)).all(),
        }
        ids = {
            "statement": db.session.scalars(db.select(Statement.id)).all(),
            "category": db.session.scalars(db.select(Category.id)).all(),
            "organisation": db.session.scalars(db.select(Organisation.id)).all(),
            "comment": db.session.scalars(db.select(Comment.id)).all(),
            # Never its own account: disabling it would end the admin's coverage.
            "user": [
                i for i in db.session.scalars(db.select(User.id)).all() if i != admin_id
            ],
        }
        db.session.remove()
        db.engine.dispose()
    return Targets(rules=rules, slugs=slugs, ids=ids, fields=[], links=[]), admin_id


@pytest.fixture(scope="module")
def site(postgres_url, tmp_path_factory):
    """The demo site served by gunicorn (two workers) on a scratch database."""
    tmp = tmp_path_factory.mktemp("fuzz")
    if postgres_url:
        url = postgres_url
        _empty_postgres(url)
    else:
        url = f"sqlite:///{tmp / 'fuzz.db'}"
        run_flask(url, "db", "upgrade")
    run_flask(url, "seed-demo")
    targets, _ = _targets(url)
    server = Gunicorn(
        url,
        tmp / "gunicorn.log",
        # Behind one proxy, as in production (X-Forwarded-* are read); every
        # comment post reaches the form checks, not the flood guard.
        env={"NGO_TRUSTED_PROXIES": "1", "NGO_COMMENT_FLOOD_SECONDS": "0"},
    ).start()
    yield server, targets
    server.stop()


def _session(response, cookie: str = "") -> str:
    """The Cookie header after this response (its session cookie replacing ours)."""
    jar = dict(p.split("=", 1) for p in cookie.split("; ") if "=" in p)
    jar.update(response.cookies())
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def _identities(port: int, targets: Targets) -> list[Identity]:
    """An anonymous client, a reader with a form token, a signed-in admin."""
    slug = targets.slugs["statement"][0]
    page = get(port, f"/statements/{slug}")
    reader = Identity("reader", _session(page), csrf_token(page.text))

    login = get(port, "/admin/login")
    cookie = _session(login)
    signed = post_form(
        port,
        "/admin/login",
        {
            "csrf_token": csrf_token(login.text),
            "email": ADMIN_EMAIL,
            "password": PASSWORD,
        },
        cookie,
    )
    assert signed.status == 303, signed.status
    cookie = _session(signed, cookie)
    dashboard = get(port, "/admin/", cookie)
    assert dashboard.status == 200, dashboard.status
    cookie = _session(dashboard, cookie)
    admin = Identity("admin", cookie, csrf_token(dashboard.text))
    return [Identity("anonymous"), reader, admin]


def _learn(port: int, targets: Targets, admin: Identity) -> None:
    """Collect the site's own links and form field names from a few pages."""
    pages = ["/", "/accessibility", f"/statements/{targets.slugs['statement'][0]}"]
    pages += ["/admin/", "/admin/statements/new", "/admin/users/new"]
    pages += [f"/admin/statements/{targets.ids['statement'][0]}/edit"]
    pages += [
        f"/admin/{plural}/{targets.ids[kind][0]}/edit"
        for kind, plural in [
            ("category", "categories"),
            ("organisation", "organisations"),
            ("user", "users"),
        ]
        if targets.ids[kind]
    ]
    pages += ["/admin/categories/new", "/admin/organisations/new", "/admin/account"]
    pages += ["/admin/comments", "/admin/comments?status=approved"]
    links, fields, forms = set(), set(), []
    for path in pages:
        html = get(port, path, admin.cookie).text
        links.update(re.findall(r'href="(/(?!/)[^"#]*)', html))
        fields.update(re.findall(r'name="([\w-]+)"', html))
        forms += forms_in(html, path, admin=path.startswith("/admin/"))
    targets.links = sorted(x for x in links if not SIGN_OUT.search(x))[:300]
    targets.fields = sorted(fields - {"csrf_token"})
    unique = {(f.action, tuple(n for n, _ in f.fields)): f for f in forms}
    targets.forms = list(unique.values())


def _is_gunicorn_refusal(response) -> bool:
    """gunicorn's own 400 for a request it cannot parse (the app never saw it)."""
    return response.header("Server") is None and b"<h1><p>" in response.body


def _problem(response) -> str | None:
    """What is wrong with an answer: none, a 5xx, or the site's headers missing."""
    if response is None:
        return "no answer"
    if response.status >= 500:
        return f"{response.status}"
    if _is_gunicorn_refusal(response):
        return None
    if response.header("Content-Security-Policy") is None:
        return f"{response.status} without the security headers"
    html = (response.header("Content-Type") or "").startswith("text/html")
    if (
        response.status >= 400
        and html
        and response.body
        and SITE_PAGE not in (response.body)
    ):
        return f"{response.status} without the site's own page"
    return None


# Hosts IDNA refuses (a label of 64+ characters, an empty label): gunicorn's
# bare 500 before; now the site's own 400.
REFUSED_HOSTS = [
    b"a" * 64,
    b"a" * 64 + b".example.org",
    b"a" * 300 + b":8000",
    b"a..b",
    b".",
    b"xn--a.example..org",
    # Routed, but punycode that decodes to no name: no absolute address can be made.
    b"xn--a",
    b"xn--zz.example",
]
# Hosts Werkzeug reads as no host at all: the page, as for HTTP/1.0 without Host.
IGNORED_HOSTS = [b"\xff\xfe", b"[::1", b"example.org:port", b"", b"a b"]


# Raw query bytes, read as their percent-encoding: (target, status when anonymous).
RAW_QUERIES = [
    (b"/?page=\xff", 404),
    (b"/?page=1&q=\xc3", 200),
    (b"/accessibility?next=\xff", 200),
    (b"/accessibility?next=/\xc3\xa9", 200),
    (b"/admin/?\xff", 302),
    (b"/admin/statements?q=\xff", 302),
    (b"/admin/comments?status=\xfe\xff", 302),
    (b"/admin/login?next=\xff", 200),
]
ADMIN_PAGES = [b"/admin/", b"/admin/statements", b"/admin/comments", b"/admin/users"]
FORM_PATHS = ["/accessibility", "/admin/login", "/statements/{slug}/comments"]
JSON_BODIES = [b"{", b"[1,2]", b'"x"', b'{"bg":123}']


def _malformed_requests(port: int, targets: Targets, identities):
    """(what, raw request, expected status) for each case the issue reproduced."""
    host = f"{LOOPBACK}:{port}".encode()
    reader, admin = identities[1], identities[2]
    slug = targets.slugs["statement"][0]
    cases = []
    for bad in REFUSED_HOSTS:
        for path in (b"/", b"/admin/", b"/accessibility", b"/nope", b"/statements"):
            request = build(b"GET", path, [(b"Host", bad)])
            cases.append((f"Host {bad[:20]!r} on {path!r}", request, 400))
    for odd in IGNORED_HOSTS:
        cases.append((f"Host {odd!r}", build(b"GET", b"/", [(b"Host", odd)]), 200))
    for target, status in RAW_QUERIES:
        cases.append((repr(target), build(b"GET", target, [(b"Host", host)]), status))
    signed_in = [
        (b"Host", host),
        (b"User-Agent", USER_AGENT.encode()),
        (b"Cookie", admin.cookie.encode()),
    ]
    for page in ADMIN_PAGES:
        target = page + b"?q=\xff&action=\xc3&outcome=\xfe\xff"
        cases.append((f"admin {target!r}", build(b"GET", target, signed_in), 200))
    for path in FORM_PATHS:
        target = path.format(slug=slug).encode()
        form = [
            (b"Host", host),
            (b"Content-Type", b"application/x-www-form-urlencoded"),
        ]
        huge = b"comment=" + b"a" * MAX_BODY
        cases.append(
            (f"{MAX_BODY} bytes to {path}", build(b"POST", target, form, huge), 413)
        )
        as_reader = [
            (b"Host", host),
            (b"User-Agent", USER_AGENT.encode()),
            (b"Cookie", reader.cookie.encode()),
            (b"X-CSRFToken", reader.token.encode()),
            (b"Accept", b"application/json"),
            (b"Content-Type", b"application/json"),
        ]
        for body in JSON_BODIES:
            request = build(b"POST", target, as_reader, body)
            cases.append((f"JSON {body!r} to {path}", request, 415))
        with_referrer = [(b"Host", host), (b"Referer", b"http://[::1")]
        request = build(b"POST", target, with_referrer, b"")
        cases.append((f"Referer http://[::1 on {path}", request, 400))
    return cases


def test_malformed_requests_get_the_site_page_and_headers(site):
    """Each case the issue reproduced (a 5xx then), over a socket to gunicorn."""
    server, targets = site
    identities = _identities(server.port, targets)
    wrong = []
    for what, request, status in _malformed_requests(server.port, targets, identities):
        response = exchange(server.port, request)
        if response is None or response.status != status:
            wrong.append(f"{what}: {response and response.status}, not {status}")
        elif SITE_PAGE not in response.body and status != 302:
            wrong.append(f"{what}: {status} without the site's own page")
        elif (
            "frame-ancestors 'none'"
            not in (response.header("Content-Security-Policy") or "")
            or response.header("X-Content-Type-Options") != "nosniff"
        ):
            wrong.append(f"{what}: {status} without the security headers")
    assert not wrong, "\n".join(wrong) + f"\n{server.log_text()}"


def test_fuzzed_requests_never_get_a_5xx(site):
    server, targets = site
    identities = _identities(server.port, targets)
    _learn(server.port, targets, identities[-1])
    fuzzer = Fuzzer(SEED, server.port, targets, identities)
    deadline = time.monotonic() + SECONDS
    statuses: dict[int, int] = {}
    failures = []

    def one(index: int):
        if time.monotonic() > deadline or len(failures) >= MAX_FAILURES:
            return
        raw, who = fuzzer.request(index)
        try:
            response = exchange(server.port, raw, timeout=35)
        except TimeoutError:
            response = None
        if response is not None:
            statuses[response.status] = statuses.get(response.status, 0) + 1
        problem = _problem(response)
        if problem:
            failures.append((index, who, problem, raw))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(REQUESTS)))
    sent = sum(statuses.values())
    elapsed = time.monotonic() - started
    counts = sorted(statuses.items())
    print(f"fuzz seed {SEED}: {sent} answers in {elapsed:.1f}s: {counts}")
    if failures:
        report = "\n\n".join(
            f"request #{i} (seed {SEED}, {who}): {problem}\n{raw[:1500]!r}"
            for i, who, problem, raw in sorted(failures)[:5]
        )
        pytest.fail(
            f"{len(failures)} bad answers.\n\n{report}\n\n"
            f"--- gunicorn log {server.log_path} (end) ---\n{server.log_text()}",
            pytrace=False,
        )
    assert sent >= min(REQUESTS, 500), f"only {sent} requests answered in {SECONDS}s"
