"""Signing staff in and out: Flask-Login sessions, cookie flags, the lockout.

The lockout counts wrong passwords per account *and client*, and per client: guesses
from one address lock that address out, never the account's owner signing in from
another. A much higher per-account ceiling stops guessing spread over many addresses,
but only for browsers that have not signed in to the account before (OWASP's "device
cookie"), so even a large botnet cannot lock the owner out of their usual browser.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ngo.admin.audit import record
from ngo.admin.forms import LoginForm, PasswordForm
from ngo.admin.sessions import (
    client_key,
    end_session,
    end_sessions_of,
    load_session_user,
    sessions_of,
    start_session,
)
from ngo.admin.views import bp, requires, safe_next
from ngo.extensions import db, login_manager
from ngo.i18n import LANGUAGES, url_in
from ngo.models import LoginAttempt, User, utcnow
from ngo.privacy import keyed_hash


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request is HTTPS (ProxyFix too)."""
        configured = super().get_cookie_secure(app)
        return configured or (has_request_context() and request.is_secure)


def load_user(token: str) -> User | None:
    """The user of the server-side session the cookie names; None once it ended."""
    return load_session_user(token) if isinstance(token, str) and token else None


def init_app(app: Flask) -> None:
    """Staff sign-in: Flask-Login's page and user loader, the session cookie's flags."""
    app.session_interface = SessionInterface()
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to see that page.")
    # Flashed in the page's language, as a plain string the session can keep.
    login_manager.localize_callback = str
    # A session whose address or browser changes is dropped, not just marked stale.
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)
    app.jinja_env.globals["current_user"] = current_user
    from ngo.admin.commands import unlock  # it uses this module's lockout

    app.cli.add_command(unlock)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to check unknown emails against, so they take as long as known ones."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def normalise_email(email: str | None) -> str:
    """An email as stored: trimmed and lower-cased."""
    return (email or "").strip().lower()


# A browser that signed in to an account is known to it for this long.
DEVICE_COOKIE = "ngo_device"
DEVICE_MAX_AGE = 180 * 24 * 60 * 60
# The accounts one browser is known to, at most (the newest kept).
DEVICE_ACCOUNTS = 5


def _device_serializer() -> URLSafeTimedSerializer:
    """Signs the known-browser cookie with the app's secret key."""
    return URLSafeTimedSerializer(current_app.secret_key, salt="sign-in-device")


def _device_accounts() -> list[str]:
    """The keyed account codes this browser's device cookie vouches for."""
    cookie = request.cookies.get(DEVICE_COOKIE, "")
    if not cookie or len(cookie) > 1024:
        return []
    try:
        accounts = _device_serializer().loads(cookie, max_age=DEVICE_MAX_AGE)
    except BadData:
        return []
    if not isinstance(accounts, list):
        return []
    return [a for a in accounts if isinstance(a, str)][:DEVICE_ACCOUNTS]


def known_browser(email: str) -> bool:
    """Whether this browser has signed in to this account before."""
    return keyed_hash("sign-in-device", email) in _device_accounts()


def remember_browser(response, email: str) -> None:
    """Mark this browser as known to the account (a cookie only the sign-in page
    sees: /admin/login, and the same page in the other languages, /hy/admin/login…)."""
    account = keyed_hash("sign-in-device", email)
    accounts = [account] + [a for a in _device_accounts() if a != account]
    value = _device_serializer().dumps(accounts[:DEVICE_ACCOUNTS])
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure
    # This page's own address first, then the sign-in page in every other language.
    paths = [url_for("admin.login")] + [url_in(c, "admin.login") for c in LANGUAGES]
    for path in dict.fromkeys(paths):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_MAX_AGE,
            path=path,
            secure=secure,
            httponly=True,
            samesite="Strict",
        )


@dataclass
class SignIn:
    """What became of one sign-in attempt."""

    user: User | None = None
    locked_until: datetime | None = None
    disabled: bool = False


def _period() -> timedelta:
    """The lockout window, and how long a lockout lasts."""
    return timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])


def counted_failures(condition, since: datetime, exclude_id: int = 0):
    """The sign-in failures a lockout counts: wrong passwords (and attempts still
    being checked, so parallel guesses cannot slip through) not lifted by `unlock`."""
    return (
        db.select(LoginAttempt.created_at)
        .where(
            condition,
            LoginAttempt.outcome.in_(("failed", "pending")),
            LoginAttempt.unlocked_at.is_(None),
            LoginAttempt.created_at > since,
            LoginAttempt.id != exclude_id,
        )
        .order_by(LoginAttempt.created_at.desc())
    )


def _lock_end(
    condition, limit: int, exclude_id: int, reset_by_success: bool = True
) -> datetime | None:
    """When the lockout for one key ends, if its latest failures tripped it.

    The key is locked when its latest `limit` failures fall within one lockout
    period, and stays locked for a period after the last of them. A successful
    sign-in matching the key wipes its earlier failures.
    """
    period = _period()
    since = utcnow() - 2 * period
    if reset_by_success:
        last_success = db.session.scalar(
            db.select(db.func.max(LoginAttempt.created_at)).where(
                condition, LoginAttempt.outcome == "succeeded"
            )
        )
        since = max(since, last_success or since)
    times = db.session.scalars(
        counted_failures(condition, since, exclude_id).limit(limit)
    ).all()
    if len(times) < limit or times[0] - times[-1] > period:
        return None
    return times[0] + period


