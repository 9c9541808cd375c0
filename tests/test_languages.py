"""Every public page in each language, at its own address: /hy/… and /ru/…, the
default language without a prefix; `lang`, hreflang alternates, dates in each
locale and the site's time zone, and nothing chosen by Accept-Language."""

import re
from datetime import UTC, datetime

import pytest

PAGES = ["/", "/statements", "/organisations", "/accessibility", "/pages/about"]
PREFIXES = {"en": "", "hy": "/hy", "ru": "/ru"}


@pytest.fixture
def about(app):
    """The demo's About page (the public pages need one to exist)."""
    from ngo.extensions import db
    from ngo.models import Page

    with app.app_context():
        db.session.add(Page(slug="about", title="About", body="<p>Who we are.</p>"))
        db.session.commit()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", PREFIXES)
def test_every_public_page_exists_in_each_language(
    client, about, make_statement, path, language
):
    make_statement(title="Statement", categories=["Rights"], signatories=["Club"])
    response = client.get(PREFIXES[language] + path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'<html lang="{language}"[ >]', html)
    # Each page names its address in every language, and the default as x-default.
    links = {
        lang: href
        for lang, href in re.findall(
            r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html
        )
    }
    origin = "http://localhost"  # the test client's host: NGO_SITE_URL is not set
    expected = {code: origin + prefix + path for code, prefix in PREFIXES.items()}
    expected["x-default"] = origin + path
    assert links == expected
    # Links within the page stay in its language.
    if language != "en":
        assert f'href="{PREFIXES[language]}/statements"' in html


def test_the_default_language_has_no_prefix(client):
    assert client.get("/en/").status_code == 404
    assert client.get("/en/statements").status_code == 404
    assert client.get("/xx/").status_code == 404


def test_the_bare_prefix_is_the_home_page(client):
    response = client.get("/hy")
    assert response.status_code == 200
    assert '<html lang="hy"' in response.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["hy", "ru-RU,ru;q=0.9", "en"])
def test_accept_language_never_redirects_or_changes_the_page(client, accept):
    for path in ("/", "/statements", "/hy/", "/ru/statements"):
        plain = client.get(path)
        asked = client.get(path, headers={"Accept-Language": accept})
        assert asked.status_code == plain.status_code == 200
        assert asked.get_data() == plain.get_data() or _same_but_tokens(plain, asked)


def _same_but_tokens(first, second) -> bool:
    """Two renders of one page are the same but for their CSRF tokens and nonces."""
    strip = re.compile(r'(value|nonce)="[^"]+"')
    return strip.sub("", first.get_data(as_text=True)) == strip.sub(
        "", second.get_data(as_text=True)
    )


def test_files_keep_one_address_in_every_language(client):
    html = client.get("/ru/").get_data(as_text=True)
    for attribute in re.findall(r'(?:href|src)="(/[^"]+\?v=[^"]+)"', html):
        assert not attribute.startswith(("/ru/", "/hy/")), attribute


@pytest.mark.parametrize(
    "language,written",
    [
        ("en", "September 19, 2023"),
        ("hy", "19 սեպտեմբերի 2023 թ."),
        ("ru", "19 сентября 2023 г."),
    ],
)
def test_dates_are_written_in_the_page_language(
    client, make_statement, language, written
):
    slug = make_statement(
        title="Dated", published_at=datetime(2023, 9, 19, 8, 0, tzinfo=UTC)
    )
    for path in (f"/statements/{slug}", "/statements", "/"):
        html = client.get(PREFIXES[language] + path).get_data(as_text=True)
        # CLDR keeps "г." to its number with a narrow no-break space.
        html = html.replace("\u202f", " ")
        assert f'<time datetime="2023-09-19">{written}</time>' in html, path


def test_dates_are_in_the_site_time_zone(client, make_statement):
    # 22:30 UTC on the 19th is 02:30 on the 20th in Yerevan (UTC+4).
    slug = make_statement(
        title="Late", published_at=datetime(2023, 9, 19, 22, 30, tzinfo=UTC)
    )
    html = client.get(f"/statements/{slug}").get_data(as_text=True)
    assert '<time datetime="2023-09-20">September 20, 2023</time>' in html


def test_a_bad_time_zone_or_language_stops_start_up():
    from ngo import create_app

    with pytest.raises(RuntimeError, match="NGO_TIMEZONE"):
        create_app({"TESTING": True, "TIMEZONE": "Mars/Olympus"})
    with pytest.raises(RuntimeError, match="NGO_DEFAULT_LANGUAGE"):
        create_app({"TESTING": True, "DEFAULT_LANGUAGE": "fr"})


def test_each_language_is_its_own_cached_page(client, make_statement):
    slug = make_statement(title="Cached")
    pages = {}
    for _ in range(2):  # rendered, then from the page cache
        for language, prefix in PREFIXES.items():
            html = client.get(f"{prefix}/statements/{slug}").get_data(as_text=True)
            lang = re.search(r'<html lang="([^"]+)"', html).group(1)
            pages.setdefault(language, set()).add(lang)
    assert pages == {"en": {"en"}, "hy": {"hy"}, "ru": {"ru"}}


def test_the_toolbar_brings_the_reader_back_to_the_same_language(client):
    html = client.get("/hy/statements").get_data(as_text=True)
    assert 'name="next" value="/hy/statements"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        "/hy/accessibility",
        data={"csrf_token": token, "next": "/hy/statements", "size": "150"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/hy/statements")
