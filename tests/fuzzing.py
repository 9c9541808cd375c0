"""Fuzz test helpers: a gunicorn to aim at, raw HTTP over a socket, seeded requests."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "fuzz-secret-key"
USER_AGENT = "Mozilla/5.0 (ngo fuzz test)"
ADMIN_EMAIL = "fuzz-admin@example.org"
LOOPBACK = "127.0.0.1"
# The body limit the app is configured with (MAX_CONTENT_LENGTH).
MAX_BODY = 1024 * 1024


# --------------------------------------------------------------------------- server


def run_flask(database_url: str, *args: str) -> None:
    """Run `flask --app ngo ARGS` against this database, as the README says."""
    env = dict(os.environ, NGO_DATABASE_URL=database_url, NGO_SECRET_KEY=SECRET_KEY)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ngo", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    if done.returncode:
        output = (done.stdout + done.stderr).decode("utf-8", "replace")
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{output[-3000:]}")


@dataclass
class Gunicorn:
    """A gunicorn serving wsgi:app on a free loopback port; its log in a file."""

    database_url: str
    log_path: Path
    workers: int = 2
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        """Start it, wait until /healthz answers, and learn its port."""
        env = dict(
            os.environ,
            NGO_DATABASE_URL=self.database_url,
            NGO_SECRET_KEY=SECRET_KEY,
            **self.env,
        )
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{LOOPBACK}:0",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "3",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = re.search(
                rb"Listening at: http://127\.0\.0\.1:(\d+)", self.log_path.read_bytes()
            )
            if found:
                self.port = int(found.group(1))
                break
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_text()}")
            time.sleep(0.05)
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer:\n{self.log_text()}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it lingers)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()

    def log_text(self, last: int = 6000) -> str:
        """The end of the server's log, tracebacks included."""
        return self.log_path.read_bytes()[-last:].decode("utf-8", "replace")


# ----------------------------------------------------------------------- raw HTTP


@dataclass
class Response:
    """A parsed HTTP response."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header of this name (case-insensitive), or None."""
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def cookies(self) -> dict[str, str]:
        """The name=value pairs of every Set-Cookie header."""
        found = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, val = pair.partition("=")
                found[name.strip()] = val.strip()
        return found

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


def exchange(port: int, raw: bytes, timeout: float = 30.0) -> Response | None:
    """Send raw bytes to the server and read its whole answer (None if it has none)."""
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it answered (413, 400) before reading the whole body
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return parse_response(b"".join(chunks))


def parse_response(data: bytes) -> Response | None:
    """Status, headers and body of one HTTP/1.x response (the body de-chunked)."""
    while re.match(rb"HTTP/1\.[01] 1\d\d ", data):  # 100 Continue comes first
        data = data.partition(b"\r\n\r\n")[2]
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/"):
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers.append((key.strip(), value.strip()))
    response = Response(status, headers, body)
    if (response.header("Transfer-Encoding") or "").lower() == "chunked":
        response.body = _dechunk(body)
    return response


def _dechunk(body: bytes) -> bytes:
    """The payload of a chunked body."""
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


