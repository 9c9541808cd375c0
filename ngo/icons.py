"""The site's icons, made from the logo: /favicon.ico, the Apple touch icon and the
web app manifest with its PNGs.

Rendered when the app is built (an SVG logo by resvg, a PNG one by Pillow), once per
process for each logo's bytes, and kept in memory: a logo that cannot be read as an
image stops start-up with a message naming NGO_SITE_LOGO. A logo that is not square
is centred on a transparent square; the touch icon is opaque, since iOS fills
transparency with black. Pages link each icon with its content hash (a year in any
cache); /favicon.ico and /apple-touch-icon.png, which some clients ask for without a
link, answer at their bare addresses too, with a day's cache.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import resvg_py
from flask import Flask, Response, abort, current_app, request, url_for
from PIL import Image, UnidentifiedImageError

from ngo import caching

YEAR = 365 * 24 * 60 * 60
SHORT = 5 * 60
# Browsers, feed readers and iOS ask for these by name, so they cannot carry a hash.
FIXED_ADDRESS_MAX_AGE = 24 * 60 * 60
FAVICON_SIZES = (16, 32, 48)
TOUCH_SIZE = 180
MANIFEST_SIZES = (192, 512)
# Behind the touch icon and the manifest's splash screen.
BACKGROUND = "#ffffff"
FAVICON = "favicon.ico"
TOUCH_ICON = "apple-touch-icon.png"
MANIFEST = "site.webmanifest"


@dataclass(frozen=True)
class IconFile:
    """One file of the icon set: its bytes, media type and content hash."""

    data: bytes
    mimetype: str
    digest: str


def _digest(data: bytes) -> str:
    """The first hex digits of the SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def _file(data: bytes, mimetype: str) -> IconFile:
    """An icon file with its hash."""
    return IconFile(data, mimetype, _digest(data))


def png_name(size: int) -> str:
    """The file name of the manifest's square PNG of this size."""
    return f"icon-{size}.png"


def _render_svg(data: bytes, folder: Path, size: int) -> Image.Image:
    """An SVG drawn to fit a size×size box, its aspect kept; ValueError if not SVG."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text ({error.reason})") from None
    png = resvg_py.svg_to_bytes(
        svg_string=text, width=size, height=size, resources_dir=str(folder)
    )
    return Image.open(io.BytesIO(png)).convert("RGBA")


def _open_png(data: bytes) -> Image.Image:
    """A PNG file as an RGBA image; ValueError if it is not a readable PNG."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != "PNG":
            raise ValueError(f"a {image.format} image, not a PNG")
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as error:
        raise ValueError(str(error)) from None
    return image.convert("RGBA")


