"""The sign-in lockout counts per account and client, and per client: guesses from one
address lock that address out, never the owner elsewhere; `flask unlock` lifts it."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from ngo import create_app
from ngo.extensions import db
from ngo.models import LoginAttempt
from tests.staff import PASSWORD, make_user, sign_in, text_of

ROOT = Path(__file__).resolve().parent.parent
# Two readers behind one reverse proxy at 127.0.0.1.
CLIENT_A = {"X-Forwarded-For": "203.0.113.7"}
CLIENT_B = {"X-Forwarded-For": "198.51.100.20"}


@pytest.fixture
def app_config(app_config):
    """One trusted reverse proxy in front, as in production."""
    return app_config | {"TRUSTED_PROXIES": 1}


def _outcomes(app) -> list[str]:
    """Every attempt's outcome, in order."""
    with app.app_context():
        return db.session.scalars(
            db.select(LoginAttempt.outcome).order_by(LoginAttempt.id)
        ).all()


def test_the_defaults(app):
    config = app.config
    assert config["LOGIN_MAX_FAILURES"] == 5
    assert config["LOGIN_CLIENT_MAX_FAILURES"] == 20
    assert config["LOGIN_ACCOUNT_MAX_FAILURES"] == 50
    assert config["LOGIN_LOCKOUT_SECONDS"] == 15 * 60


def test_guesses_from_one_client_never_lock_the_owner_out_of_another(app, runner):
    make_user(app, "editor", "ed@example.org")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        response = sign_in(attacker, "ed@example.org", "guess", headers=CLIENT_A)
        assert response.status_code == 422
    # Client A is locked out of the account, even with the right password...
    response = sign_in(attacker, "ed@example.org", headers=CLIENT_A)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in text_of(response)
    # ...while the owner, from client B, signs in at once.
    response = sign_in(owner, "ed@example.org", headers=CLIENT_B)
    assert response.status_code == 303
    assert owner.get("/admin/", headers=CLIENT_B).status_code == 200
    # The owner's success does not lift client A's lockout.
    assert sign_in(attacker, "ed@example.org", headers=CLIENT_A).status_code == 429
    assert _outcomes(app) == ["failed"] * 5 + ["locked", "succeeded", "locked"]

    result = runner.invoke(args=["unlock", "ed@example.org"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"Unlocked ed@example\.org: 5 failed attempts from 1 client no longer count\. "
        r"It was locked out until \d\d:\d\d UTC\.\n",
        result.output,
    )
    response = sign_in(attacker, "ed@example.org", headers=CLIENT_A)
    assert response.status_code == 303


def test_lifted_failures_stay_on_the_sign_ins_page(app, runner):
    make_user(app, "admin", "admin@example.org")
    make_user(app, "editor", "ed@example.org")
    attacker = app.test_client()
    for _ in range(2):
        sign_in(attacker, "ed@example.org", "guess", headers=CLIENT_A)
    runner.invoke(args=["unlock", "ed@example.org"])
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    text = text_of(admin.get("/admin/sign-ins?outcome=failed"))
    assert text.count("Wrong email or password (lifted)") == 2


def test_without_trusted_proxies_everyone_behind_the_proxy_is_one_client(app):
    """Why NGO_TRUSTED_PROXIES matters: X-Forwarded-For is ignored without it."""
    plain = create_app(
        {k: v for k, v in app.config.items() if k != "TRUSTED_PROXIES"}
        | {"TRUSTED_PROXIES": 0}
    )
    make_user(plain, "editor", "ed@example.org")
    attacker, owner = plain.test_client(), plain.test_client()
    for _ in range(5):
        sign_in(attacker, "ed@example.org", "guess", headers=CLIENT_A)
    assert sign_in(owner, "ed@example.org", headers=CLIENT_B).status_code == 429
    with plain.app_context():
        db.engine.dispose()


def test_a_client_guessing_across_accounts_is_locked_out_of_every_account(app):
    app.config["LOGIN_CLIENT_MAX_FAILURES"] = 6
    make_user(app, "editor", "ed@example.org")
    attacker, owner = app.test_client(), app.test_client()
    for number in range(6):
        response = sign_in(
            attacker, f"guess{number}@example.org", "guess", headers=CLIENT_A
        )
        assert response.status_code == 422
    assert sign_in(attacker, "ed@example.org", headers=CLIENT_A).status_code == 429
    assert sign_in(owner, "ed@example.org", headers=CLIENT_B).status_code == 303


def test_the_account_ceiling_stops_new_browsers_not_the_owners(app):
    app.config["LOGIN_ACCOUNT_MAX_FAILURES"] = 8
    make_user(app, "editor", "ed@example.org")
    owner = app.test_client()
    assert sign_in(owner, "ed@example.org", headers=CLIENT_B).status_code == 303
    owner.post("/admin/logout", headers=CLIENT_B)

    # Eight clients, one or two guesses each: no single client is locked...
    for number in range(8):
        bot = {"X-Forwarded-For": f"192.0.2.{number + 1}"}
        response = sign_in(app.test_client(), "ed@example.org", "guess", headers=bot)
        assert response.status_code == 422
    # ...but the account is, for a browser it has never seen, wherever it is.
    stranger = app.test_client()
    fresh = {"X-Forwarded-For": "192.0.2.200"}
    assert sign_in(stranger, "ed@example.org", headers=fresh).status_code == 429
    # The owner's browser (it signed in before) gets in, even from a new address;
    # a forged or tampered device cookie does not.
    assert sign_in(owner, "ed@example.org", headers=fresh).status_code == 303
    stranger.set_cookie("ngo_device", "forged.value.sig", path="/admin/login")
    assert sign_in(stranger, "ed@example.org", headers=fresh).status_code == 429
    # The owner's success does not start the attackers' count over.
    other = {"X-Forwarded-For": "192.0.2.201"}
    assert sign_in(app.test_client(), "ed@example.org", headers=other).status_code == (
        429
    )


def test_the_device_cookie_only_goes_to_the_sign_in_page(app, client):
    make_user(app, "editor", "ed@example.org")
    response = sign_in(client, "ed@example.org", base_url="https://localhost")
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("ngo_device=")
    )
    assert "Path=/admin/login" in cookie and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Secure" in cookie
    assert "Max-Age=15552000" in cookie
    assert "ed@example.org" not in cookie