def build(
    method: bytes,
    target: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    version: bytes = b"HTTP/1.1",
    chunked: bool = False,
) -> bytes:
    """One raw request; Content-Length (or chunking) and Connection: close added."""
    lines = [method + b" " + target + b" " + version]
    lines += [name + b": " + value for name, value in headers]
    if chunked:
        lines.append(b"Transfer-Encoding: chunked")
        step = max(1, len(body) // 3)
        parts = [body[i : i + step] for i in range(0, len(body), step)]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
    elif body or method in (b"POST", b"PUT", b"PATCH"):
        lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def get(port: int, target: str, cookie: str = "", **headers: str) -> Response:
    """A plain GET as a browser would send it."""
    head = [
        (b"Host", f"{LOOPBACK}:{port}".encode()),
        (b"User-Agent", USER_AGENT.encode()),
    ]
    if cookie:
        head.append((b"Cookie", cookie.encode()))
    head += [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    response = exchange(port, build(b"GET", target.encode(), head))
    assert response is not None, target
    return response


def post_form(port: int, target: str, fields: dict, cookie: str = "") -> Response:
    """A form POST as a browser would send it."""
    head = [
        (b"Host", f"{LOOPBACK}:{port}".encode()),
        (b"User-Agent", USER_AGENT.encode()),
        (b"Content-Type", b"application/x-www-form-urlencoded"),
    ]
    if cookie:
        head.append((b"Cookie", cookie.encode()))
    response = exchange(
        port, build(b"POST", target.encode(), head, urlencode(fields).encode())
    )
    assert response is not None, target
    return response


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


# ---------------------------------------------------------------------- generator


@dataclass
class Identity:
    """Who sends a request: cookies and the CSRF token that goes with them."""

    name: str
    cookie: str = ""
    token: str = ""


@dataclass
class Form:
    """A POST form as a page serves it: where it goes and what it sends."""

    action: str
    fields: list[tuple[str, str]]
    admin: bool
    # Unchecked boxes (sent now and then) and named submit buttons (one is pressed).
    boxes: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormReader(HTMLParser):
    """Every POST form of a page, with the values a browser would send."""

    def __init__(self, page: str, admin: bool):
        super().__init__(convert_charrefs=True)
        self.page, self.admin = page, admin
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._text: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        name = attrs.get("name", "")
        if tag == "form" and attrs.get("method", "").lower() == "post":
            action = attrs.get("action") or self.page
            self._form = Form(action.replace("&amp;", "&"), [], self.admin)
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields.append((self._select, attrs.get("value", "")))
            self._select = None
        elif self._form is None or not name:
            return
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            pair = (name, attrs.get("value") or "y")
            (self._form.fields if "checked" in attrs else self._form.boxes).append(pair)
        elif tag == "button" or attrs.get("type") == "submit":
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "input":
            self._form.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self._text = name
            self._form.fields.append((name, ""))
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._text and self._form and self._form.fields:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)


def forms_in(html: str, page: str, admin: bool) -> list[Form]:
    """The POST forms of a page, but those that would sign the fuzzer's admin out."""
    reader = _FormReader(page, admin)
    reader.feed(html)
    return [f for f in reader.forms if not SIGN_OUT.search(f.action)]


# Cookies the site sets, each of which the fuzzer bends.
COOKIE_NAMES = (
    "session",
    "ngo_a11y",
    "ngo_device",
    "comment_author",
    "comment_pending",
)
# Which slugs a route's first path segment takes.
SLUG_KINDS = {
    "statements": "statement",
    "category": "category",
    "organisations": "organisation",
}
# Forms that hash a password or render Markdown in a child process (~0.2 s each)
# are sent less often, so that a run of thousands stays within a minute.
SLOW_FORMS = re.compile(r"^/admin/(statements|users|account)")
# Forms that end the fuzzer's own admin session.
SIGN_OUT = re.compile(r"^/admin/(logout|account/sign-out)")
# Values that get a form past its required fields, so that the odd one is reached.
PLAUSIBLE = {
    "comment": "A thoughtful comment about this statement.",
    "author": "Ani Reader",
    "email": "ani@example.org",
    "title": "A statement made by the fuzzer",
    "name": "Fuzzer Organisation",
    "body": "Some *Markdown* text.",
    "summary": "A short summary.",
    "date": "2024-01-02",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


@dataclass
class Targets:
    """What the fuzzer knows about the site: routes, ids, field and link names."""

    rules: list[tuple[str, tuple[str, ...]]]
    slugs: dict[str, list[str]]
    ids: dict[str, list[int]]
    fields: list[str]
    links: list[str]
    forms: list[Form] = field(default_factory=list)


ODD_METHODS = [
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"PATCH",
    b"OPTIONS",
    b"TRACE",
    b"PROPFIND",
    b"CONNECT",
    b"FOO",
    b"get",
]
QUERY_KEYS = [
    "page",
    "next",
    "q",
    "status",
    "action",
    "outcome",
    "replytocom",
    "parent",
    "statement",
    "p",
    "v",
    "lang",
    "category",
    "organisation",
    "sort",
    "comment",
]
TEXT_VALUES = [
    "",
    " ",
    "0",
    "1",
    "2",
    "-1",
    "007",
    "1.5",
    "1e9",
    "99999999999999999999999",
    "9" * 400,
    "abc",
    "null",
    "true",
    "[]",
    "{}",
    "NaN",
    "\x00",
    "a\x00b",
    "\x7f\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "\t",
    "\u202eevil",
    "\ufeffbom",
    "\ue000boom\ue000",
    "\ue000csrf\ue000",
    "\ud7ff\uffff",
    "Հայտարարություն",
    "Заявление",
    "👩🏽‍⚖️" * 20,
    "é" * 3000,
    "x" * 70_000,
    "<script>alert(1)</script>",
    "<b>x\n\n" * 9000,
    "<i>" * 20_000,
    "<blockquote>\n\n" * 5000,
    "<a href='http://x'>" * 3000,
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "' OR 1=1 --",
    "%00",
    "%ff",
    "%",
    "%%",
    "../../etc/passwd",
    "/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/admin/",
    "/statements?x=1#y",
    "#ffffff",
    "#000",
    "#zzzzzz",
    "pending",
    "approved",
    "spam",
    "trash",
    "published",
    "draft",
    "admin",
    "editor",
    "moderator",
    "large",
    "verdana",
    "bold",
    "3px",
    "dark",
    "open",
    "closed",
    "bg",
    "fg",
    "settings",
    "toolbar",
    "name@example.org",
    "x@[::1]",
    "a@b",
    "@",
    "http://[::1",
    "http://[::1]:99999",
    "https://[example.org]",
    "http://example.org:port",
    "http://" + "a" * 70 + ".org",
    "http://xn--a.org",
    "https://example.org/" + "x" * 300,
    "2023-02-30",
    "2023-09-19",
    "9999-99-99",
]
FORM_FIELDS = [
    "comment",
    "author",
    "email",
    "url",
    "remember",
    "subject",
    "comment_parent",
    "stamp",
    "next",
    "place",
    "size",
    "font",
    "weight",
    "spacing",
    "scheme",
    "bg",
    "fg",
    "apply",
    "bg_custom",
    "fg_custom",
    "reset",
    "toolbar",
    "password",
    "current_password",
    "confirm",
    "role",
    "active",
    "title",
    "slug",
    "summary",
    "body",
    "body_source",
    "language",
    "published_at",
    "categories",
    "signatories",
    "name",
    "website",
    "parent_id",
    "action",
    "ids",
    "status",
    "comments_open",
    "views",
]
JSON_BODIES = [
    b"{",
    b"[1,2]",
    b'"x"',
    b"1",
    b"null",
    b"true",
    b"[]",
    b"{}",
    b'{"bg":123}',
    b'{"comment":["a"],"author":{"x":1},"email":null}',
    b'{"next":[],"size":{"a":"b"}}',
    b'{"email":1,"password":2}',
    b'{"csrf_token":1}',
    b"\xff\xfe{",
    b'{"a":' * 500,
    b"[" * 10_000,
]
CONTENT_TYPES = [
    b"application/x-www-form-urlencoded",
    b"application/x-www-form-urlencoded; charset=latin-1",
    b"application/x-www-form-urlencoded; charset=nonsense",
    b"multipart/form-data",
    b"multipart/form-data; boundary=",
    b"multipart/form-data; boundary=zz",
    b"application/json",
    b"application/json; charset=utf-16",
    b"application/vnd.api+json",
    b"text/plain",
    b"text/html",
    b"application/octet-stream",
    b"image/png",
    b";;;",
    b"\xff/\xfe",
    b"",
]


class Fuzzer:
    """Makes request number i of a seeded run: the same seed, the same requests."""

    def __init__(self, seed: int, port: int, targets: Targets, identities):
        self.seed = seed
        self.port = port
        self.targets = targets
        self.identities = identities
        self.host = f"{LOOPBACK}:{port}".encode()

    def request(self, index: int) -> tuple[bytes, str]:
        """The raw bytes of request `index`, and who sent it."""
        rng = random.Random(f"{self.seed}:{index}")
        who = rng.choice(self.identities)
        if self.targets.forms and rng.random() < 0.3:
            return self._form_post(rng, who)
        method, path = self._route(rng)
        target = self._mutate_path(rng, path)
        if rng.random() < 0.5:
            target += b"?" + self._query(rng)
        headers = self._headers(rng, who)
        body, chunked = b"", False
        if method in (b"POST", b"PUT", b"PATCH") or rng.random() < 0.03:
            body, content_type = self._body(rng, who)
            if content_type is not None:
                headers.append((b"Content-Type", content_type))
            chunked = rng.random() < 0.05
        rng.shuffle(headers)
        version = b"HTTP/1.1" if rng.random() < 0.97 else b"HTTP/1.0"
        return build(method, target, headers, body, version, chunked), who.name

    def _form_post(self, rng, who: Identity) -> tuple[bytes, str]:
        """One of the site's own forms, filled in, with one or two fields made odd."""
        forms = self.targets.forms
        weights = [0.15 if SLOW_FORMS.match(f.action) else 1.0 for f in forms]
        form = rng.choices(forms, weights)[0]
        if form.admin:
            who = next(i for i in self.identities if i.name == "admin")
        fields = [
            (name, value if value.strip() else PLAUSIBLE.get(name, value))
            for name, value in form.fields
            if name != "csrf_token"
        ]
        fields += [box for box in form.boxes if rng.random() < 0.5]
        if form.buttons:
            fields.append(rng.choice(form.buttons))
        for _ in range(rng.randint(1, 2)):
            if fields and rng.random() < 0.8:
                at = rng.randrange(len(fields))
                fields[at] = (fields[at][0], self._value(rng))
            else:
                fields.append((rng.choice(self.targets.fields or FORM_FIELDS), ""))
        if who.token and rng.random() < 0.95:
            fields.append(("csrf_token", who.token))
        headers = [(b"Host", self.host), (b"User-Agent", USER_AGENT.encode())]
        if who.cookie:
            headers.append((b"Cookie", who.cookie.encode()))
        if rng.random() < 0.3:
            headers.append((b"Referer", self._referer(rng)))
        if rng.random() < 0.2:
            headers.append((b"Accept", b"application/json"))
        target = form.action.split("#")[0].encode("utf-8")
        if rng.random() < 0.2:
            target += b"?" + self._query(rng)
        if rng.random() < 0.25:
            boundary = b"fuzzform"
            body = (
                b"".join(
                    b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                    % (boundary, k.encode(), v.encode("utf-8", "surrogatepass"))
                    for k, v in fields
                )
                + b"--%s--\r\n" % boundary
            )
            content_type = b"multipart/form-data; boundary=" + boundary
        else:
            body = "&".join(
                quote(k) + "=" + quote(v.encode("utf-8", "surrogatepass"))
                for k, v in fields
            ).encode()
            content_type = b"application/x-www-form-urlencoded"
        headers.append((b"Content-Type", content_type))
        return build(b"POST", target, headers, body), f"{who.name} form"

    # Paths -------------------------------------------------------------------

    def _route(self, rng) -> tuple[bytes, str]:
        """A method and a path: from the app's routes, links seen, or made up."""
        roll = rng.random()
        if roll < 0.15 and self.targets.links:
            path, methods = rng.choice(self.targets.links), ("GET",)
        elif roll < 0.22:
            path = rng.choice(
                [
                    "/",
                    "/admin",
                    "/admin/",
                    "/admin/nope",
                    "/hy/",
                    "/ru/statements",
                    "/statements",
                    "/search",
                    "/feed",
                    "/sitemap.xml",
                    "/robots.txt",
                    "/favicon.ico",
                    "/static/css/site.css",
                    "/static/..%2f..%2fwsgi.py",
                    "/statements/" + "a" * 3000,
                    "//statements",
                    "/./admin/",
                    "/%2e%2e/",
                ]
            )
            methods = ("GET", "POST")
        else:
            rule, methods = rng.choice(self.targets.rules)
            kind = SLUG_KINDS.get(rule.strip("/").split("/")[0], "")
            path = re.sub(
                r"<(?:(\w+):)?(\w+)>", lambda m: self._arg(rng, m, kind), rule
            )
        if rng.random() < 0.1:
            return rng.choice(ODD_METHODS), path
        method = "POST" if "POST" in methods and rng.random() < 0.6 else "GET"
        return method.encode(), path

    def _arg(self, rng, match, kind: str) -> str:
        """A value for one URL argument: a real slug or id mostly, junk sometimes."""
        converter, name = match.group(1), match.group(2)
        roll = rng.random()
        if converter == "int":
            pool = self.targets.ids.get(name.removesuffix("_id"), []) or [1]
            if roll < 0.8:
                return str(rng.choice(pool))
            return rng.choice(["0", "99999999", "9" * 30, "-1"])
        if converter == "path":
            return rng.choice(["css/site.css", "js/accessibility.js", "x", "../x"])
        pool = self.targets.slugs.get(kind) or sum(self.targets.slugs.values(), [])
        if roll < 0.7 and pool:
            return rng.choice(pool)
        if roll < 0.8:  # a slug of another kind
            return rng.choice(sum(self.targets.slugs.values(), []) or ["x"])
        return quote(rng.choice(TEXT_VALUES)[:200].encode("utf-8", "surrogatepass"))

    def _mutate_path(self, rng, path: str) -> bytes:
        """The path as sent, sometimes bent: raw bytes, encodings, prefixes."""
        raw = path.encode("utf-8", "surrogatepass")
        roll = rng.random()
        if roll < 0.04:
            raw += bytes([rng.randrange(0x80, 0x100)])
        elif roll < 0.08:
            raw += b"%" + b"%02x" % rng.randrange(256)
        elif roll < 0.1:
            raw = rng.choice([b"/hy", b"/ru", b"/en"]) + raw
        elif roll < 0.12:
            raw += b"/"
        elif roll < 0.13:
            raw = raw.replace(b"/", b"//")
        elif roll < 0.14:
            raw = b"http://" + self.host + raw  # absolute-form
        elif roll < 0.15:
            raw += b";x=1"
        return raw

    def _query(self, rng) -> bytes:
        """A query string: known keys, odd values, raw bytes now and then."""
        parts = []
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(QUERY_KEYS + self.targets.fields[:20])
            value = self._value(rng)[:2000]
            encoded = value.encode("utf-8", "surrogatepass")
            style = rng.random()
            if style < 0.7:
                item = quote(key) + "=" + quote(encoded)
                parts.append(item.encode())
            elif style < 0.85:
                raw = bytes(
                    rng.randrange(0x80, 0x100) for _ in range(rng.randint(1, 3))
                )
                parts.append(key.encode() + b"=" + raw)
            else:
                keep = bytes(range(0x21, 0x7F)).replace(b"#", b"")
                clean = bytes(b for b in encoded if b in keep)
                parts.append(key.encode() + b"=" + clean)
        if rng.random() < 0.05:
            parts.append(b"&&=&%zz")
        return b"&".join(parts)

    def _value(self, rng) -> str:
        """One field or parameter value."""
        roll = rng.random()
        if roll < 0.7:
            return rng.choice(TEXT_VALUES)
        if roll < 0.8 and self.targets.links:
            return rng.choice(self.targets.links)
        if roll < 0.9:
            return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(20))
        return str(rng.choice(sum(self.targets.ids.values(), []) or [1]))

    # Headers -----------------------------------------------------------------

    def _headers(self, rng, who: Identity) -> list[tuple[bytes, bytes]]:
        """Host, Cookie, Referer, language and friends; usually sane, often odd."""
        headers = []
        roll = rng.random()
        if roll < 0.9:
            headers.append((b"Host", self.host))
        elif roll < 0.98:
            headers.append((b"Host", rng.choice(self._bad_hosts())))
        if rng.random() < 0.2:
            headers.append(
                (
                    b"X-Forwarded-For",
                    rng.choice(
                        [
                            b"203.0.113.%d" % rng.randrange(256),
                            b"2001:db8::%x" % rng.randrange(65536),
                            b"unknown",
                            b"",
                            b"1.2.3.4, 5.6.7.8, ::1",
                            b"999.999.999.999",
                            b"\xff" * 10,
                            b"x" * 2000,
                        ]
                    ),
                )
            )
        if rng.random() < 0.05:
            headers.append(
                (b"X-Forwarded-Proto", rng.choice([b"https", b"http", b"", b"\xff"]))
            )
        # A staff session is bound to its browser: the admin keeps its own.
        if rng.random() < 0.9 or who.name == "admin":
            headers.append((b"User-Agent", USER_AGENT.encode()))
        else:
            headers.append((b"User-Agent", rng.choice([b"", b"\xff\xfe", b"x" * 4000])))
        cookie = self._cookie(rng, who)
        if cookie is not None:
            headers.append((b"Cookie", cookie))
        if rng.random() < 0.4:
            headers.append((b"Referer", self._referer(rng)))
        if rng.random() < 0.4:
            headers.append(
                (
                    b"Accept-Language",
                    rng.choice(
                        [
                            b"hy",
                            b"ru-RU,ru;q=0.9",
                            b"en;q=abc",
                            b"*;q=-1",
                            b"x" * 500,
                            b",,,;;;",
                            b"\xff",
                            b"hy;q=1e999",
                        ]
                    ),
                )
            )
        if rng.random() < 0.4:
            headers.append(
                (
                    b"Accept",
                    rng.choice(
                        [
                            b"application/json",
                            b"text/html",
                            b"*/*",
                            b"application/json;q=0.9,text/html;q=0.1",
                            b"nonsense/;;",
                            b"\xff/\xff",
                        ]
                    ),
                )
            )
        if rng.random() < 0.3 and who.token:
            headers.append((b"X-CSRFToken", who.token.encode()))
        if rng.random() < 0.1:
            headers.append(
                rng.choice(
                    [
                        (b"X-Forwarded-For", b"not-an-ip, \xff"),
                        (b"X-Forwarded-Proto", b"gopher"),
                        (b"If-None-Match", b'"x", W/"\xff"'),
                        (b"If-Modified-Since", b"Mon, 99 Foo 9999 99:99:99 GMT"),
                        (b"Range", b"bytes=9-1,-0,abc"),
                        (b"Authorization", b"Basic \xff=="),
                        (b"Origin", b"null"),
                        (b"Content-Encoding", b"gzip"),
                        (b"Expect", b"100-continue"),
                    ]
                )
            )
        return headers

    def _bad_hosts(self) -> list[bytes]:
        """Host headers the site must refuse or ignore without a 5xx."""
        return [
            b"a" * 64,
            b"a" * 64 + b".example.org",
            b"a" * 300,
            b"a..b",
            b".",
            b"..",
            b"-",
            b"xn--a",
            b"xn--zz.example",
            b"example.org:port",
            b"example.org:99999999",
            b"[::1",
            b"[::1]:80",
            b"\xff\xfe",
            "bücher.example".encode(),
            b"evil.example",
            b"",
            b"127.0.0.1:" + str(self.port).encode() + b", evil.example",
        ]

    def _cookie(self, rng, who: Identity) -> bytes | None:
        """The identity's own cookies, or broken ones."""
        roll = rng.random()
        if roll < 0.7:
            return who.cookie.encode() if who.cookie else None
        if roll < 0.8:
            return self._bent_cookie(rng, who)
        return rng.choice(
            [
                b"session=" + who.cookie.encode()[-40:],
                b"session=.eJx" + b"A" * 100,
                b"session=" + b"x" * 5000,
                b"session=\xff\xfe",
                b"ngo_a11y=size:huge|bg:#zzz",
                b"ngo_a11y=" + b"%ff" * 30,
                b"ngo_a11y=\x00",
                b"ngo_a11y=" + b"a" * 4000,
                b'ngo_a11y="unterminated',
                b"comment_author=junk; comment_pending=1,2,x",
                b"comment_pending=" + b"9" * 500,
                b"=;;;=;",
                b"a=b; " * 200,
                who.cookie.encode() + b"; ngo_a11y=bg:#123456",
            ]
        )

    def _bent_cookie(self, rng, who: Identity) -> bytes:
        """The identity's cookies with one of them cut, padded or replaced."""
        jar = [p.split("=", 1) for p in who.cookie.split("; ") if "=" in p]
        names = [n for n, _ in jar] + list(COOKIE_NAMES)
        name = rng.choice(names)
        value = dict(jar).get(name, "x")
        bent = rng.choice(
            [
                value[: rng.randrange(len(value) + 1)],
                value + rng.choice(["x", ".", "==", "\\", '"']),
                value[::-1],
                rng.choice(TEXT_VALUES)[:300],
                "",
            ]
        )
        jar = [(n, v) for n, v in jar if n != name] + [(name, bent)]
        return "; ".join(f"{n}={v}" for n, v in jar).encode("utf-8", "surrogatepass")

    def _referer(self, rng) -> bytes:
        """A referrer: ours, someone else's, or not a URL at all."""
        return rng.choice(
            [
                b"http://" + self.host + b"/statements/x?page=2",
                b"http://" + self.host + b"/%ff",
                b"http://" + self.host + b"/\xff",
                b"http://[::1",
                b"http://[::1]:99999/",
                b"https://[example.org]/",
                b"http://evil.example/",
                b"//" + self.host + b"/",
                b"javascript:alert(1)",
                b"\xff\xfe",
                b"http://" + self.host + b"/" + b"a" * 5000,
                b"",
            ]
        )

    # Bodies ------------------------------------------------------------------

    def _body(self, rng, who: Identity) -> tuple[bytes, bytes | None]:
        """A body and its Content-Type: forms mostly, JSON, multipart, junk, huge."""
        roll = rng.random()
        if roll < 0.005:
            return b"x=" + b"a" * (MAX_BODY + 10), b"application/x-www-form-urlencoded"
        if roll < 0.5:
            return self._form(rng, who), rng.choice(
                [b"application/x-www-form-urlencoded"] * 5 + CONTENT_TYPES
            )
        if roll < 0.65:
            return self._multipart(rng, who)
        if roll < 0.85:
            body = rng.choice(JSON_BODIES)
            if rng.random() < 0.5 and who.token:
                fields = {rng.choice(self.targets.fields): self._value(rng)}
                fields["csrf_token"] = who.token
                body = json.dumps(fields).encode()
            return body, rng.choice(
                [b"application/json", b"application/json; charset=utf-8"]
            )
        if roll < 0.95:
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))), (
                rng.choice(CONTENT_TYPES)
            )
        return b"", rng.choice(CONTENT_TYPES + [None])

    def _fields(self, rng, who: Identity) -> list[tuple[str, str]]:
        """Form fields: real names, odd values, the identity's CSRF token mostly."""
        names = self.targets.fields or FORM_FIELDS
        pairs = [
            (rng.choice(names), self._value(rng)) for _ in range(rng.randint(0, 8))
        ]
        if who.token and rng.random() < 0.8:
            pairs.append(("csrf_token", who.token))
        return pairs

    def _form(self, rng, who: Identity) -> bytes:
        """An urlencoded body; now and then with raw or broken bytes."""
        pairs = self._fields(rng, who)
        body = "&".join(
            quote(k) + "=" + quote(v.encode("utf-8", "surrogatepass")) for k, v in pairs
        ).encode()
        if rng.random() < 0.1:
            body += b"&comment=\xff\xfe%zz%&" + b"=" * rng.randint(1, 3)
        return body

    def _multipart(self, rng, who: Identity) -> tuple[bytes, bytes]:
        """A multipart body, well-formed or not, with a file part now and then."""
        boundary = b"fuzz" + str(rng.randrange(10**6)).encode()
        parts = []
        for name, value in self._fields(rng, who):
            parts.append(
                b'Content-Disposition: form-data; name="%s"\r\n\r\n%s'
                % (name.encode(), value.encode("utf-8", "surrogatepass"))
            )
        if rng.random() < 0.3:
            parts.append(
                b'Content-Disposition: form-data; name="file"; filename="../x.md"\r\n'
                b"Content-Type: text/markdown\r\n\r\n---\ntitle: x\n---\n\xff"
            )
        body = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
        body += b"--" + boundary + b"--\r\n"
        if rng.random() < 0.15:
            body = body[: rng.randrange(len(body) + 1)]
        content_type = b"multipart/form-data; boundary=" + boundary
        if rng.random() < 0.1:
            content_type = rng.choice(
                [b"multipart/form-data", b"multipart/form-data; boundary=other"]
            )
        return body, content_type
