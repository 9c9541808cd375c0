"""Security headers on every response, and refusal of requests no page could answer."""

import secrets
from urllib.parse import quote

from flask import Flask, abort, current_app, g, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, ValidationError

REFERRER_POLICY = "strict-origin-when-cross-origin"
# The largest id an integer column holds (PostgreSQL's `integer`).
MAX_ID = 2**31 - 1
# Methods whose body Flask-WTF reads as the form (JSON included).
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Query bytes kept as they are; others are percent-encoded as a browser would.
_QUERY_SAFE = bytes(range(0x21, 0x7F))


def csp_nonce() -> str:
    """A per-response nonce for the rare `<style>` that must be inline."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    """The policy: everything from this site, nothing inline without a nonce."""
    style = "'self'"
    if "csp_nonce" in g:
        style += f" 'nonce-{g.csp_nonce}'"
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src {style}; img-src 'self'; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'; frame-ancestors 'none'"
    )


def refuse_odd_urls():
    """Answer 414 for overlong paths and 400 for bytes no slug can contain."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if len(request.path) > current_app.config["MAX_PATH_LENGTH"] or len(raw) > (
        current_app.config["MAX_PATH_LENGTH"] * 4
    ):
        abort(414)
    if "\x00" in request.path or "\ufffd" in request.path:
        abort(400)


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL: only ids a database column can hold; others are a 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        """The number, or no match for one with more digits than any id has."""
        if len(value.lstrip("0")) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def database_id(value) -> int:
    """`coerce` for a form's id fields: a number an id column can hold, else ValueError.

    `coerce=int` lets any length through, and SQLite cannot bind a number past
    2**63, so a made-up id in a form would fail in the database, not the form."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value!r} is not an id")
    return number


def _fallback_host() -> str:
    """A host the site answers to, for building URLs when the request's is unusable."""
    config = current_app.config
    trusted = [h.lstrip(".") for h in config.get("TRUSTED_HOSTS") or () if h.strip(".")]
    return config.get("SERVER_NAME") or (trusted[0] if trusted else "localhost")


def replace_bad_host() -> bool:
    """Give a request whose Host cannot be routed a usable one; True if it had to.

    Werkzeug refuses a Host that IDNA rejects (a label of 64+ characters, an
    empty label) or one outside TRUSTED_HOSTS, and leaves the request without a
    URL adapter, so that even the error page could not build a link. A Host it
    routes but cannot decode ("xn--a": punycode that is no name) would break every
    absolute address (canonical, hreflang, feeds), so it is refused the same way."""
    if request_ctx.url_adapter is not None and _decodable(request.host):
        return False
    for name in ("host", "host_url", "root_url", "url", "base_url", "url_root"):
        request.__dict__.pop(name, None)  # cached from the Host being replaced
    request.environ["HTTP_HOST"] = _fallback_host()
    try:
        request_ctx.url_adapter = current_app.create_url_adapter(request)
    except HTTPException:
        request.host = "localhost"
        request_ctx.url_adapter = current_app.url_map.bind("localhost")
    return True


def _decodable(host: str) -> bool:
    """Whether a Host decodes as IDNA, as every absolute address needs."""
    try:
        host.encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return False
    return True


def _has_nul(values) -> bool:
    """Whether any key or value of a MultiDict holds a NUL character."""
    return any("\x00" in k or "\x00" in v for k, v in values.items(multi=True))


def _without_nul(values):
    """A copy of a MultiDict with every NUL character taken out."""
    return type(values)(
        (k.replace("\x00", ""), v.replace("\x00", ""))
        for k, v in values.items(multi=True)
    )


def refuse_malformed_requests():
    """The first check of every request: 400 for a bad Host or NUL in the query
    string, 415 for JSON; NUL taken out of form fields.

    A query string with raw bytes outside ASCII is percent-encoded, as browsers
    send it, so that every view can read `request.args`. NUL never reaches the
    database (PostgreSQL refuses it in text): in an address it is a 400, in a
    form it is dropped, so that a pasted one does not cost the reader the text
    (the form filters strip the other control characters). No form here takes
    JSON: Flask-WTF would read a JSON body as the form."""
    if replace_bad_host():
        abort(400)
    if not request.query_string.isascii():
        request.query_string = quote(request.query_string, safe=_QUERY_SAFE).encode()
    if request.method in BODY_METHODS and request.is_json:
        abort(415)
    if _has_nul(request.args):
        abort(400)
    if request.method in BODY_METHODS and _has_nul(request.form):
        request.form = _without_nul(request.form)


def _trusted_hosts(value) -> list[str] | None:
    """NGO_TRUSTED_HOSTS as a list: JSON, or host names split by commas or spaces."""
    if not value:
        return None
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return [str(host).strip() for host in value if str(host).strip()]


def add_security_headers(response):
    """Set the policy headers on every response, error pages included."""
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault(
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    )
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


def init_app(app: Flask) -> None:
    """Install the request guards, the headers and the nonce helper."""
    app.config["TRUSTED_HOSTS"] = _trusted_hosts(app.config.get("TRUSTED_HOSTS"))
    app.url_map.converters["int"] = IdConverter
    # First of all, before CSRF: its error pages build URLs and look the slug up.
    first = [refuse_malformed_requests, refuse_odd_urls]
    app.before_request_funcs.setdefault(None, [])[0:0] = first
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
