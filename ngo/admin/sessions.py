"""Signed-in sessions kept on the server: started at sign-in, ended there for good.

Flask's session is a signed cookie, which the server cannot take back; so the cookie
only names a `StaffSession` row, and a session lives exactly as long as its row:
sign-out, a new password and a disabled account delete rows, and a row older than
ADMIN_SESSION_SECONDS no longer counts. A replayed cookie then names nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from ngo.extensions import db
from ngo.models import StaffSession, User, utcnow
from ngo.privacy import keyed_hash

# last_seen_at is written at most this often, so a busy editor costs no write per page.
LAST_SEEN_STEP = timedelta(minutes=5)

# First match wins: Edge and Opera also say "Chrome", Chrome also says "Safari",
# Android also says "Linux", and iPhones say "Mac OS X".
BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


UNKNOWN_BROWSER = "Unknown browser"


def browser_summary(user_agent: str) -> str:
    """A User-Agent as a person would name it, as stored: "Firefox on Linux"."""
    browser = next((name for key, name in BROWSERS if key in user_agent), "")
    system = next((name for key, name in SYSTEMS if key in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNKNOWN_BROWSER


def browser_name(stored: str | None) -> str:
    """A session's browser as `browser_summary` stored it, in the page's language."""
    if not stored or stored == UNKNOWN_BROWSER:
        return _("Unknown browser")
    browser, on, system = stored.partition(" on ")
    if on and browser and system:
        # Translators: a web browser and the system it runs on: "Firefox on Linux".
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return stored


def client_key() -> str:
    """The keyed hash of the client's address (the sign-in lockout's client key)."""
    return keyed_hash("sign-in-client", request.remote_addr or "")


def _token_hash(token: str) -> str:
    """What is stored of a session's random id."""
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    """How long a sign-in lasts, however active."""
    return timedelta(seconds=current_app.config["ADMIN_SESSION_SECONDS"])


def prune_sessions() -> int:
    """Delete the rows of sessions past their lifetime; how many there were."""
    result = db.session.execute(
        db.delete(StaffSession).where(StaffSession.created_at < utcnow() - _lifetime())
    )
    return result.rowcount or 0


def start_session(user: User) -> None:
    """Sign in on a fresh session: nothing of the old one (or its CSRF token) stays."""
    _delete_current()
    session.clear()
    g.pop("csrf_token", None)
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        browser=browser_summary(request.headers.get("User-Agent", "")),
        client=client_key(),
    )
    db.session.add(row)
    prune_sessions()
    db.session.commit()
    login_user(user)
    # Flask-Login stored user.get_id(); the cookie names this session instead.
    session["_user_id"] = token
    g.staff_session = row


def _delete_current() -> None:
    """Delete the row of the session this request came with, if any."""
    token = session.get("_user_id")
    if isinstance(token, str) and token:
        db.session.execute(
            db.delete(StaffSession).where(StaffSession.token_hash == _token_hash(token))
        )


def end_session(message: str | None = None) -> None:
    """Sign out on the server and in the browser, and forget the whole session."""
    _delete_current()
    db.session.commit()
    g.pop("staff_session", None)
    logout_user()
    session.clear()
    g.pop("csrf_token", None)
    if message:
        flash(message)


def end_sessions_of(user: User) -> int:
    """End every session of this account, this one too; how many. The caller commits."""
    query = db.delete(StaffSession).where(StaffSession.user_id == user.id)
    return db.session.execute(query).rowcount or 0


def sessions_of(user: User) -> list[StaffSession]:
    """The account's live sessions, the most recently used first."""
    return db.session.scalars(
        db.select(StaffSession)
        .where(
            StaffSession.user_id == user.id,
            StaffSession.created_at >= utcnow() - _lifetime(),
        )
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
    ).all()


def load_session_user(token: str) -> User | None:
    """The active user of the live session this id names, else None: one query.

    A session past its lifetime is deleted on the way.
    """
    row = db.session.execute(
        db.select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _token_hash(token), User.active.is_(True))
    ).first()
    if row is None:
        return None
    staff_session, user = row
    now = utcnow()
    if now - staff_session.created_at > _lifetime():
        db.session.delete(staff_session)
        db.session.commit()
        return None
    if now - staff_session.last_seen_at > LAST_SEEN_STEP:
        staff_session.last_seen_at = now
        db.session.commit()
    g.staff_session = staff_session
    return user