def locked_until(
    email: str, client: str, exclude_id: int = 0, known: bool = False
) -> datetime | None:
    """When sign-in opens again for this email from this client; None when open.

    Three keys: the account from this client, this client for any account, and
    (for browsers not `known` to the account) the account from any client; the last
    is not wiped by a success, or an attacker's failures would start over each time
    the owner signs in.
    """
    config = current_app.config
    keys = [
        (
            (LoginAttempt.email == email) & (LoginAttempt.client == client),
            config["LOGIN_MAX_FAILURES"],
            True,
        ),
        (LoginAttempt.client == client, config["LOGIN_CLIENT_MAX_FAILURES"], True),
    ]
    if not known:
        keys.append(
            (LoginAttempt.email == email, config["LOGIN_ACCOUNT_MAX_FAILURES"], False)
        )
    now = utcnow()
    ends = [
        _lock_end(condition, limit, exclude_id, reset)
        for condition, limit, reset in keys
    ]
    ends = [end for end in ends if end is not None and end > now]
    return max(ends) if ends else None


@dataclass
class Lifted:
    """What `unlock` did to one account's lockout."""

    attempts: int = 0
    clients: int = 0
    locked_until: datetime | None = None


def lift_lockout(email: str) -> Lifted:
    """Make the account's recent failures, from every client, count no more.

    They stay on the sign-ins page, marked lifted.
    """
    since = utcnow() - 2 * _period()
    rows = db.session.scalars(
        db.select(LoginAttempt).where(
            LoginAttempt.id.in_(
                counted_failures(LoginAttempt.email == email, since)
                .with_only_columns(LoginAttempt.id)
                .order_by(None)
            )
        )
    ).all()
    clients = {row.client for row in rows}
    ends = [end for client in clients if (end := locked_until(email, client))]
    now = utcnow()
    for row in rows:
        row.unlocked_at = now
    db.session.commit()
    return Lifted(len(rows), len(clients), max(ends) if ends else None)


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

    until = locked_until(
        email, client, exclude_id=attempt.id, known=known_browser(email)
    )
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
    return ngettext(
        "Too many failed sign-in attempts. Signing in is blocked for %(num)d more "
        "minute (until %(time)s UTC), whatever password is entered. If this is your "
        "account, an administrator can lift the block.",
        "Too many failed sign-in attempts. Signing in is blocked for %(num)d more "
        "minutes (until %(time)s UTC), whatever password is entered. If this is your "
        "account, an administrator can lift the block.",
        minutes,
        time=until.strftime("%H:%M"),
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; after 5 wrong passwords from one client for one account,
    it refuses that client's tries for that account for 15 minutes."""
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_path)
    form = LoginForm()
    status, headers, problem = 200, {}, None
    if form.validate_on_submit():
        result = attempt_sign_in(form.email.data, form.password.data)
        if result.user is not None:
            start_session(result.user)
            flash(_("You are signed in."))
            response = redirect(next_path, code=303)
            remember_browser(response, result.user.email)
            return response
        if result.locked_until is not None:
            problem = _lockout_message(result.locked_until)
            retry = int((result.locked_until - utcnow()).total_seconds()) + 1
            status, headers = 429, {"Retry-After": str(max(retry, 1))}
        elif result.disabled:
            problem, status = (
                _("This account has been disabled. Ask an administrator."),
                403,
            )
        else:
            problem, status = _("The email or the password is not right."), 422
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
    end_session(_("You have signed out."))
    return redirect(url_for("admin.login"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@requires("moderate")
def account():
    """Change one's own password (other sessions end with it); see one's sessions."""
    form = PasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        else:
            user.set_password(form.password.data)
            record("user.password", user)
            # Every session ends; this browser goes on in a fresh one.
            end_sessions_of(user)
            db.session.commit()
            start_session(user)
            flash(
                _(
                    "Your password has been changed. Other sessions have been signed "
                    "out."
                )
            )
            return redirect(url_for("admin.account"), code=303)
    status = 422 if form.errors else 200
    for field in (form.current_password, form.password, form.confirm):
        field.data = ""
    return render_template(
        "admin/account.html",
        form=form,
        sessions=sessions_of(user),
        this_session=g.get("staff_session"),
    ), status


@bp.post("/account/sign-out-everywhere")
@requires("moderate")
def sign_out_everywhere():
    """End every session of one's account, this one included (a lost laptop)."""
    ended = end_sessions_of(current_user._get_current_object())
    end_session(
        ngettext(
            "You have signed out everywhere (%(num)d session).",
            "You have signed out everywhere (%(num)d sessions).",
            ended,
        )
    )
    return redirect(url_for("admin.login"), code=303)