def _on_square(image: Image.Image, size: int) -> Image.Image:
    """The image scaled to fit size×size, centred on a transparent square."""
    if image.size != (size, size):
        scale = size / max(image.size)
        fitted = (
            max(1, round(image.width * scale)),
            max(1, round(image.height * scale)),
        )
        image = image.resize(fitted, Image.Resampling.LANCZOS, reducing_gap=3.0)
    square = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    square.paste(image, ((size - image.width) // 2, (size - image.height) // 2))
    return square


def _png(image: Image.Image) -> bytes:
    """An image as an optimised PNG."""
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=8)
def _images(data: bytes, suffix: str, folder: str) -> dict[str, IconFile]:
    """The favicon, touch icon and manifest PNGs of one logo; ValueError if broken."""
    sizes = sorted({*FAVICON_SIZES, TOUCH_SIZE, *MANIFEST_SIZES})
    if suffix == ".svg":
        squares = {s: _on_square(_render_svg(data, Path(folder), s), s) for s in sizes}
    else:
        logo = _open_png(data)
        squares = {s: _on_square(logo, s) for s in sizes}
    if all(square.getextrema()[3][1] == 0 for square in squares.values()):
        raise ValueError("it draws nothing (every pixel is transparent)")
    ico = io.BytesIO()
    favicons = [squares[s] for s in FAVICON_SIZES]
    favicons[-1].save(
        ico,
        "ICO",
        sizes=[(s, s) for s in FAVICON_SIZES],
        append_images=favicons[:-1],
    )
    touch = Image.new("RGBA", (TOUCH_SIZE, TOUCH_SIZE), BACKGROUND)
    touch.alpha_composite(squares[TOUCH_SIZE])
    files = {
        FAVICON: _file(ico.getvalue(), "image/vnd.microsoft.icon"),
        TOUCH_ICON: _file(_png(touch.convert("RGB")), "image/png"),
    }
    for size in MANIFEST_SIZES:
        files[png_name(size)] = _file(_png(squares[size]), "image/png")
    return files


def manifest(files: dict[str, IconFile], name: str, accent: str) -> bytes:
    """The web app manifest: the site's name, accent and PNG icons.

    Its addresses are relative to its own (/site.webmanifest), so the site keeps
    working mounted under a path."""
    icons = [
        {
            "src": f"brand/{png_name(size)}?v={files[png_name(size)].digest}",
            "sizes": f"{size}x{size}",
            "type": "image/png",
        }
        for size in MANIFEST_SIZES
    ]
    document = {
        "name": name,
        "short_name": name,
        "start_url": ".",
        "display": "browser",
        "theme_color": accent,
        "background_color": BACKGROUND,
        "icons": icons,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"


def load(logo: Path, config) -> dict[str, IconFile]:
    """Every icon file of this logo and settings, by name; ValueError if broken."""
    try:
        files = dict(_images(logo.read_bytes(), logo.suffix.lower(), str(logo.parent)))
    except ValueError as error:
        raise ValueError(
            f"NGO_SITE_LOGO {str(logo)!r} cannot be made into icons: {error}"
        ) from None
    document = manifest(files, config["SITE_NAME"], config["ACCENT_COLOR"].lower())
    files[MANIFEST] = _file(document, "application/manifest+json")
    return files


def _files() -> dict[str, IconFile]:
    """This app's icon files, made when it was built."""
    return current_app.extensions["ngo_icons"]


def icon_url(name: str) -> str:
    """The address of an icon file, with its content hash."""
    return url_for("icon", name=name, v=_files()[name].digest)


def _serve(name: str, fixed_address: bool = False):
    """One icon file: a year for its current hash, else a short cache."""
    icon = _files().get(name)
    if icon is None:
        abort(404)
    if request.args.get("v") == icon.digest:
        caching.cache_for(YEAR, immutable=True)
    else:
        caching.cache_for(FIXED_ADDRESS_MAX_AGE if fixed_address else SHORT)
    response = Response(icon.data, mimetype=icon.mimetype)
    response.set_etag(icon.digest)
    return response.make_conditional(request)


def icon(name: str):
    """The icons pages link: favicon, touch icon, manifest PNGs and the manifest."""
    return _serve(name, fixed_address=name in (FAVICON, TOUCH_ICON))


def touch_icon_precomposed():
    """The touch icon at the other address older iOS asks for without a link."""
    return _serve(TOUCH_ICON, fixed_address=True)


def init_app(app: Flask, logo: Path) -> None:
    """Make the icons of this logo, serve them, and give templates their addresses."""
    app.extensions["ngo_icons"] = load(logo, app.config)
    app.add_url_rule("/favicon.ico", "icon", icon, defaults={"name": FAVICON})
    app.add_url_rule(
        "/apple-touch-icon.png", "icon", icon, defaults={"name": TOUCH_ICON}
    )
    app.add_url_rule("/site.webmanifest", "icon", icon, defaults={"name": MANIFEST})
    names = ", ".join(f'"{png_name(size)}"' for size in MANIFEST_SIZES)
    app.add_url_rule(f"/brand/<any({names}):name>", "icon", icon)
    app.add_url_rule(
        "/apple-touch-icon-precomposed.png",
        "touch_icon_precomposed",
        touch_icon_precomposed,
    )
    app.jinja_env.globals["icon_url"] = icon_url
