"""The organisation's identity from settings: name, tagline, logo and accent colour.

Read and checked once, when the app is built: a malformed `NGO_ACCENT_COLOR` or a
missing `NGO_SITE_LOGO` stops start-up with a message naming the setting. The accent
is weighed against every look a reader can get (the default light and dark looks and
each toolbar scheme of ngo.accessibility.preferences): where it would fall below
4.5:1 on that look's background or surface, the look keeps a colour of its own. The
result is a tiny stylesheet, /identity.css, linked after site.css with a content hash.
The favicon and other icons are made from the logo by ngo.icons.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, send_file, url_for

from ngo import caching, icons
from ngo.accessibility.preferences import SCHEMES, contrast_ratio, is_hex_color

YEAR = 365 * 24 * 60 * 60
SHORT = 5 * 60
# Below this the accent gives way to the look's own colour (WCAG 1.4.3, normal text).
MIN_CONTRAST = 4.5
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
BUILT_IN_LOGO = "icons/icon.svg"


@dataclass(frozen=True)
class Look:
    """A page look: the selector site.css gives it, its background and surface, and
    the colour its accent falls back to."""

    selector: str
    bg: str
    surface: str
    own: str


# The default looks of site.css's :root blocks (kept in step by tests/test_identity.py),
# each wrapped in its media query, then every toolbar scheme (own colour: its link).
DEFAULT_LOOKS = (
    Look(":root", "#ffffff", "#f3f3f1", "#8a1c1c"),
    Look("@media (prefers-color-scheme: dark){:root", "#121212", "#1f1f1f", "#ffb4a8"),
    Look(
        "@media (prefers-contrast: more) and (prefers-color-scheme: dark){:root",
        "#000000",
        "#1a1a1a",
        "#9cd3ff",
    ),
)
LOOKS = DEFAULT_LOOKS + tuple(
    Look(f"html.a11y-scheme-{s.value}", s.bg, s.surface, s.link) for s in SCHEMES
)


@dataclass(frozen=True)
class Identity:
    """What the templates need: the stylesheet and its hash, the logo file and hash."""

    css: str
    css_hash: str
    logo: Path | None  # None: the built-in icon under static/
    logo_hash: str


def accent_for(accent: str, look: Look) -> str:
    """The accent where it reads at 4.5:1 on the look's background and surface,
    else the look's own colour."""
    worst = min(contrast_ratio(accent, look.bg), contrast_ratio(accent, look.surface))
    return accent if worst >= MIN_CONTRAST else look.own


def stylesheet(accent: str) -> str:
    """The identity stylesheet: `--accent` for every look."""
    rules = []
    for look in LOOKS:
        rule = f"{look.selector}{{--accent:{accent_for(accent, look)}}}"
        rules.append(rule + ("}" if look.selector.startswith("@media") else ""))
    return "\n".join(rules) + "\n"


def _digest(data: bytes) -> str:
    """The first hex digits of the SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def load(config) -> Identity:
    """Check the identity settings and build what pages link; ValueError if wrong."""
    accent = config["ACCENT_COLOR"]
    if not is_hex_color(accent):
        raise ValueError(
            f"NGO_ACCENT_COLOR must be a colour written #rrggbb (like #8a1c1c), "
            f"not {accent!r}"
        )
    logo = None
    logo_hash = ""
    if config["SITE_LOGO"]:
        logo = Path(config["SITE_LOGO"]).expanduser().resolve()
        if logo.suffix.lower() not in LOGO_TYPES:
            raise ValueError(
                f"NGO_SITE_LOGO must be an .svg or .png file, not {str(logo)!r}"
            )
        try:
            logo_hash = _digest(logo.read_bytes())
        except OSError as error:
            raise ValueError(
                f"NGO_SITE_LOGO {str(logo)!r} cannot be read: {error.strerror}"
            ) from None
    css = stylesheet(accent.lower())
    return Identity(css, _digest(css.encode()), logo, logo_hash)


def _identity() -> Identity:
    """This app's identity, loaded when it was built."""
    return current_app.extensions["ngo_identity"]


def stylesheet_url() -> str:
    """The address of the identity stylesheet, with its content hash."""
    return url_for("identity_css", v=_identity().css_hash)


def logo_url() -> str:
    """The address of the logo, with its content hash (the built-in icon by default)."""
    identity = _identity()
    if identity.logo is None:
        return current_app.jinja_env.globals["asset_url"](BUILT_IN_LOGO)
    return url_for("logo", ext=identity.logo.suffix[1:].lower(), v=identity.logo_hash)


def logo_type() -> str:
    """The media type of the logo."""
    logo = _identity().logo
    return LOGO_TYPES[logo.suffix.lower()] if logo else LOGO_TYPES[".svg"]


def _cache(current: str) -> None:
    """A year for the current hash, a short time for any other `v`."""
    if request.args.get("v") == current:
        caching.cache_for(YEAR, immutable=True)
    else:
        caching.cache_for(SHORT)


def identity_css():
    """The accent colour of every look, as a stylesheet."""
    identity = _identity()
    _cache(identity.css_hash)
    response = Response(identity.css, mimetype="text/css")
    response.set_etag(identity.css_hash)
    return response.make_conditional(request)


def logo(ext: str):
    """The organisation's logo file from NGO_SITE_LOGO."""
    identity = _identity()
    if identity.logo is None or identity.logo.suffix[1:].lower() != ext:
        abort(404)
    _cache(identity.logo_hash)
    return send_file(identity.logo, mimetype=LOGO_TYPES["." + ext], etag=True)


def init_app(app: Flask) -> None:
    """Check the settings, serve the stylesheet, logo and icons, expose them to
    templates."""
    identity = load(app.config)
    app.extensions["ngo_identity"] = identity
    icons.init_app(app, identity.logo or Path(app.static_folder, BUILT_IN_LOGO))
    app.add_url_rule("/identity.css", "identity_css", identity_css)
    app.add_url_rule("/brand/logo.<any(svg, png):ext>", "logo", logo)
    app.jinja_env.globals.update(
        identity_css_url=stylesheet_url, logo_url=logo_url, logo_type=logo_type
    )
