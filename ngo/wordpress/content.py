"""A WordPress post's content as a statement body: blocks, shortcodes, embeds, media."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ngo.sanitize import clean_statement_html, plain_text

if TYPE_CHECKING:
    from ngo.wordpress.media import MediaLibrary
    from ngo.wordpress.wxr import Site


@dataclass
class Converted:
    """A post's body, summary and signatories, ready for a statement."""

    body: str
    summary: str | None
    signatories: list[str] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)
    missing_media: list[str] = field(default_factory=list)


def convert(
    content: str,
    *,
    site: Site,
    trailing_signatories: bool = False,
    media: MediaLibrary | None = None,
    language: str | None = None,
) -> Converted:
    """Turn a post's raw content (as the export holds it) into a clean statement body.

    language is the post's (titles of embeds are written in it); by default the
    site's (`Site.language`, "hy-AM" -> "hy").
    """
    content = (content or "").replace("\r\n", "\n").replace("\r", "\n")
    content = content.replace("<!--noteaser-->", "")
    summary = None
    more = _more(content)
    if more:
        teaser = content[: more[0]]
        content = teaser + content[more[1] :]
        text = plain_text(
            clean_statement_html(_to_html(teaser, site, None, [], [], language))
        )
        summary = text or None
    embeds: list[str] = []
    missing: list[str] = []
    raw = _to_html(content, site, media, embeds, missing, language)
    body = _tidy(str(clean_statement_html(raw)))
    signatories: list[str] = []
    if trailing_signatories:
        body, signatories = take_trailing_signatories(body)
    return Converted(
        body=body,
        summary=summary,
        signatories=signatories,
        embeds=embeds,
        missing_media=missing,
    )


# Every pattern here costs time in step with the content's length, whatever it
# holds: no pattern scans past the next "<" or "[" it cannot cross, and a pair is
# found with _spans, which stops looking for an end once there is none.


def _more(content: str) -> tuple[int, int] | None:
    """Where the first <!--more--> (or <!--more Read on-->) starts and ends."""
    start = content.find("<!--more")
    if start < 0:
        return None
    end = content.find("-->", start)
    rest = content[start + 8 : end]
    if end < 0 or (rest and not rest[0].isspace()) or ">" in rest:
        return None
    return start, end + 3


def _without_block_comments(content: str) -> str:
    """The content without Gutenberg's <!-- wp:… --> and <!-- /wp:… --> comments."""
    out, pos = [], 0
    while (start := content.find("<!--", pos)) >= 0:
        end = content.find("-->", start + 4)
        if end < 0:
            break
        if content[start + 4 : end].lstrip().startswith(("wp:", "/wp:")):
            out.append(content[pos:start])
        else:
            out.append(content[pos : end + 3])
        pos = end + 3
    out.append(content[pos:])
    return "".join(out)


def _spans(content: str, opening: re.Pattern, closing, replace, required=True) -> str:
    """Each span from a match of opening to the nearest match after it of
    closing(opening_match) (a pattern) replaced by replace(opening_match, inner),
    inner None when there is no end (then, if required, the opening stays).

    Once an end pattern is not found after some point it is not looked for
    again, so the time grows with the content's length, however many openings
    lack an end.
    """
    out, pos, endless = [], 0, set()
    while (found := opening.search(content, pos)) is not None:
        out.append(content[pos : found.start()])
        end_pattern = closing(found)
        end = None
        if end_pattern.pattern not in endless:
            end = end_pattern.search(content, found.end())
            if end is None:
                endless.add(end_pattern.pattern)
        if end is not None:
            out.append(replace(found, content[found.end() : end.start()]))
            pos = end.end()
        else:
            out.append(replace(found, None) if not required else found.group(0))
            pos = found.end()
    out.append(content[pos:])
    return "".join(out)


def _end_tag(name: str) -> re.Pattern:
    return re.compile(rf"</{name}\s*>", re.IGNORECASE)


def _end_shortcode(name: str) -> re.Pattern:
    return re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE)


