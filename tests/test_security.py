"""Headers on every response, odd URLs answered 4xx by the site's page, health check."""

import functools

import pytest
from flask import Flask

from ngo import create_app

ODD_PATHS = [
    "/statements/" + "a" * 5000,
    "/category/" + "%C3%A9" * 3000,
    "/statements/%00",
    "/statements/%ff%fe",
    "/statements/%C0%AF",
    "/statements/..%2f..%2fetc%2fpasswd",
    "/statements/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/statements/a%0d%0aSet-Cookie:%20x=1",
    "/statements/%E2%80%AEevil",
    "/organisations/%F0%9F%92%A9",
    "/category/rights/../../x",
    "/?page=" + "9" * 500,
    "/?page=%00",
    "/static/../ngo/__init__.py",
    "/statements/",
    "/nope?x=" + "y" * 8000,
]


def test_security_headers_on_pages_errors_and_health(client, make_statement):
    slug = make_statement()
    for path in (
        "/",
        f"/statements/{slug}",
        "/category/missing",
        "/no-such-page",
        "/healthz",
    ):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_odd_urls_answer_4xx_with_the_site_error_page(client, make_statement, path):
    make_statement(categories=["Rights"])
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    if response.status_code != 308:
        html = response.get_data(as_text=True)
        assert 'class="site-header"' in html and "<script>alert" not in html
        assert (
            "Set-Cookie" not in response.headers
            or "x=1" not in response.headers["Set-Cookie"]
        )


def test_unknown_method_is_405_with_the_site_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "Allow" in response.headers and 'class="site-header"' in response.get_data(
        as_text=True
    )


def test_health_check_answers_200_and_readiness_too_when_the_database_does(client):
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["database"] == "up"


def test_health_check_says_alive_and_readiness_503_when_the_database_is_not(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite",
        }
    )
    assert app.test_client().get("/healthz").status_code == 200
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"


def test_pages_answer_503_with_the_site_error_page_when_the_database_is_down(tmp_path):
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite",
        }
    )
    response = app.test_client().get("/")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Service unavailable" in response.get_data(as_text=True)


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("NGO_SECRET_KEY", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.setattr(
        "ngo.Flask", functools.partial(Flask, instance_path=str(tmp_path / "instance"))
    )
    first = create_app(dict(config)).config["SECRET_KEY"]
    second = create_app(dict(config)).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0
