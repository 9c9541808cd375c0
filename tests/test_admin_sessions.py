"""Staff sessions end on the server: a cookie saved before sign-out, a password change,
a disabled account or the session limit opens nothing afterwards."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from ngo.admin.sessions import LAST_SEEN_STEP, browser_summary
from ngo.extensions import db
from ngo.models import StaffSession, User
from tests.staff import PASSWORD, make_user, sign_in, signed_in, text_of

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _session_cookie(client) -> str:
    """The value of the client's Flask session cookie."""
    return client.get_cookie("session").value


def _rows(app) -> list[StaffSession]:
    """Every staff session row, oldest first."""
    with app.app_context():
        return db.session.scalars(db.select(StaffSession).order_by("id")).all()


def test_a_cookie_saved_before_sign_out_opens_nothing_after_it(app, client):
    signed_in(app, client, "editor")
    assert client.get("/admin/statements").status_code == 200
    saved = _session_cookie(client)

    assert client.post("/admin/logout").status_code == 303
    assert _rows(app) == []

    # The same browser and address, the cookie put back as it was before sign-out.
    replay = app.test_client()
    replay.set_cookie("session", saved)
    response = replay.get("/admin/statements")
    assert response.status_code == 302
    assert response.location == "/admin/login?next=/admin/statements"
    page = replay.get(response.location)
    assert page.status_code == 200
    assert "Sign in" in text_of(page) and "Your session has ended" in text_of(page)
    # ...and every other admin page and form, as for an anonymous visitor.
    replay.set_cookie("session", saved)
    assert replay.post("/admin/account", data={}).status_code == 302
    replay.set_cookie("session", saved)
    assert replay.get("/admin/").location.startswith("/admin/login")