def _to_html(
    content: str,
    site: Site,
    media: MediaLibrary | None,
    embeds: list[str],
    missing: list[str],
    language: str | None,
) -> str:
    """The content's HTML as WordPress would show it, before the sanitiser."""
    titles = _Titles(language or _site_language(site))
    has_blocks = "<!-- wp:" in content
    content = _embeds(content, embeds, titles)
    content = _without_block_comments(content)
    content = _shortcodes(content, embeds, titles)
    if not has_blocks:
        content = wpautop(content)
    return _media(content, site, media, missing)


# Embeds: every third-party player becomes a plain link with a readable title.

# (hosts, kind, provider name): WordPress's own oEmbed providers, the common ones.
_PROVIDERS = (
    (("youtube.com", "youtu.be", "youtube-nocookie.com"), "video", "YouTube"),
    (("vimeo.com",), "video", "Vimeo"),
    (("dailymotion.com", "dai.ly"), "video", "Dailymotion"),
    (("tiktok.com",), "video", "TikTok"),
    (("ted.com",), "video", "TED"),
    (("wordpress.tv", "videopress.com"), "video", "VideoPress"),
    (("twitter.com", "x.com"), "post", "X (Twitter)"),
    (("facebook.com", "fb.watch"), "post", "Facebook"),
    (("instagram.com",), "post", "Instagram"),
    (("tumblr.com",), "post", "Tumblr"),
    (("reddit.com",), "post", "Reddit"),
    (("soundcloud.com",), "audio", "SoundCloud"),
    (("spotify.com",), "audio", "Spotify"),
    (("mixcloud.com",), "audio", "Mixcloud"),
    (("flickr.com", "flic.kr"), "photo", "Flickr"),
    (("imgur.com",), "photo", "Imgur"),
    (("slideshare.net",), "document", "SlideShare"),
    (("scribd.com",), "document", "Scribd"),
    (("issuu.com",), "document", "Issuu"),
    (("speakerdeck.com",), "document", "Speaker Deck"),
)


def _site_language(site: Site | None) -> str:
    return ((site.language if site else "") or "").split("-")[0].split("_")[0].lower()


# The title of an embed's link when its block gives no caption, by the kind of
# thing the provider shows; written into the body in the post's language.
_TITLES = {
    # Translators: the text of a link that replaces an embedded video player in an
    # imported statement; %(provider)s is a site such as YouTube or Vimeo.
    "video": _l("Video on %(provider)s"),
    # Translators: a link in place of an embedded audio player (SoundCloud…).
    "audio": _l("Audio on %(provider)s"),
    # Translators: a link in place of an embedded photo (Flickr…).
    "photo": _l("Photo on %(provider)s"),
    # Translators: a link in place of an embedded document (SlideShare, Scribd…).
    "document": _l("Document on %(provider)s"),
    # Translators: a link in place of an embedded social-media post (X, Facebook…).
    "post": _l("Post on %(provider)s"),
    # Translators: a link in place of an embedded frame of another site;
    # %(provider)s is that site's host name.
    "": _l("Embedded content from %(provider)s"),
}


class _Titles:
    """The readable titles of embed links, in the post's language."""

    def __init__(self, language: str):
        self.language = language

    def title(self, kind: str, provider: str) -> str:
        """ "Video on YouTube" and the like."""
        message = _TITLES.get(kind, _TITLES[""])
        if self.language and has_app_context():
            with force_locale(self.language):
                return str(message) % {"provider": provider}
        return str(message) % {"provider": provider}


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.").removeprefix("m.")


def _provider(url: str) -> tuple[str, str] | None:
    """(kind, provider name) of a known embed provider's URL, or None."""
    host = _host(url)
    for hosts, kind, name in _PROVIDERS:
        if any(host == known or host.endswith("." + known) for known in hosts):
            return kind, name
    return None


def _page_url(url: str) -> str | None:
    """The address a reader opens for a player's URL (a YouTube or Vimeo player
    becomes its video's page), or None when it is not an http(s) address."""
    url = html.unescape(url or "").strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = _host(url)
    path = parts.path
    if host.endswith(("youtube.com", "youtube-nocookie.com")) and path.startswith(
        "/embed/"
    ):
        video = path.removeprefix("/embed/").split("/")[0]
        if video and video != "videoseries":
            return f"https://www.youtube.com/watch?v={video}"
        listing = parse_qs(parts.query).get("list")
        if listing:
            return f"https://www.youtube.com/playlist?list={listing[0]}"
    if host == "player.vimeo.com" and path.startswith("/video/"):
        return "https://vimeo.com/" + path.removeprefix("/video/").split("/")[0]
    return url


