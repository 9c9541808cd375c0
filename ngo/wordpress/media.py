"""The old site's uploads that posts use: copied to the media folder, new addresses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from ngo.wordpress.wxr import Site

# Where copied files are served (ngo.media's blueprint).
MEDIA_PREFIX = "/media/"
_UPLOADS = "/wp-content/uploads/"
# WordPress's sizes of an image: name-300x200.jpg, and name-scaled.jpg for a large
# original it scaled down on upload (WordPress 5.3+); the original is name.jpg.
_VARIANT = re.compile(
    r"^(?P<stem>.+?)(?:-\d{1,5}x\d{1,5}|-scaled|-rotated)(?P<ext>\.\w+)$"
)


def _bare_host(host: str | None) -> str:
    return (host or "").lower().removeprefix("www.")


class MediaLibrary:
    """The old site's wp-content/uploads (a copy in `uploads_dir`), read on demand.

    address_for() copies a file the first time it is asked for (nothing when
    dry_run, with the same answers) and gives its new address; copied and
    missing list what was copied and which old URLs were not found.
    """

    def __init__(
        self, uploads_dir: Path, site: Site, media_folder: Path, dry_run: bool
    ):
        self.uploads_dir = Path(uploads_dir).resolve()
        self.media_folder = Path(media_folder).resolve()
        self.dry_run = dry_run
        self.copied: list[str] = []
        self.missing: list[str] = []
        self._answers: dict[str, str | None] = {}
        self._done: dict[str, str] = {}
        self.hosts: set[str] = set()
        self.prefixes: set[str] = set()
        for url in (site.base_site_url, site.base_blog_url, site.link):
            try:
                parts = urlsplit((url or "").strip())
            except ValueError:
                continue
            if parts.hostname:
                self.hosts.add(_bare_host(parts.hostname))
                self.prefixes.add(parts.path.rstrip("/"))

    def relative_path(self, old_url: str) -> str | None:
        """The path under uploads of a URL of the old site's uploads ("2023/09/a.jpg"),
        or None for any other URL or a path that would leave the folder."""
        url = (old_url or "").strip()
        if url.startswith("//"):
            url = "https:" + url
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme or parts.netloc:
            if parts.scheme.lower() not in ("http", "https"):
                return None
            if _bare_host(parts.hostname) not in self.hosts:
                return None
        elif not parts.path.startswith("/"):
            return None
        path = parts.path
        at = path.find(_UPLOADS)
        if at < 0 or path[:at] not in self.prefixes | {""}:
            return None
        relative = unquote(path[at + len(_UPLOADS) :], errors="strict")
        pieces = relative.split("/")
        if not relative or any(
            piece in ("", ".", "..") or "\\" in piece or "\x00" in piece
            for piece in pieces
        ):
            return None
        return str(PurePosixPath(*pieces))

    def is_upload(self, old_url: str) -> bool:
        """Whether a URL points into the old site's uploads."""
        try:
            return self.relative_path(old_url) is not None
        except UnicodeDecodeError:
            return False

    def _source(self, relative: str) -> tuple[str, Path] | None:
        """The file for this path (or, for a missing resized variant, its original),
        inside uploads_dir; None when there is none."""
        candidates = [relative]
        folder, _, name = relative.rpartition("/")
        variant = _VARIANT.match(name)
        if variant:
            original = variant.group("stem") + variant.group("ext")
            candidates.append(f"{folder}/{original}" if folder else original)
        for candidate in candidates:
            path = (self.uploads_dir / candidate).resolve()
            if path.is_relative_to(self.uploads_dir) and path.is_file():
                return candidate, path
        return None

    def address_for(self, old_url: str) -> str | None:
        """The new address of an old upload's URL ("/media/2023/09/a.jpg"), the file
        copied into the media folder once; None when it is not in the uploads."""
        if old_url in self._answers:
            return self._answers[old_url]
        try:
            relative = self.relative_path(old_url)
        except UnicodeDecodeError:
            relative = None
        found = self._source(relative) if relative else None
        address = None
        if found is not None:
            relative, source = found
            address = self._copy(relative, source)
        if address is None and old_url not in self.missing:
            self.missing.append(old_url)
        self._answers[old_url] = address
        return address

    def _copy(self, relative: str, source: Path) -> str | None:
        """Copy a file to the same path under the media folder (kept when already
        there); its address."""
        if relative in self._done:
            return self._done[relative]
        target = (self.media_folder / relative).resolve()
        if not target.is_relative_to(self.media_folder):
            return None
        if not self.dry_run and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(source, partial)
            partial.replace(target)
        self.copied.append(relative)
        address = MEDIA_PREFIX + quote(relative)
        self._done[relative] = address
        return address