def test_after_a_password_change_the_other_session_is_gone(app, client):
    make_user(app, "editor", "ed@example.org")
    other = app.test_client()
    sign_in(client, "ed@example.org")
    sign_in(other, "ed@example.org", headers={"User-Agent": FIREFOX})
    before = _session_cookie(client)
    assert len(_rows(app)) == 2

    response = client.post(
        "/admin/account",
        data={
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 303
    (row,) = _rows(app)  # the other row is gone; this browser has a fresh one
    assert client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    # This browser's own cookie from before the change is spent too.
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert replay.get("/admin/").status_code == 302
    # The new password is the one that signs in.
    client.post("/admin/logout")
    assert sign_in(client, "ed@example.org", PASSWORD).status_code == 422
    assert (
        sign_in(client, "ed@example.org", "a brand new passphrase").status_code == 303
    )


def test_disabling_an_account_ends_all_its_sessions(app, client):
    signed_in(app, client, "admin")
    uid = make_user(app, "editor", "ed@example.org")
    editor, laptop = app.test_client(), app.test_client()
    sign_in(editor, "ed@example.org")
    sign_in(laptop, "ed@example.org")
    assert editor.get("/admin/statements").status_code == 200

    response = client.post(f"/admin/users/{uid}/edit", data={"role": "editor"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, uid).active is False
    assert [r.user_id for r in _rows(app)] == [1]  # the admin's own session only
    assert editor.get("/admin/statements").status_code == 302
    assert laptop.get("/admin/statements").status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_an_admin_setting_a_password_ends_that_accounts_sessions(app, client):
    signed_in(app, client, "admin")
    uid = make_user(app, "editor", "ed@example.org")
    editor = app.test_client()
    sign_in(editor, "ed@example.org")
    new = "a password from the admin"
    response = client.post(
        f"/admin/users/{uid}/edit",
        data={"role": "editor", "active": "y", "password": new, "confirm": new},
    )
    assert response.status_code == 303
    assert editor.get("/admin/").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert sign_in(editor, "ed@example.org", new).status_code == 303


def test_sign_out_everywhere_ends_this_and_every_other_session(app, client):
    make_user(app, "moderator", "mod@example.org")
    laptop = app.test_client()
    sign_in(client, "mod@example.org", headers={"User-Agent": SAFARI_IPHONE})
    sign_in(laptop, "mod@example.org", headers={"User-Agent": FIREFOX})

    page = client.get("/admin/account", headers={"User-Agent": SAFARI_IPHONE})
    text = text_of(page)
    assert "Where you are signed in" in text
    assert "Safari on iOS (this browser)" in text and "Firefox on Linux" in text
    assert "Firefox on Linux (this browser)" not in text

    response = client.post(
        "/admin/account/sign-out-everywhere",
        headers={"User-Agent": SAFARI_IPHONE},
    )
    assert response.status_code == 303 and response.location == "/admin/login"
    assert "You have signed out everywhere (2 sessions)." in text_of(
        client.get("/admin/login")
    )
    assert _rows(app) == []
    assert laptop.get("/admin/", headers={"User-Agent": FIREFOX}).status_code == 302


def test_sign_out_everywhere_needs_its_csrf_token(app, app_config):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(app, "editor", "ed@example.org")
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"email": "ed@example.org", "password": PASSWORD, "csrf_token": token}
    assert client.post("/admin/login", data=data).status_code == 303
    assert client.post("/admin/account/sign-out-everywhere").status_code == 400
    assert len(_rows(app)) == 1


def test_sessions_past_the_limit_are_pruned_at_sign_in(app, client):
    signed_in(app, client, "editor")
    with app.app_context():
        row = db.session.scalars(db.select(StaffSession)).one()
        row.created_at -= timedelta(seconds=app.config["ADMIN_SESSION_SECONDS"] + 60)
        db.session.commit()
    other = app.test_client()
    assert sign_in(other, "editor@example.org").status_code == 303
    assert len(_rows(app)) == 1
    assert client.get("/admin/").status_code == 302


def test_a_signed_in_admin_page_costs_one_session_query(app, client, count_queries):
    signed_in(app, client, "editor")
    client.get("/admin/")
    with count_queries() as queries:
        assert client.get("/admin/").status_code == 200
    touching = [q for q in queries if "staff_session" in q or "user_account" in q]
    assert len(touching) == 1, touching  # session and user in one join
    assert not any(q.lstrip().upper().startswith("UPDATE") for q in queries)


def test_last_seen_is_written_at_most_every_few_minutes(app, client, count_queries):
    signed_in(app, client, "editor")
    with app.app_context():
        row = db.session.scalars(db.select(StaffSession)).one()
        row.last_seen_at -= LAST_SEEN_STEP + timedelta(seconds=5)
        db.session.commit()
        old = row.last_seen_at
    with count_queries() as queries:
        client.get("/admin/")
    updates = [q for q in queries if q.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "staff_session" in updates[0]
    (row,) = _rows(app)
    assert row.last_seen_at > old
    with count_queries() as queries:
        client.get("/admin/")
    assert not any(q.lstrip().upper().startswith("UPDATE") for q in queries)


def test_public_pages_never_look_at_staff_sessions(
    app, client, make_statement, count_queries
):
    slug = make_statement()
    signed_in(app, client, "editor")
    client.get(f"/statements/{slug}")
    with count_queries() as queries:
        assert client.get(f"/statements/{slug}").status_code == 200
    assert not any("staff_session" in q for q in queries)


@pytest.mark.parametrize(
    "agent,summary",
    [
        (FIREFOX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
            "like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_browser_summary(agent, summary):
    assert browser_summary(agent) == summary


@pytest.mark.browser
def test_chromium_a_saved_cookie_replayed_after_sign_out_gets_the_sign_in_page(
    app, live_server, page_factory
):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(app, "editor", "ed@example.org")
    page = page_factory(javascript=False)
    page.goto(live_server + "/admin/login")
    page.get_by_label("Email").fill("ed@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/admin/")
    saved = page.context.cookies()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()

    thief = page_factory(javascript=False)
    thief.context.add_cookies(saved)
    thief.goto(live_server + "/admin/statements")
    expect(thief).to_have_url(live_server + "/admin/login?next=/admin/statements")
    expect(thief.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(thief.get_by_text("Your session has ended")).to_be_visible()
