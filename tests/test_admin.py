"""Sign-in and out, roles against every admin page, lockout, sessions, users, CLI."""

import logging
import os
import pty
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from ngo import create_app
from ngo.extensions import db
from ngo.models import (
    AuditLog,
    Category,
    LoginAttempt,
    Organisation,
    StaffSession,
    Statement,
    User,
)
from tests.commenting import add_comment
from tests.staff import PASSWORD, make_user, sign_in, signed_in, text_of

ROLES = ("admin", "editor", "moderator")
# Every admin page, and which roles may open it.
PAGES = [
    ("/admin/", ROLES),
    ("/admin/comments", ROLES),
    ("/admin/comments?status=trash", ROLES),
    ("/admin/account", ROLES),
    ("/admin/statements", ("admin", "editor")),
    ("/admin/statements?status=draft&q=x", ("admin", "editor")),
    ("/admin/statements/new", ("admin", "editor")),
    ("/admin/statements/{statement}/edit", ("admin", "editor")),
    ("/admin/categories", ("admin", "editor")),
    ("/admin/categories/new", ("admin", "editor")),
    ("/admin/categories/{category}/edit", ("admin", "editor")),
    ("/admin/organisations", ("admin", "editor")),
    ("/admin/organisations/new", ("admin", "editor")),
    ("/admin/organisations/{organisation}/edit", ("admin", "editor")),
    ("/admin/users", ("admin",)),
    ("/admin/users/new", ("admin",)),
    ("/admin/users/{user}/edit", ("admin",)),
    ("/admin/audit", ("admin",)),
    ("/admin/sign-ins", ("admin",)),
]
POSTS = [
    ("/admin/statements/new", ("admin", "editor")),
    ("/admin/statements/{statement}/edit", ("admin", "editor")),
    ("/admin/categories/new", ("admin", "editor")),
    ("/admin/categories/{category}/delete", ("admin", "editor")),
    ("/admin/organisations/{organisation}/delete", ("admin", "editor")),
    ("/admin/users/new", ("admin",)),
    ("/admin/users/{user}/edit", ("admin",)),
    ("/admin/comments", ROLES),
    ("/admin/account", ROLES),
    ("/admin/account/sign-out-everywhere", ROLES),
    ("/admin/logout", ROLES),
]


@pytest.fixture
def world(app, make_statement):
    """One of everything the admin pages show, by id."""
    slug = make_statement(categories=["Rights"], signatories=["Article 3 Club"])
    uid = make_user(app, "moderator", "other@example.org")
    add_comment(app, slug, author_name="Ani", author_email="ani@example.org")
    with app.app_context():
        return {
            "statement": db.session.scalar(db.select(Statement.id)),
            "category": db.session.scalar(db.select(Category.id)),
            "organisation": db.session.scalar(db.select(Organisation.id)),
            "user": uid,
        }


@pytest.mark.parametrize(
    "path",
    [p for p, _ in PAGES] + ["/admin/no-such-page", "/admin/statements/999/edit"],
)
def test_anonymous_visitors_are_sent_to_sign_in_with_a_safe_next(client, world, path):
    path = path.format(**world)
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/admin/login?next=")
    follow = client.get(response.location)
    assert follow.status_code == 200
    assert "Sign in" in text_of(follow)


@pytest.mark.parametrize("path", [p for p, _ in POSTS])
def test_anonymous_posts_are_sent_to_sign_in_too(client, world, path):
    response = client.post(path.format(**world), data={"title": "x"})
    assert response.status_code == 302
    assert response.location.startswith("/admin/login")
    with client.application.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,allowed", PAGES)
def test_each_role_against_each_page(app, client, world, role, path, allowed):
    signed_in(app, client, role)
    response = client.get(path.format(**world))
    if role in allowed:
        assert response.status_code == 200, response.status_code
        assert "no-store" in response.headers["Cache-Control"]
        html = response.get_data(as_text=True)
        assert 'aria-label="Administration"' in html
        assert 'class="skip-link"' in html  # the site's own layout
    else:
        assert response.status_code == 403
        assert "Forbidden" in text_of(response)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,allowed", POSTS)
def test_each_role_against_each_form(app, client, world, role, path, allowed):
    signed_in(app, client, role)
    response = client.post(path.format(**world), data={})
    if role in allowed:
        assert response.status_code not in (302, 403), response.status_code
        assert response.status_code < 500
    else:
        assert response.status_code == 403


