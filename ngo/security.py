"""Security headers on every response, and refusal of URLs no page could answer."""

import secrets

from flask import Flask, abort, current_app, g, request

REFERRER_POLICY = "strict-origin-when-cross-origin"


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
    """Install the URL guard, the headers and the nonce helper."""
    app.before_request(refuse_odd_urls)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
