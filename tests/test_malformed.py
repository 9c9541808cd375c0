"""Malformed requests answer 4xx (or are read as a browser would send them), never 5xx.

JSON bodies, unusable Host headers, referrers no URL can have, raw bytes in the
query string, NUL characters and ids no database column holds: each answers with
the site's own page and its security headers (a NUL in a form is dropped).
PostgreSQL runs them too, where a NUL in text used to reach the database and fail.
"""

import re

import pytest

from ngo.extensions import db
from ngo.models import Organisation
from tests.staff import PASSWORD, make_user

JSON_BODIES = ["{", "[1,2]", '"x"', '{"bg":123}', '{"email":1,"password":2}']
JSON_PATHS = ["/statements/{slug}/comments", "/accessibility", "/admin/login"]
# Hosts the test client can send (tests/test_fuzz.py sends worse over a socket).
BAD_HOSTS = ["a" * 64, "a" * 64 + ".example.org", "a..b", "b" * 300 + ":8000"]


@pytest.fixture
def app_config(app_config):
    """CSRF on, as in production: the requests below carry real tokens."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def token_of(response) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
    assert found, "no CSRF token on the page"
    return found.group(1)


def assert_site_page(response, status: int) -> None:
    """This status, with the site's own layout and its security headers."""
    assert response.status_code == status, response.status_code
    assert 'class="site-header"' in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def admin(app, client):
    """A client signed in as an admin through the form, token and all."""
    make_user(app, "admin", "admin@example.org")
    token = token_of(client.get("/admin/login"))
    signed = client.post(
        "/admin/login",
        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert signed.status_code == 303
    return client


@pytest.mark.parametrize("path", JSON_PATHS)
@pytest.mark.parametrize("body", JSON_BODIES)
def test_a_json_body_to_a_form_is_415_with_the_site_page(
    client, make_statement, path, body
):
    slug = make_statement()
    token = token_of(client.get(f"/statements/{slug}"))
    response = client.post(
        path.format(slug=slug),
        data=body,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": token,
        },
    )
    assert_site_page(response, 415)