def test_navigation_shows_only_what_the_role_may_use(app, client):
    signed_in(app, client, "moderator")
    html = client.get("/admin/").get_data(as_text=True)
    nav = html[
        html.index('aria-label="Administration"') : html.index(
            "</nav>", html.index('aria-label="Administration"')
        )
    ]
    assert ">Comments<" in nav and ">Statements<" not in nav and ">Users<" not in nav
    text = text_of(client.get("/admin/"))
    assert "Signed in as moderator@example.org (moderator)" in text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\\\\evil.example",
        "/admin/\r\nSet-Cookie: x=1",
    ],
)
def test_next_never_leaves_the_site(app, client, target):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org", next_path=target)
    assert response.status_code == 303
    assert response.location == "/admin/"


def test_sign_in_goes_to_the_page_asked_for(app, client):
    make_user(app, "editor", "ed@example.org")
    first = client.get("/admin/statements?status=draft")
    assert first.location == "/admin/login?next=/admin/statements?status%3Ddraft"
    page = client.get(first.location)
    assert 'name="next" value="/admin/statements?status=draft"' in page.get_data(
        as_text=True
    )
    response = sign_in(
        client, "ED@Example.org ", next_path="/admin/statements?status=draft"
    )
    assert response.status_code == 303
    assert response.location == "/admin/statements?status=draft"
    assert client.get(response.location).status_code == 200


def test_sign_in_form_has_the_contract_labels(client):
    html = client.get("/admin/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_is_refused_keeping_the_email_not_the_password(
    app, client, caplog
):
    make_user(app, "editor", "ed@example.org")
    with caplog.at_level(logging.INFO):
        response = sign_in(client, "ed@example.org", "not the password")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The email or the password is not right." in text_of(response)
    assert 'value="ed@example.org"' in html
    assert "not the password" not in html
    assert client.get("/admin/").status_code == 302
    assert any("sign-in failed" in r.getMessage() for r in caplog.records)


def test_unknown_email_reads_like_a_wrong_password(app, client):
    response = sign_in(client, "nobody@example.org", "whatever it is")
    assert response.status_code == 422
    assert "The email or the password is not right." in text_of(response)