def test_failures_age_out_of_every_count(app):
    make_user(app, "editor", "ed@example.org")
    attacker = app.test_client()
    for _ in range(5):
        sign_in(attacker, "ed@example.org", "guess", headers=CLIENT_A)
    assert sign_in(attacker, "ed@example.org", headers=CLIENT_A).status_code == 429
    with app.app_context():
        for attempt in db.session.scalars(db.select(LoginAttempt)):
            attempt.created_at -= timedelta(minutes=16)
        db.session.commit()
    assert sign_in(attacker, "ed@example.org", headers=CLIENT_A).status_code == 303


# `flask --app ngo unlock EMAIL`


def test_unlock_an_unknown_email_says_so_and_exits_1(app, runner):
    result = runner.invoke(args=["unlock", "nobody@example.org"])
    assert result.exit_code == 1
    assert "error: there is no account with the email nobody@example.org." in (
        result.stderr
    )


def test_unlock_with_nothing_to_lift_says_so(app, runner):
    make_user(app, "editor", "ed@example.org")
    result = runner.invoke(args=["unlock", "ed@example.org"])
    assert result.exit_code == 0
    assert result.output == (
        "Nothing to lift: ed@example.org has no recent failed sign-in attempts.\n"
    )


def test_unlock_reports_failures_that_had_not_locked_yet(app, runner):
    make_user(app, "editor", "ed@example.org")
    sign_in(app.test_client(), "ed@example.org", "guess", headers=CLIENT_A)
    sign_in(app.test_client(), "ed@example.org", "guess", headers=CLIENT_B)
    result = runner.invoke(args=["unlock", "  Ed@Example.ORG "])
    assert result.exit_code == 0
    assert result.output == (
        "Unlocked ed@example.org: 2 failed attempts from 2 clients no longer count. "
        "It was not locked out yet.\n"
    )
    again = runner.invoke(args=["unlock", "ed@example.org"])
    assert again.output.startswith("Nothing to lift")


def test_unlock_needs_an_email(runner):
    result = runner.invoke(args=["unlock"])
    assert result.exit_code == 2 and "Missing argument 'EMAIL'" in result.output


def test_unlock_as_typed_in_a_shell(app, app_config):
    """The real command: its messages and exit codes."""
    make_user(app, "editor", "ed@example.org")
    attacker = app.test_client()
    for _ in range(6):
        sign_in(attacker, "ed@example.org", "guess", headers=CLIENT_A)
    env = {
        **os.environ,
        "NGO_DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "NGO_SECRET_KEY": app_config["SECRET_KEY"],
        "NO_COLOR": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "ngo", "unlock"]

    def run(email):
        return subprocess.run(
            flask + [email], env=env, cwd=ROOT, capture_output=True, text=True
        )

    unknown = run("nobody@example.org")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert "error: there is no account with the email nobody@example.org." in (
        unknown.stderr
    )
    lifted = run("ed@example.org")
    assert lifted.returncode == 0, lifted.stderr
    assert lifted.stdout.startswith(
        "Unlocked ed@example.org: 5 failed attempts from 1 client no longer count. "
        "It was locked out until "
    )
    assert sign_in(
        attacker, "ed@example.org", PASSWORD, headers=CLIENT_A
    ).status_code == (303)
