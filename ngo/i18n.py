"""The site's languages: the language of a request (from its address), the interface's
translations (Flask-Babel), dates and numbers in that language and the site's time
zone, and the addresses of a page in every language.

The default language (`NGO_DEFAULT_LANGUAGE`) has no prefix; every other language of
`LANGUAGES` is served under `/<code>/…`. `LanguagePrefix` moves that prefix from the
path to the script root, so the views never see it and every `url_for` of a page in
Armenian makes an Armenian address. Nothing else chooses the language: no cookie, no
`Accept-Language`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_datetime, get_date_format
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import Babel
from markupsafe import Markup

from ngo.urls import absolute_url

# Every language the site speaks, in the order the switcher lists them.
LANGUAGES = ("hy", "en", "ru")
# Each language's name written in that language, as the switcher shows it.
NAMES = {"hy": "Հայերեն", "en": "English", "ru": "Русский"}
# Open Graph / hreflang style locale of each language.
LOCALES = {"hy": "hy_AM", "en": "en_GB", "ru": "ru_RU"}
# A statement's date, written out, where CLDR's long format is not how the language's
# own press writes it: "19 սեպտեմբերի 2023 թ." rather than "2023 թ. սեպտեմբերի 19".
LONG_DATE = {"hy": "d MMMM y 'թ.'"}
# What goes between a date and its time, quoted for a CLDR pattern.
AT = {"hy": ", ", "en": " 'at' ", "ru": " 'в' "}
# The interface's catalogs, merged: what readers see, and the admin's
# (ngo/translations/<language>/LC_MESSAGES/<domain>.po).
DOMAINS = ("messages", "admin")
# Endpoints whose answer is the same in every language: one address for all.
LANGUAGE_FREE = frozenset(
    {
        "static",
        "icon",
        "touch_icon_precomposed",
        "identity_css",
        "logo",
        "media.file",
        "health.healthz",
        "health.readyz",
        "feeds.sitemap",
        "feeds.sitemap_part",
        "feeds.robots",
    }
)
ENVIRON_KEY = "ngo.language"
ROOT_KEY = "ngo.root"


class LanguagePrefix:
    """WSGI middleware: `/hy/statements/x` is `/statements/x` in Armenian, its prefix
    moved to SCRIPT_NAME. The default language has no prefix: `/en/…` is not found."""

    def __init__(self, app, default: str, languages=LANGUAGES):
        self.app = app
        self.default = default
        self.prefixed = tuple(code for code in languages if code != default)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        root = environ.get("SCRIPT_NAME", "")
        environ[ROOT_KEY] = root
        code, rest = _split(path)
        if code in self.prefixed:
            environ[ENVIRON_KEY] = code
            environ["SCRIPT_NAME"] = f"{root}/{code}"
            environ["PATH_INFO"] = rest
        return self.app(environ, start_response)


def _split(path: str) -> tuple[str | None, str]:
    """("hy", "/statements/x") for "/hy/statements/x"; (None, path) without a code."""
    head, slash, rest = path[1:].partition("/")
    if len(head) == 2 and head.isascii() and head.isalpha():
        return head, "/" + rest if slash else "/"
    return None, path


def _language_free_urls(build):
    """Wrap the app's url_for so that files the same in every language (static files,
    icons, the identity stylesheet) keep one address, cached once by browsers."""

    def url_for_page_or_file(endpoint: str, **values) -> str:
        url = build(endpoint, **values)
        if endpoint in LANGUAGE_FREE and has_request_context():
            prefixed = request.script_root
            root = request.environ.get(ROOT_KEY, prefixed)
            if prefixed != root and url.startswith(prefixed + "/"):
                url = root + url[len(prefixed) :]
        return url

    return url_for_page_or_file


def current_language() -> str:
    """The language of this request's page; the default outside a request."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    return request.environ.get(ENVIRON_KEY, default)


def site_timezone():
    """The site's time zone (`NGO_TIMEZONE`), checked at start-up."""
    return current_app.extensions["ngo.timezone"]


