"""Signing staff in and out: Flask-Login sessions, cookie flags, the lockout."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user
from werkzeug.security import check_password_hash, generate_password_hash

from ngo.admin.audit import record
from ngo.admin.forms import LoginForm, PasswordForm
from ngo.admin.sessions import end_session, start_session
from ngo.admin.views import bp, requires, safe_next
from ngo.extensions import db
from ngo.models import LoginAttempt, User, utcnow
from ngo.privacy import keyed_hash

login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Please sign in to see that page."
# A session whose address or browser changes is dropped, not just marked stale.
login_manager.session_protection = "strong"

DEFAULTS = {
    # Wrong passwords for one account, or from one client, before the lockout...
    "LOGIN_MAX_FAILURES": 5,
    # ...which lasts this long after the last of them.
    "LOGIN_LOCKOUT_SECONDS": 15 * 60,
    # Sign-in attempts are kept this long for the sign-ins page, then deleted.
    "LOGIN_ATTEMPTS_KEEP_DAYS": 90,
    # A sign-in lasts at most this long, however active the session.
    "ADMIN_SESSION_SECONDS": 12 * 60 * 60,
    "PASSWORD_MIN_LENGTH": 12,
    # The editor renders Markdown in a child process killed after this long.
    "MARKDOWN_TIMEOUT_SECONDS": 10,
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request is HTTPS (ProxyFix too)."""
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id "<id>:<password tag>"; None if disabled or stale."""
    user_id, _, _tag = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.get_id() != session_id:
        return None
    return user


def init_app(app: Flask) -> None:
    """Bind Flask-Login, the session cookie's flags and the admin defaults."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.session_interface = SessionInterface()
    # Flask-Login's context processor would load the user (and run its session
    # protection) on every page rendered; the proxy loads it only where used.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown emails against, so they take as long as known ones."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def normalise_email(email: str | None) -> str:
    """An email as stored: trimmed and lower-cased."""
    return (email or "").strip().lower()


def client_key() -> str:
    """The keyed hash of the client's address: the lockout's per-client key."""
    return keyed_hash("sign-in-client", request.remote_addr or "")


@dataclass
class SignIn:
    """What became of one sign-in attempt."""

    user: User | None = None
    locked_until: datetime | None = None
    disabled: bool = False


def _lock_end(condition, since: datetime, exclude_id: int) -> datetime | None:
    """When the lockout for one key ends, if its last failures tripped it.

    The key is locked when its latest LOGIN_MAX_FAILURES failures (attempts still
    being checked count too, so parallel guesses cannot slip through) fall within
    one lockout period; it stays locked for a period after the last of them.
    """
    config = current_app.config
    limit, period = (
        config["LOGIN_MAX_FAILURES"],
        timedelta(seconds=config["LOGIN_LOCKOUT_SECONDS"]),
    )
    times = db.session.scalars(
        db.select(LoginAttempt.created_at)
        .where(
            condition,
            LoginAttempt.outcome.in_(("failed", "pending")),
            LoginAttempt.created_at > since,
            LoginAttempt.id != exclude_id,
        )
        .order_by(LoginAttempt.created_at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit or times[0] - times[-1] > period:
        return None
    return times[0] + period


def locked_until(email: str, client: str, exclude_id: int = 0) -> datetime | None:
    """When sign-in opens again for this email or client; None when it is open."""
    now = utcnow()
    period = timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
    horizon = now - 2 * period
    ends = []
    for condition in (LoginAttempt.email == email, LoginAttempt.client == client):
        # A successful sign-in wipes the earlier failures of its account and client.
        last_success = db.session.scalar(
            db.select(db.func.max(LoginAttempt.created_at)).where(
                condition, LoginAttempt.outcome == "succeeded"
            )
        )
        ends.append(
            _lock_end(condition, max(horizon, last_success or horizon), exclude_id)
        )
    ends = [end for end in ends if end is not None and end > now]
    return max(ends) if ends else None


def attempt_sign_in(email: str, password: str) -> SignIn:
    """Check a password unless the account or the client is locked out; log it.

    The attempt is written (and committed) before the password is checked, so
    every worker process sees it at once and concurrent guesses count.
    """
    email = normalise_email(email)[:254]
    client = client_key()
    attempt = LoginAttempt(email=email, client=client, outcome="pending")
    db.session.add(attempt)
    db.session.commit()

    until = locked_until(email, client, exclude_id=attempt.id)
    result = SignIn(locked_until=until)
    if until is None:
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            check_password_hash(_dummy_hash(), password)
        elif user.check_password(password):
            if user.active:
                result.user = user
            else:
                result.disabled = True
    attempt.outcome = "locked" if until else "succeeded" if result.user else "failed"
    if result.user:
        result.user.last_sign_in_at = utcnow()
    keep = timedelta(days=current_app.config["LOGIN_ATTEMPTS_KEEP_DAYS"])
    db.session.execute(
        db.delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - keep)
    )
    db.session.commit()

    log = current_app.logger.info if result.user else current_app.logger.warning
    log(
        "admin sign-in %s for %r from client %s%s",
        attempt.outcome,
        email,
        client[:12],
        " (account disabled)" if result.disabled else "",
    )
    return result


def _lockout_message(until: datetime) -> str:
    """The words a locked-out person reads: why, and until when."""
    minutes = max(1, round((until - utcnow()).total_seconds() / 60))
    return (
        "Too many failed sign-in attempts. Signing in is blocked for "
        f"{minutes} more minute{'s' if minutes != 1 else ''} "
        f"(until {until:%H:%M} UTC), "
        "whatever password is entered."
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; after 5 wrong passwords it refuses every try for 15 minutes."""
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_path)
    form = LoginForm()
    status, headers, problem = 200, {}, None
    if form.validate_on_submit():
        result = attempt_sign_in(form.email.data, form.password.data)
        if result.user is not None:
            start_session(result.user)
            flash(f"Signed in as {result.user.email}.")
            return redirect(next_path, code=303)
        if result.locked_until is not None:
            problem = _lockout_message(result.locked_until)
            retry = int((result.locked_until - utcnow()).total_seconds()) + 1
            status, headers = 429, {"Retry-After": str(max(retry, 1))}
        elif result.disabled:
            problem, status = (
                "This account has been disabled. Ask an administrator.",
                403,
            )
        else:
            problem, status = "The email or the password is not right.", 422
    elif form.is_submitted():
        status = 422
    form.password.data = ""
    page = render_template(
        "admin/login.html", form=form, next=next_path, problem=problem
    )
    return page, status, headers


@bp.post("/logout")
@requires("moderate")
def logout():
    """Sign out (a POST with its CSRF token, so no link or image can do it)."""
    end_session("You have signed out.")
    return redirect(url_for("admin.login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@requires("moderate")
def account():
    """Change one's own password; other sessions of the account end with it."""
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        else:
            user.set_password(form.password.data)
            record("user.password", user)
            db.session.commit()
            start_session(user)
            flash(
                "Your password has been changed. Other sessions have been signed out."
            )
            return redirect(url_for("admin.account"), code=303)
    status = 422 if form.errors else 200
    for field in (form.current_password, form.password, form.confirm):
        field.data = ""
    return render_template("admin/account.html", form=form), status
