"""nginx's configuration of the site, rendered from the templates in deploy/.

Used by tools/cluster.py (`make cluster`), and on its own for a production server:

    .venv/bin/python tools/nginx_config.py --listen 80 --server-name example.org \\
        --upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002 > ngo.conf

prints deploy/ngo-site.conf filled in (see deploy/README.md). Render it again on
every deploy: it lists the hash of each static file, as ngo.assets puts it in URLs.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
STATIC_ROOT = ROOT / "ngo" / "static"
ERROR_PAGES = DEPLOY / "errors"
# Debian's libnginx-mod-http-brotli-filter; brotli is on only when it is installed.
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
# ngo.assets: a year and immutable for a static URL with the file's current hash.
VERSIONED_CACHE = "public, max-age=31536000, immutable"
TEXT_TYPES = (
    "text/css text/javascript application/javascript application/json\n"
    "        application/xml text/xml application/atom+xml application/rss+xml\n"
    "        image/svg+xml application/manifest+json text/plain"
)
# ngo.security's headers, which nginx sets on the files it serves itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each @NAME@ replaced; an unfilled one is an error."""
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    left = sorted(set(_PLACEHOLDER.findall(template)))
    if left:
        raise ValueError(f"placeholders not filled: {', '.join(left)}")
    return template


def static_versions(static_root: Path = STATIC_ROOT) -> dict[str, str]:
    """Each static file's URL path and the hash its URL carries (ngo.assets._digest)."""
    return {
        "/static/" + path.relative_to(static_root).as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()[:12]
        for path in sorted(static_root.rglob("*"))
        if path.is_file()
    }


def _quoted(text: str) -> str:
    """A string in nginx's double quotes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def upstream_line(address: str) -> str:
    """One `server` of the upstream: host:port, or a unix socket's path."""
    if address.startswith("/"):
        address = f"unix:{address}"
    return f"    server {address} max_fails=3 fail_timeout=5s;"


def brotli_lines(enabled: bool) -> str:
    """Brotli beside gzip when the module is there, or a note saying it is not."""
    if not enabled:
        return "    # brotli: libnginx-mod-http-brotli-filter is not installed."
    return (
        "    brotli on;\n"
        "    brotli_comp_level 5;\n"
        "    brotli_min_length 256;\n"
        f"    brotli_types {TEXT_TYPES};"
    )


def media_types() -> dict[str, list[str]]:
    """The extensions of each type ngo.media shows inline, as Python's mimetypes
    reads them; nginx sends any other file as application/octet-stream."""
    from ngo.media import INLINE_TYPES

    mimetypes.init()
    extensions = {*mimetypes.types_map, *mimetypes.common_types}
    found: dict[str, list[str]] = {}
    for extension in sorted(extensions):
        kind = mimetypes.guess_type("file" + extension, strict=False)[0]
        if kind in INLINE_TYPES:
            found.setdefault(kind, []).append(extension.lstrip("."))
    return found


def media_location(media_root: Path | None) -> str:
    """Uploaded media from disk with ngo.media's headers, when the folder exists."""
    if media_root is None:
        return ""
    types = "\n".join(
        f"            {kind} {' '.join(extensions)};"
        for kind, extensions in sorted(media_types().items())
    )
    return f"""
    # Uploaded media (imported WordPress files), as ngo.media serves them: a year;
    # images, PDF, audio and video inline, anything else a download of bytes.
    location ^~ /media/ {{
        alias {media_root}/;
        types {{
{types}
        }}
        default_type application/octet-stream;
        add_header Cache-Control "public, max-age=31536000";
        add_header Content-Disposition $ngo_media_disposition;
        add_header Content-Security-Policy "{CONTENT_SECURITY_POLICY}";
        add_header X-Content-Type-Options nosniff;
        add_header Referrer-Policy strict-origin-when-cross-origin;
        add_header X-Frame-Options DENY;
        add_header Cross-Origin-Opener-Policy same-origin;
        add_header Permissions-Policy "{PERMISSIONS_POLICY}";
        add_header Strict-Transport-Security $ngo_hsts;
        log_not_found off;
        error_page 403 404 = @app;
    }}
"""


def site_conf(
    listen: str,
    upstreams: list[str],
    *,
    server_name: str = "_",
    static_root: Path = STATIC_ROOT,
    media_root: Path | None = None,
    error_pages: Path = ERROR_PAGES,
    brotli: bool | None = None,
    retry_after: int = 30,
) -> str:
    """deploy/ngo-site.conf filled in: the site, for nginx's http block."""
    if not upstreams:
        raise ValueError("at least one app server is needed")
    if brotli is None:
        brotli = BROTLI_MODULE.exists()
    versions = "\n".join(
        f"    {_quoted(f'{path}?v={digest}')} {_quoted(VERSIONED_CACHE)};"
        for path, digest in static_versions(static_root).items()
    )
    template = (DEPLOY / "ngo-site.conf").read_text()
    return fill(
        template,
        {
            "STATIC_VERSIONS": versions,
            "UPSTREAM_SERVERS": "\n".join(upstream_line(a) for a in upstreams),
            "LISTEN": listen,
            "SERVER_NAME": server_name,
            "BROTLI": brotli_lines(brotli),
            "STATIC_ROOT": str(Path(static_root).resolve()),
            "MEDIA_LOCATION": media_location(
                Path(media_root).resolve() if media_root else None
            ),
            "ERROR_PAGES": str(Path(error_pages).resolve()),
            "RETRY_AFTER": str(int(retry_after)),
        },
    )


def main_conf(
    run_dir: Path,
    site_conf_path: Path,
    *,
    user: str | None = None,
    brotli: bool | None = None,
) -> str:
    """deploy/nginx.conf filled in: nginx's whole configuration, files in run_dir."""
    if brotli is None:
        brotli = BROTLI_MODULE.exists()
    template = (DEPLOY / "nginx.conf").read_text()
    return fill(
        template,
        {
            "USER": f"user {user};" if user else "# user: the one running nginx",
            "RUN_DIR": str(run_dir),
            "LOG_DIR": str(run_dir / "logs"),
            "LOAD_MODULES": f"load_module {BROTLI_MODULE};" if brotli else "",
            "SITE_CONF": str(site_conf_path),
        },
    )


def main(argv: list[str] | None = None) -> int:
    """Print the site's configuration for a production server."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="80", help="nginx's `listen` (80)")
    parser.add_argument("--server-name", default="_", help="host names ('_': any)")
    parser.add_argument(
        "--upstream",
        action="append",
        required=True,
        help="an app server: host:port or a unix socket's path (repeat for each)",
    )
    parser.add_argument("--static-root", type=Path, default=STATIC_ROOT)
    parser.add_argument("--media-root", type=Path, default=None)
    parser.add_argument("--error-pages", type=Path, default=ERROR_PAGES)
    parser.add_argument(
        "--retry-after",
        type=int,
        default=30,
        help="seconds in nginx's 503 (the app's NGO_OUTAGE_RETRY_SECONDS, 30)",
    )
    brotli = parser.add_mutually_exclusive_group()
    brotli.add_argument("--brotli", dest="brotli", action="store_true", default=None)
    brotli.add_argument("--no-brotli", dest="brotli", action="store_false")
    args = parser.parse_args(argv)
    sys.stdout.write(
        site_conf(
            args.listen,
            args.upstream,
            server_name=args.server_name,
            static_root=args.static_root,
            media_root=args.media_root,
            error_pages=args.error_pages,
            brotli=args.brotli,
            retry_after=args.retry_after,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