def local(value: datetime) -> datetime:
    """A stored (UTC) time in the site's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(site_timezone())


def long_date(value: datetime | date) -> str:
    """A date written out in the page's language, in the site's time zone:
    "September 19, 2023", "19 սեպտեմբերի 2023 թ.", "19 сентября 2023 г."."""
    if isinstance(value, datetime):
        value = local(value).date()
    language = current_language()
    return format_date(value, LONG_DATE.get(language, "long"), locale=language)


def date_and_time(value: datetime) -> str:
    """A moment written out in the page's language and the site's time zone:
    "September 19, 2023 at 14:05", "19 սեպտեմբերի 2023 թ., 14:05"."""
    moment = local(value)
    language = current_language()
    return format_datetime(
        moment,
        (LONG_DATE.get(language) or get_date_format("long", language).pattern)
        + AT.get(language, " ")
        + "HH:mm",
        locale=language,
    )


def iso_date(value: datetime) -> str:
    """A stored time's date in the site's time zone, for `<time datetime>`."""
    return local(value).date().isoformat()


def iso_datetime(value: datetime) -> str:
    """A stored time for `<time datetime>`: ISO 8601 with the site's offset."""
    return local(value).isoformat(timespec="seconds")


def number(value: int) -> str:
    """A count with the page's grouping: "12,345", "12 345"."""
    return format_decimal(value, locale=current_language())


def root_url(path: str, language: str) -> str:
    """The address of `path` (without any language prefix) in `language`."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    root = request.environ.get(ROOT_KEY, request.script_root)
    prefix = "" if language == default else f"/{language}"
    return f"{root}{prefix}{path}"


def url_in(language: str, endpoint: str, **values) -> str:
    """`url_for` in another language: a statement's address in its own language."""
    path = url_for(endpoint, **values).removeprefix(request.script_root)
    if language not in LANGUAGES:
        language = current_app.config["DEFAULT_LANGUAGE"]
    return root_url(path, language)


def page_addresses(addresses: dict[str, str] | None = None) -> dict[str, str]:
    """This page's address in every language, code → path: the same page under
    each prefix, or what the page gives (a statement: its translations)."""
    if addresses is not None:
        return addresses
    query = request.query_string.decode("latin-1")
    tail = request.path + ("?" + query if query else "")
    return {code: root_url(tail, code) for code in LANGUAGES}


def localized(setting):
    """A setting given per language ({"hy": …, "en": …}) in the page's language,
    else in the default one; a plain string as it is."""
    if isinstance(setting, dict):
        default = current_app.config["DEFAULT_LANGUAGE"]
        return setting.get(current_language()) or setting.get(default) or ""
    return setting


def lang_attr(language: str | None) -> Markup:
    """` lang="xx"` for text in another language than the page's, else nothing."""
    if not language or language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def init_app(app: Flask) -> None:
    """Serve every language's addresses, choose translations by them, and give the
    templates the date, number and address helpers."""
    default = app.config["DEFAULT_LANGUAGE"]
    if default not in LANGUAGES:
        raise RuntimeError(
            f"NGO_DEFAULT_LANGUAGE is {default!r}: it must be one of "
            + ", ".join(LANGUAGES)
        )
    try:
        app.extensions["ngo.timezone"] = ZoneInfo(app.config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuntimeError(
            f"NGO_TIMEZONE is {app.config['TIMEZONE']!r}: not a time zone ({exc})"
        ) from exc
    Babel(
        app,
        locale_selector=current_language,
        default_locale=default,
        default_timezone=app.config["TIMEZONE"],
        default_domain=";".join(DOMAINS),
        default_translation_directories=";".join(["translations"] * len(DOMAINS)),
    )
    app.wsgi_app = LanguagePrefix(app.wsgi_app, default)
    app.url_for = _language_free_urls(app.url_for)
    app.add_template_filter(long_date)
    app.add_template_filter(iso_datetime)
    app.add_template_filter(iso_date)
    app.add_template_filter(date_and_time)
    app.add_template_filter(number)
    app.jinja_env.globals.update(
        current_language=current_language,
        lang_attr=lang_attr,
        localized=localized,
        url_in=url_in,
        absolute_url=absolute_url,
        page_addresses=page_addresses,
        language_names=NAMES,
        languages=LANGUAGES,
    )