def _embed_link(url: str, caption: str, embeds: list[str], titles: _Titles) -> str:
    """The paragraph that stands for an embed: a link to the URL, titled by the
    caption, else by its provider ("Video on YouTube"), else by its host."""
    page = _page_url(url)
    if page is None:
        return ""
    caption = " ".join(plain_text(caption).split())
    if not caption:
        found = _provider(page)
        if found:
            caption = titles.title(*found)
        else:
            caption = titles.title("", _host(page) or page)
    embeds.append(page)
    return f'\n\n<p><a href="{html.escape(page)}">{html.escape(caption)}</a></p>\n\n'


_EMBED_FIGURE = re.compile(r"<figure\b[^<>]*\bwp-block-embed\b[^<>]*>", re.I)
_FIGURE_END = _end_tag("figure")
_WRAPPER = re.compile(r"<div\b[^<>]*wp-block-embed__wrapper[^<>]*>", re.I)
_FIGCAPTION = re.compile(r"<figcaption\b[^<>]*>", re.IGNORECASE)
_IFRAME = re.compile(r"<iframe\b[^<>]*>", re.IGNORECASE)
_IFRAME_END = _end_tag("iframe")
_PLAYER = re.compile(r"<(video|audio)\b[^<>]*>", re.IGNORECASE)
_SOURCE = re.compile(r"<source\b[^<>]*>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'\]]+", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?""", re.DOTALL
)
# A URL alone on its line, or alone in a paragraph (WordPress's auto-embeds).
_BARE_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
_BARE_PARAGRAPH = re.compile(r"<p>\s*(https?://[^\s<>\"]+)\s*</p>", re.IGNORECASE)
_EMBED_SHORTCODE = re.compile(r"\[embed\b[^\[\]]*\]", re.IGNORECASE)
_JETPACK = re.compile(
    r"\[(youtube|vimeo|dailymotion|ted|soundcloud|twitter|instagram)\b\s*=?\s*"
    r"([^\[\]]*)\]",
    re.IGNORECASE,
)
_MEDIA_SHORTCODE = re.compile(r"\[(video|audio)\b([^\[\]]*)\]", re.IGNORECASE)


def attributes(tag: str) -> dict[str, str]:
    """The attributes of a start tag (or of a shortcode's opening), values
    unquoted and with their character references decoded."""
    inside = re.sub(r"^[<\[]/?[^\s>\]]*", "", tag).rstrip(">]/")
    found: dict[str, str] = {}
    for name, value in _ATTRIBUTE.findall(inside):
        value = value or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.setdefault(name.lower(), html.unescape(value))
    return found


def _file_link(url: str) -> str:
    """A paragraph linking to a file, named by the file ("film.mp4")."""
    name = unquote(url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]) or url
    return f'\n\n<p><a href="{html.escape(url)}">{html.escape(name)}</a></p>\n\n'


def _inside(markup: str, opening: re.Pattern, name: str) -> str:
    """What the first element opened by `opening` holds in markup, or ""."""
    found = opening.search(markup)
    if found is None:
        return ""
    end = _end_tag(name).search(markup, found.end())
    return markup[found.end() : end.start() if end else len(markup)]


def _embeds(content: str, embeds: list[str], titles: _Titles) -> str:
    """Every embed of the content turned into a link paragraph."""

    def figure(match: re.Match, inner: str) -> str:
        source = _inside(inner, _WRAPPER, "div") or inner
        iframe = _IFRAME.search(source)
        url = attributes(iframe.group(0)).get("src", "") if iframe else ""
        if not url:
            found = _URL.search(html.unescape(plain_text(source) or source))
            url = found.group(0) if found else ""
        caption = _inside(inner, _FIGCAPTION, "figcaption")
        return _embed_link(url, caption, embeds, titles)

    content = _spans(content, _EMBED_FIGURE, lambda m: _FIGURE_END, figure)

    def iframe(match: re.Match, inner: str | None) -> str:
        found = attributes(match.group(0))
        return _embed_link(found.get("src", ""), found.get("title", ""), embeds, titles)

    content = _spans(content, _IFRAME, lambda m: _IFRAME_END, iframe, required=False)

    def player(match: re.Match, inner: str | None) -> str:
        """A <video> or <audio> (Gutenberg's video and audio blocks): a link to
        its file, named by the file."""
        url = attributes(match.group(0)).get("src", "")
        source = _SOURCE.search(inner or "")
        if not url and source:
            url = attributes(source.group(0)).get("src", "")
        if not url:
            return ""
        return _file_link(url)

    content = _spans(
        content,
        _PLAYER,
        lambda m: _end_tag(m.group(1).lower()),
        player,
        required=False,
    )
    content = _spans(
        content,
        _EMBED_SHORTCODE,
        lambda m: _end_shortcode("embed"),
        lambda m, inner: _embed_link(inner.strip(), "", embeds, titles),
    )

    def jetpack(match: re.Match) -> str:
        name, rest = match.group(1).lower(), html.unescape(match.group(2)).strip()
        url = _URL.search(rest)
        if url:
            return _embed_link(url.group(0).split("&w=")[0], "", embeds, titles)
        ident = attributes("[x " + rest + "]").get("id") or rest.split()[0:1]
        ident = ident if isinstance(ident, str) else (ident[0] if ident else "")
        if name == "youtube" and ident:
            return _embed_link(
                f"https://www.youtube.com/watch?v={ident}", "", embeds, titles
            )
        if name == "vimeo" and ident.isdigit():
            return _embed_link(f"https://vimeo.com/{ident}", "", embeds, titles)
        return ""

    content = _JETPACK.sub(jetpack, content)

    def bare(match: re.Match) -> str:
        url = match.group(1)
        if _provider(url) is None:
            escaped = html.escape(html.unescape(url))
            return f'<a href="{escaped}">{escaped}</a>'
        return _embed_link(url, "", embeds, titles)

    content = _BARE_PARAGRAPH.sub(bare, content)
    return _BARE_LINE.sub(bare, content)


# Shortcodes.

_CAPTION = re.compile(r"\[(caption|wp_caption)\b([^\[\]]*)\]", re.IGNORECASE)
_CAPTIONED_IMAGE = re.compile(
    r"\s*((?:<a\b[^<>]*>\s*)?<img\b[^<>]*>(?:\s*</a\s*>)?)", re.IGNORECASE
)
# Shortcodes dropped with everything between their tags: forms, galleries of
# attachments this import does not carry, players of playlists.
_DROPPED = (
    "contact-form",
    "contact-form-7",
    "contact-field",
    "wpforms",
    "ninja_form",
    "ninja_forms",
    "gravityform",
    "gravityforms",
    "mc4wp_form",
    "gallery",
    "playlist",
    "simple-payment",
    "donation",
)
_DROPPED_OPENING = re.compile(
    rf"\[({'|'.join(re.escape(name) for name in _DROPPED)})\b[^\[\]]*\]",
    re.IGNORECASE,
)
# Page builders' layout shortcodes ([vc_row], [et_pb_section] …): their contents stay.
_BUILDER = re.compile(
    r"\[/?(?:vc_|et_pb_|fusion_|su_|av_|tatsu_|cs_)[\w-]*\b[^\[\]]*\]", re.IGNORECASE
)
_ANY_SHORTCODE = re.compile(r"\[(/?)([a-zA-Z][\w-]*)((?:\s[^\[\]]*)?)\]")


def _shortcodes(content: str, embeds: list[str], titles: _Titles) -> str:
    """Captions become figures, audio and video files links; forms and galleries
    go; other shortcodes are unwrapped, their text kept."""

    def caption(match: re.Match, inner: str) -> str:
        found = attributes("[x " + match.group(2) + "]")
        image = _CAPTIONED_IMAGE.match(inner)
        if not image:
            return inner
        text = inner[image.end() :].strip() or found.get("caption", "")
        figcaption = f"<figcaption>{text}</figcaption>" if text else ""
        return f"\n\n<figure>{image.group(1)}{figcaption}</figure>\n\n"

    content = _spans(
        content, _CAPTION, lambda m: _end_shortcode(m.group(1).lower()), caption
    )

    def media_file(match: re.Match, inner: str | None) -> str:
        found = attributes("[x " + match.group(2) + "]")
        url = found.get("src") or next(
            (
                found[key]
                for key in ("mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav")
                if found.get(key)
            ),
            "",
        )
        if not url and inner:
            address = _URL.search(inner)
            url = address.group(0) if address else ""
        if not url:
            return ""
        if _provider(url):
            return _embed_link(url, "", embeds, titles)
        return _file_link(url)

    content = _spans(
        content,
        _MEDIA_SHORTCODE,
        lambda m: _end_shortcode(m.group(1).lower()),
        media_file,
        required=False,
    )
    content = _spans(
        content,
        _DROPPED_OPENING,
        lambda m: _end_shortcode(m.group(1).lower()),
        lambda m, inner: "",
        required=False,
    )
    content = _BUILDER.sub("", content)
    # Any other shortcode with a closing tag is unwrapped; one with attributes
    # and no closing tag is dropped; "[sic]" and "[1]" are text and stay.
    closed = {
        name.lower() for slash, name, _ in _ANY_SHORTCODE.findall(content) if slash
    }

    def other(match: re.Match) -> str:
        slash, name, rest = match.groups()
        if name.lower() in closed or (not slash and "=" in rest):
            return ""
        return match.group(0)

    return _ANY_SHORTCODE.sub(other, content)


# wpautop, ported from WordPress 6.x's wp-includes/formatting.php: classic-editor
# posts are stored without <p>; blank lines are paragraphs, single newlines <br>.

_ALLBLOCKS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
    "|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
    "|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu"
    "|summary)"
)
_PRE = re.compile(r"<pre\b", re.IGNORECASE)
_PRE_END = _end_tag("pre")
_TAG = re.compile(r"<[^<>]*>")


def wpautop(text: str, br: bool = True) -> str:
    """Paragraphs and line breaks from a classic post's blank lines and newlines."""
    if not text.strip():
        return ""
    pre_tags: dict[str, str] = {}
    text += "\n"

    def keep_pre(match: re.Match, inner: str) -> str:
        key = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[key] = f"{match.group(0)}{inner}</pre>"
        return key

    text = _spans(text, _PRE, lambda m: _PRE_END, keep_pre)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{_ALLBLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{_ALLBLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.I)
    # Newlines inside tags are spaces.
    text = _TAG.sub(lambda m: m.group(0).replace("\n", " "), text)
    if "<figcaption" in text:
        text = re.sub(r"\s*(<figcaption[^<>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part.strip()]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^<>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^<>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALLBLOCKS}[^<>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{_ALLBLOCKS}[^<>]*>)\s*</p>", r"\1", text, flags=re.I)
    if br:
        text = re.sub(r"<br>|<br/>", "<br />", text)
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_ALLBLOCKS}[^<>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)", r"\1", text
    )
    text = re.sub(r"\n</p>$", "</p>", text)
    for key, value in pre_tags.items():
        text = text.replace(key, value)
    return text


# Media: the site's own uploads copied and linked anew; any other image a link.

_IMAGE_OR_LINKED = re.compile(
    r"<a\b([^<>]*)>\s*(<img\b[^<>]*>)\s*</a\s*>|<img\b[^<>]*>", re.IGNORECASE
)
_LINK = re.compile(r"<a\b[^<>]*>", re.IGNORECASE)
_UPLOADS_PATH = "/wp-content/uploads/"


def _hosts_of(site: Site | None) -> set[str]:
    """The old site's host names, without "www."."""
    hosts = set()
    for url in (site.base_site_url, site.base_blog_url, site.link) if site else ():
        host = _host(url or "")
        if host:
            hosts.add(host)
    return hosts


_PAGE_EXTENSIONS = frozenset({"html", "htm", "php"})


def _own_path(url: str, hosts: set[str]) -> str | None:
    """A link to one of the old site's own pages as a path on this site
    ("/2023/09/19/slug/", "/?p=12"), where its old address answers; None for any
    other link, for files ("/x.jpg") and for WordPress's own screens (/wp-…)."""
    if not hosts or not url.lower().startswith(("http://", "https://", "//")):
        return None
    try:
        parts = urlsplit(html.unescape(url))
    except ValueError:
        return None
    if _host(url) not in hosts or parts.path.startswith("/wp-"):
        return None
    name = parts.path.rsplit("/", 1)[-1]
    if "." in name and name.rsplit(".", 1)[1].lower() not in _PAGE_EXTENSIONS:
        return None  # a file of the old site, not one of its pages
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return path + query + fragment


def _media(
    content: str, site: Site, media: MediaLibrary | None, missing: list[str]
) -> str:
    """Images and links to the old site's uploads pointed at their copies; images
    that cannot be shown from here become links to where they were."""
    old_site = (site.base_site_url or site.link or "").rstrip("/") if site else ""
    own_hosts = _hosts_of(site)

    def address(url: str) -> tuple[str, bool]:
        """(the URL to use, whether it is this site's own copy)."""
        if old_site and url.startswith(_UPLOADS_PATH):
            url = old_site + url  # the old site's file, where it was
        if media is not None and media.is_upload(url):
            new = media.address_for(url)
            if new is not None:
                return new, True
            if url not in missing:
                missing.append(url)
        return url, False

    def image(tag: str) -> tuple[str | None, str, str]:
        """(the image tag when it can be shown, else None; its text; its source)."""
        found = attributes(tag)
        source = found.get("src", "").strip()
        alt = " ".join(found.get("alt", "").split())
        name = source.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        new, ours = address(source)
        if not ours:
            if old_site and new.startswith("/") and not new.startswith("//"):
                new = old_site + new  # where it was on the old site
            return None, alt or name, new
        kept = [f'src="{html.escape(new)}"', f'alt="{html.escape(alt)}"']
        for size in ("width", "height"):
            if found.get(size, "").isdigit():
                kept.append(f'{size}="{found[size]}"')
        return f"<img {' '.join(kept)}>", alt, new

    def replace(match: re.Match) -> str:
        if match.group(2) is None:  # an image alone
            tag, text, source = image(match.group(0))
            if tag is not None:
                return tag
            if not re.match(r"(?:https?:)?//", source, re.IGNORECASE):
                return html.escape(text)  # data: and the like: no address to give
            return f'<a href="{html.escape(source)}">{html.escape(text)}</a>'
        target = attributes("<a " + match.group(1) + ">").get("href", "").strip()
        target = address(target)[0] if target else ""
        tag, text, source = image(match.group(2))
        if tag is None:
            return f'<a href="{html.escape(target or source)}">{html.escape(text)}</a>'
        return f'<a href="{html.escape(target)}">{tag}</a>' if target else tag

    content = _IMAGE_OR_LINKED.sub(replace, content)

    def link(match: re.Match) -> str:
        found = attributes(match.group(0))
        href = found.get("href", "").strip()
        if "/wp-content/" in href:
            target = address(href)[0]
        else:
            target = _own_path(href, own_hosts)
            if target is None:
                return match.group(0)
        title = found.get("title")
        title = f' title="{html.escape(title)}"' if title else ""
        return f'<a href="{html.escape(target)}"{title}>'

    return _LINK.sub(link, content)


# Signatories: the list, or the run of short lines, that ends a statement.

_TOP_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_VOID = frozenset({"br", "hr", "img"})
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INTRO = re.compile(
    r"^(?:signatories|signatures|signed(?: by)?|co-?signed(?: by)?|"
    r"the statement (?:is|was) signed by|ստորագրողներ|ստորագրել են|ստորագրություններ|"
    r"подписали|подписанты|подписи|список подписантов)\b",
    re.IGNORECASE,
)
SHORT_LINE = 120
# A list is taken whole only when each of its items could be a name.
LONGEST_LIST_ITEM = 300
_SENTENCE_END = re.compile(r"[.!?։…]\W*$")


def _top_level(markup: str) -> list[tuple[int, int, str]]:
    """The top-level elements of balanced HTML as (start, end, name); text outside
    any element is an element named "" (it breaks a run of paragraphs)."""
    found: list[tuple[int, int, str]] = []
    depth, start, pos = 0, 0, 0
    for match in _TOP_TAG.finditer(markup):
        slash, name = match.group(1), match.group(2).lower()
        if depth == 0 and markup[pos : match.start()].strip():
            found.append((pos, match.start(), ""))
        if name in _VOID:
            if depth == 0:
                found.append((match.start(), match.end(), name))
                pos = match.end()
            continue
        if not slash:
            if depth == 0:
                start = match.start()
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                found.append((start, match.end(), name))
                pos = match.end()
            depth = max(depth, 0)
    if markup[pos:].strip() and depth == 0:
        found.append((pos, len(markup), ""))
    return found


_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>\Z")
_BREAK_AT_EDGE = re.compile(r"(?<=<p>)\s*<br>\s*|\s*<br>\s*(?=</p>\Z)")
_BLANK_LINES = re.compile(r">[ \t]*\n\s*\n\s*<")


def _tidy(markup: str) -> str:
    """Top-level elements one a line, without the blank lines block comments left
    or the empty paragraphs and stray line breaks of removed elements."""
    kept = []
    for start, end, name in _top_level(markup):
        element = markup[start:end].strip()
        if name == "p":
            element = _BREAK_AT_EDGE.sub("", element)
            if _EMPTY_PARAGRAPH.match(element):
                continue
        if name != "pre":
            element = _BLANK_LINES.sub(">\n<", element)
        kept.append(element)
    return "\n".join(kept)


def _inner(markup: str) -> str:
    return markup[markup.find(">") + 1 : markup.rfind("<")]


def _is_intro(text: str) -> bool:
    return len(text) <= 80 and (
        _INTRO.match(text) is not None or (text.endswith(":") and len(text) <= 40)
    )


def _is_name(text: str) -> bool:
    """Whether a line could be a signatory's name: short, and no sentence's end
    (an abbreviation such as "Inc." or "NGO." may end it)."""
    if not 0 < len(text) <= SHORT_LINE or text.endswith(":"):
        return False
    if not _SENTENCE_END.search(text):
        return True
    last = text.split()[-1]
    return last.endswith(".") and (len(last) <= 4 or last[:-1].isupper())


def _list_items(markup: str) -> list[str]:
    """The text of each item of a list, in order."""
    inner = _inner(markup)
    return [
        plain_text(_inner(inner[start:end]))
        for start, end, name in _top_level(inner)
        if name == "li"
    ]


def take_trailing_signatories(body: str) -> tuple[str, list[str]]:
    """The body without the list (or the run of at least three short lines) that
    ends it, and the names in it, with a "Signatories:" line before them."""
    elements = _top_level(body)
    if not elements:
        return body, []
    cut = None
    names: list[str] = []
    start, end, name = elements[-1]
    if name in ("ul", "ol"):
        items = [item for item in _list_items(body[start:end]) if item]
        if items and all(len(item) <= LONGEST_LIST_ITEM for item in items):
            names, cut = items, len(elements) - 1
    if cut is None:
        run: list[list[str]] = []
        index = len(elements)
        while index > 0:  # from the end: run holds the lines last first
            start, end, name = elements[index - 1]
            if name != "p":
                break
            lines = [plain_text(line) for line in _BR.split(_inner(body[start:end]))]
            lines = [line for line in lines if line]
            if lines and _is_intro(lines[0]) and all(map(_is_name, lines[1:])):
                run.append(lines[1:])
                index -= 1
                break
            if not lines or not all(map(_is_name, lines)):
                break
            run.append(lines)
            index -= 1
        found = [line for lines in reversed(run) for line in lines]
        if len(found) >= 3:
            names, cut = found, index
    if cut is None:
        return body, []
    if cut > 0:
        start, end, name = elements[cut - 1]
        if name in ("p", "h2", "h3", "h4", "h5", "h6"):
            if _is_intro(plain_text(body[start:end])):
                cut -= 1
    return body[: elements[cut][0]].rstrip(), names