def test_empty_form_is_a_422_with_both_errors(client):
    response = client.post("/admin/login", data={})
    assert response.status_code == 422
    text = text_of(response)
    assert "Enter your email address." in text and "Enter your password." in text
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_session_cookie_is_httponly_lax_and_not_secure_over_http(app, client):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_under_https(app, client):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org", base_url="https://localhost")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_is_renewed_at_sign_in(app, client):
    make_user(app, "editor", "ed@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "fixed-by-attacker"
    with client.session_transaction() as session:
        session["_user_id"] = "a session id planted by someone else"
    sign_in(client, "ed@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "fixed-by-attacker"
        token = session["_user_id"]
    assert token != "a session id planted by someone else" and len(token) >= 40
    with app.app_context():
        (row,) = db.session.scalars(db.select(StaffSession)).all()
        assert row.user_id == 1 and token not in row.token_hash  # stored hashed


def test_sign_out_is_a_post_and_ends_the_session(app, client):
    signed_in(app, client, "editor")
    assert client.get("/admin/logout").status_code == 405
    response = client.post("/admin/logout")
    assert response.status_code == 303 and response.location == "/admin/login"
    assert "You have signed out." in text_of(client.get("/admin/login"))
    assert client.get("/admin/").status_code == 302


def test_signed_in_user_visiting_login_goes_on(app, client):
    signed_in(app, client, "editor")
    assert (
        client.get("/admin/login?next=/admin/statements").location
        == "/admin/statements"
    )


def test_sign_in_expires_after_the_session_limit(app, client):
    signed_in(app, client, "editor")
    assert client.get("/admin/statements").status_code == 200
    with app.app_context():
        row = db.session.scalars(db.select(StaffSession)).one()
        row.created_at -= timedelta(seconds=app.config["ADMIN_SESSION_SECONDS"] + 1)
        db.session.commit()
    response = client.get("/admin/statements")
    assert response.status_code == 302 and response.location.startswith("/admin/login")
    assert "Your session has ended" in text_of(client.get(response.location))
    with app.app_context():  # the stale row went with it
        assert db.session.scalars(db.select(StaffSession)).all() == []


def _age_attempts(app, minutes):
    """Move every recorded sign-in attempt this many minutes into the past."""
    with app.app_context():
        for attempt in db.session.scalars(db.select(LoginAttempt)):
            attempt.created_at -= timedelta(minutes=minutes)
        db.session.commit()


def test_lockout_after_five_wrong_passwords_whatever_is_tried(app, client, caplog):
    make_user(app, "editor", "ed@example.org")
    for _ in range(5):
        assert sign_in(client, "ed@example.org", "wrong password").status_code == 422
    with caplog.at_level(logging.WARNING):
        response = sign_in(client, "ed@example.org", PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 14 * 60
    text = text_of(response)
    assert "Too many failed sign-in attempts" in text and "15 more minutes" in text
    assert "whatever password is entered" in text
    assert client.get("/admin/").status_code == 302
    assert any("sign-in locked" in r.getMessage() for r in caplog.records)
    with app.app_context():
        outcomes = db.session.scalars(
            db.select(LoginAttempt.outcome).order_by(LoginAttempt.id)
        ).all()
    assert outcomes == ["failed"] * 5 + ["locked"]

    _age_attempts(app, 14)
    assert sign_in(client, "ed@example.org", PASSWORD).status_code == 429
    _age_attempts(app, 2)
    response = sign_in(client, "ed@example.org", PASSWORD)
    assert response.status_code == 303


def test_four_wrong_passwords_then_the_right_one_signs_in_and_resets(app, client):
    make_user(app, "editor", "ed@example.org")
    for _ in range(4):
        sign_in(client, "ed@example.org", "wrong password")
    assert sign_in(client, "ed@example.org").status_code == 303
    client.post("/admin/logout")
    for _ in range(4):
        assert sign_in(client, "ed@example.org", "wrong password").status_code == 422
    assert sign_in(client, "ed@example.org").status_code == 303


# Lockouts per client, per account and client, and per account: tests/test_lockout.py.


def test_lockout_holds_across_processes_sharing_the_database(app, client, app_config):
    """A second app (another worker) on the same database sees the same lockout."""
    make_user(app, "editor", "ed@example.org")
    for _ in range(5):
        sign_in(client, "ed@example.org", "wrong")
    worker = create_app(app_config)
    assert sign_in(worker.test_client(), "ed@example.org").status_code == 429
    with worker.app_context():
        db.engine.dispose()


def test_disabled_account_cannot_sign_in_and_its_sessions_end(app, client):
    uid = make_user(app, "editor", "ed@example.org")
    sign_in(client, "ed@example.org")
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        db.session.get(User, uid).active = False
        db.session.commit()
    assert client.get("/admin/").status_code == 302
    response = sign_in(client, "ed@example.org")
    assert response.status_code == 403
    assert "disabled" in text_of(response)


def test_password_change_errors_keep_nothing_secret(app, client):
    signed_in(app, client, "moderator")
    response = client.post(
        "/admin/account",
        data={
            "current_password": "nope",
            "password": "short",
            "confirm": "other",
        },
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Use at least 12 characters." in text
    assert "The two new passwords are not the same." in text
    assert 'value="short"' not in response.get_data(as_text=True)


def test_admin_creates_changes_and_disables_users(app, client):
    signed_in(app, client, "admin")
    response = client.post(
        "/admin/users/new",
        data={
            "email": "New.Editor@Example.org",
            "role": "editor",
            "password": "long enough password",
            "confirm": "long enough password",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(
            db.select(User).where(User.email == "new.editor@example.org")
        )
        assert user.role == "editor" and user.check_password("long enough password")
        uid = user.id
    duplicate = client.post(
        "/admin/users/new",
        data={
            "email": "new.editor@example.org",
            "role": "editor",
            "password": "long enough password",
            "confirm": "long enough password",
        },
    )
    assert duplicate.status_code == 422
    assert "There is already a user with this email." in text_of(duplicate)
    assert 'value="new.editor@example.org"' in duplicate.get_data(as_text=True)

    response = client.post(f"/admin/users/{uid}/edit", data={"role": "moderator"})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.role == "moderator" and user.active is False
    entries = text_of(client.get("/admin/audit"))
    assert "created user new.editor@example.org" in entries
    assert "role: editor → moderator" in entries and "active: yes → no" in entries


def test_the_last_admin_cannot_be_demoted_or_disabled(app, client):
    signed_in(app, client, "admin")
    response = client.post(
        "/admin/users/1/edit", data={"role": "editor", "active": "y"}
    )
    assert response.status_code == 422
    assert "only active administrator" in text_of(response)
    with app.app_context():
        assert db.session.get(User, 1).role == "admin"


def test_editor_is_refused_the_users_page(app, client):
    signed_in(app, client, "editor")
    assert client.get("/admin/users").status_code == 403
    assert (
        client.post("/admin/users/new", data={"email": "x@example.org"}).status_code
        == 403
    )


def test_sign_in_attempts_page_lists_them(app, client):
    make_user(app, "editor", "ed@example.org")
    sign_in(client, "ed@example.org", "wrong one")
    signed_in(app, app.test_client(), "admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    text = text_of(admin.get("/admin/sign-ins?outcome=failed"))
    assert "ed@example.org" in text and "Wrong email or password" in text
    assert "127.0.0.1" not in text


# The create-user command.


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["create-user", "Chief@Example.org", "--role", "admin"],
        input="a long admin password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin chief@example.org." in result.output
    with app.app_context():
        user = db.session.scalar(
            db.select(User).where(User.email == "chief@example.org")
        )
        assert user.role == "admin" and user.active
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a long admin password")
    client = app.test_client()
    assert (
        sign_in(client, "chief@example.org", "a long admin password").status_code == 303
    )


@pytest.mark.parametrize(
    "args,stdin,code,message",
    [
        (["create-user", "x@example.org"], "a long admin password\n", 2, "--role"),
        (
            ["create-user", "x@example.org", "--role", "owner"],
            "a long admin password\n",
            2,
            "owner",
        ),
        (
            ["create-user", "not an email", "--role", "editor"],
            "a long admin password\n",
            2,
            "EMAIL",
        ),
        (
            ["create-user", "x@example.org", "--role", "editor"],
            "short\n",
            1,
            "at least 12",
        ),
        (["create-user", "x@example.org", "--role", "editor"], "", 1, "at least 12"),
    ],
)
def test_create_user_refuses_bad_input(app, runner, args, stdin, code, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == code, result.output
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_create_user_refuses_an_existing_email(app, runner):
    make_user(app, "editor", "ed@example.org")
    result = runner.invoke(
        args=["create-user", "ED@example.org", "--role", "admin"],
        input="a long admin password\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_create_user_on_a_terminal_asks_twice(tmp_path):
    """The real command on a pseudo-terminal: the password is asked for and repeated.

    It runs on a SQLite file of its own in both runs of the suite: what it tests
    is the terminal, not the database."""
    env = {
        **os.environ,
        "NGO_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "NGO_SECRET_KEY": "t",
        "NO_COLOR": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "ngo"]
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        flask + ["db", "upgrade"], env=env, cwd=root, check=True, capture_output=True
    )
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        flask + ["create-user", "tty@example.org", "--role", "editor"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=root,
    )
    os.close(secondary)
    output = b""

    def read_until(marker: bytes):
        nonlocal output
        while marker not in output:
            chunk = os.read(main, 1024)
            assert chunk, output
            output += chunk

    read_until(b"Password: ")
    os.write(main, b"a terminal password\n")
    read_until(b"Repeat for confirmation: ")
    os.write(main, b"a terminal password\n")
    assert process.wait(timeout=30) == 0
    try:
        read_until(b"Created editor tty@example.org.")
    except OSError:
        pass
    os.close(main)
    assert b"Created editor tty@example.org." in output
    assert b"a terminal password" not in output  # never echoed
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": env["NGO_DATABASE_URL"], "SECRET_KEY": "t"}
    )
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "tty@example.org"))
        assert user.check_password("a terminal password")
        db.engine.dispose()


def test_public_pages_set_no_login_cookies_and_load_no_user(
    app, client, make_statement, count_queries
):
    """Flask-Login keeps out of readers' way: no cookie churn, no user query."""
    slug = make_statement()
    client.get(f"/statements/{slug}")  # the reader now has a session (a CSRF token)
    with count_queries() as queries:
        response = client.get(f"/statements/{slug}")
    assert not any(
        "remember_token" in c for c in response.headers.getlist("Set-Cookie")
    )
    assert not any("user_account" in q for q in queries)