def test_the_toolbar_script_still_posts_its_form_and_gets_json(client):
    token = token_of(client.get("/accessibility"))
    response = client.post(
        "/accessibility",
        data={"csrf_token": token, "size": "150", "next": "/"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json["message"]


@pytest.mark.parametrize(
    "referrer", ["http://[::1", "https://[example.org]/", "http://[::1]:99999/"]
)
def test_a_post_with_a_referrer_no_url_can_have_is_answered(
    client, make_statement, referrer
):
    slug = make_statement()
    token = token_of(client.get(f"/statements/{slug}"))
    headers = {"Referer": referrer}
    refused = client.post(
        "/accessibility", data={"csrf_token": token, "size": "huge"}, headers=headers
    )
    assert refused.status_code == 400 and 'class="site-header"' in refused.text
    kept = client.post(
        f"/statements/{slug}/comments",
        data={"csrf_token": token, "comment": "Kept text", "author": "", "email": ""},
        headers=headers,
    )
    assert kept.status_code == 422 and "Kept text" in kept.text
    stale = client.post("/accessibility", data={"size": "large"}, headers=headers)
    assert_site_page(stale, 400)


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/admin/", "/accessibility", "/nope"])
def test_a_host_idna_rejects_is_400_with_the_site_page(client, host, path):
    response = client.get(path, headers={"Host": host})
    assert_site_page(response, 400)
    assert host not in response.text


def test_a_post_with_a_bad_host_is_400_not_a_csrf_crash(client):
    response = client.post("/accessibility", data={}, headers={"Host": "a" * 70})
    assert_site_page(response, 400)


def test_trusted_hosts_refuse_other_hosts_with_the_site_page(app_config):
    from ngo import create_app

    app = create_app(app_config | {"TRUSTED_HOSTS": "example.org, .example.net"})
    assert app.config["TRUSTED_HOSTS"] == ["example.org", ".example.net"]
    client = app.test_client()
    assert_site_page(client.get("/", headers={"Host": "evil.example"}), 400)
    for host in ("example.org", "www.example.net", "example.org:8000"):
        assert client.get("/nope", headers={"Host": host}).status_code == 404


@pytest.mark.parametrize(
    "path, query",
    [
        ("/", "page=\xff"),
        ("/", "page=\xc3"),
        ("/accessibility", "next=\xff"),
        ("/accessibility", "next=/statements?q=\xe9\xff"),
        ("/admin/", "\xff"),
        ("/admin/login", "next=\xff"),
        ("/admin/statements", "q=\xff&status=\xfe"),
    ],
)
def test_raw_bytes_in_the_query_string_are_read_as_percent_encoded(client, path, query):
    # QUERY_STRING as gunicorn hands it over: the raw bytes as latin-1 text.
    response = client.get(path, environ_overrides={"QUERY_STRING": query})
    assert response.status_code < 500
    assert "Content-Security-Policy" in response.headers


def test_raw_utf8_in_the_query_string_still_means_the_same(client):
    raw = "/accessibility?next=/caf%C3%A9"
    encoded = client.get(raw).text
    sent_raw = client.get(
        "/accessibility",
        environ_overrides={"QUERY_STRING": "next=/caf\xc3\xa9"},
    ).text
    assert 'href="/caf%C3%A9"' in encoded and 'href="/caf%C3%A9"' in sent_raw


@pytest.mark.parametrize(
    "email, status",
    [("a\x00@example.org", 422), ("admin@\x00example.org\x00", 303)],
)
def test_a_nul_in_the_sign_in_form_is_dropped(client, app, email, status):
    make_user(app, "admin", "admin@example.org")
    token = token_of(client.get("/admin/login"))
    response = client.post(
        "/admin/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == status
    if status == 422:
        assert_site_page(response, 422)
        assert 'value="a@example.org"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/statements?q=%00",
        "/admin/statements?status=%00",
        "/admin/organisations?q=a%00b",
        "/admin/comments?status=pending&q=%00",
        "/admin/comments?statement=%00",
        "/admin/audit?action=%00",
        "/admin/users?q=%00",
        "/?page=%00",
        "/accessibility?next=/%00",
    ],
)
def test_a_nul_in_a_filter_is_400(admin, path):
    assert_site_page(admin.get(path), 400)


def test_a_nul_in_an_admin_form_field_is_dropped(admin, app):
    token = token_of(admin.get("/admin/organisations/new"))
    response = admin.post(
        "/admin/organisations/new",
        data={"csrf_token": token, "name": "Article\x00 3 Club", "website": ""},
    )
    assert response.status_code == 303
    with app.app_context():
        names = db.session.scalars(db.select(Organisation.name)).all()
    assert names == ["Article 3 Club"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/statements/99999999999999999999/edit",
        "/admin/organisations/2147483648/edit",
        "/admin/categories/" + "9" * 300 + "/edit",
        "/admin/users/" + "0" * 30 + "99999999999/edit",
    ],
)
def test_an_id_no_column_can_hold_is_404(admin, path):
    assert_site_page(admin.get(path), 404)


@pytest.mark.parametrize(
    "fields",
    [
        {"position": "9" * 400},
        {"position": "-" + "9" * 30},
        {"parent": "9" * 30},
        {"parent": "-1"},
    ],
)
def test_a_huge_number_in_the_category_form_is_a_form_error(admin, fields):
    token = token_of(admin.get("/admin/categories/new"))
    data = {"csrf_token": token, "name": "Rights", "position": "0", "parent": "0"}
    response = admin.post("/admin/categories/new", data=data | fields)
    assert response.status_code == 422
    assert 'class="field__errors"' in response.text


def test_a_huge_comment_id_in_the_moderation_form_is_400(admin):
    token = token_of(admin.get("/admin/comments"))
    response = admin.post(
        "/admin/comments",
        data={"csrf_token": token, "action": "approve", "ids": ["1", "9" * 30]},
    )
    assert_site_page(response, 400)


@pytest.mark.parametrize("path", ["/statements/%00/comments", "/accessibility%00"])
def test_a_nul_in_the_path_of_a_post_without_a_token_is_400(client, path):
    # The URL is refused before the CSRF check, whose comment-form page would
    # look the slug up (PostgreSQL refuses NUL in text: a 500 there before).
    assert_site_page(client.post(path, data={"comment": "x"}), 400)
