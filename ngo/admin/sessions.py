"""A signed-in session: started fresh at sign-in, ended whole, and limited in age."""

from __future__ import annotations

import time

from flask import current_app, flash, g, session
from flask_login import login_user, logout_user


def start_session(user) -> None:
    """Sign in on a fresh session: nothing of the old one (or its CSRF token) stays."""
    session.clear()
    g.pop("csrf_token", None)
    login_user(user)
    session["signed_in_at"] = int(time.time())


def end_session(message: str | None = None) -> None:
    """Sign out and forget the whole session."""
    logout_user()
    session.clear()
    g.pop("csrf_token", None)
    if message:
        flash(message)


def session_expired() -> bool:
    """Whether this sign-in is older than ADMIN_SESSION_SECONDS."""
    started = session.get("signed_in_at")
    if not isinstance(started, int):
        return True
    return time.time() - started > current_app.config["ADMIN_SESSION_SECONDS"]
