"""The admin blueprint: its guard, roles, helpers, the dashboard and the audit log."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from ngo.admin.audit import ACTION_LABELS
from ngo.admin.sessions import end_session
from ngo.extensions import db
from ngo.models import AuditLog, Comment, LoginAttempt

bp = Blueprint("admin", __name__, url_prefix="/admin")

# What each permission lets a role do; a view names the one it needs with @requires.
PERMISSIONS = {
    "moderate": frozenset({"admin", "editor", "moderator"}),
    "edit": frozenset({"admin", "editor"}),
    "manage": frozenset({"admin"}),
}
# Views anyone may reach: the sign-in page itself.
OPEN_ENDPOINTS = frozenset({"admin.login"})
PER_PAGE = 25


def can(permission: str, user=None) -> bool:
    """Whether the (current) user is signed in with a role that has this permission."""
    user = current_user if user is None else user
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role in PERMISSIONS.get(permission, ())
    )


def requires(permission: str):
    """Mark a view with the permission the blueprint guard checks before it runs."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(view):
        view.permission = permission
        return view

    return decorate


def in_admin() -> bool:
    """Whether this request is for a path under /admin."""
    prefix = bp.url_prefix
    return request.path == prefix or request.path.startswith(prefix + "/")


def safe_next(target: str | None, default: str | None = None) -> str:
    """A same-site path to go to next; anything else (other hosts, odd forms) is not."""
    fallback = default or url_for("admin.dashboard")
    if not target or len(target) > 2048 or not target.startswith("/"):
        return fallback
    if target.startswith(("//", "/\\")) or any(c in target for c in "\\\r\n\t\x00"):
        return fallback
    try:
        parts = urlsplit(target)
    except ValueError:  # an unclosed "[" where a host would be
        return fallback
    if parts.scheme or parts.netloc:
        return fallback
    return target


def here() -> str:
    """The path (and query) of this request, for a sign-in page to come back to."""
    if request.method == "GET" and request.query_string:
        return request.full_path
    return request.path


@bp.before_app_request
def guard():
    """Everything under /admin needs a signed-in user whose role allows the page.

    Runs for unknown /admin paths too, so that anonymous visitors learn nothing
    about which admin pages exist.
    """
    if not in_admin() or request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if "_user_id" in session:  # a session the server ended: signed out, expired
            end_session("Your session has ended. Please sign in again.")
        return redirect(url_for("admin.login", next=here()))
    view = current_app.view_functions.get(request.endpoint)
    if view is None:
        return None  # unknown path or method: the router answers 404/405
    if not can(getattr(view, "permission", "manage")):
        abort(403)
    return None


@bp.after_request
def no_store(response):
    """Admin pages hold private data: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.vary.add("Cookie")
    return response


@bp.app_context_processor
def admin_helpers():
    """Let templates ask what the current user may do (navigation, buttons)."""
    return {"admin_can": can}


def page_number() -> int:
    """The `?page=` number: a positive integer or a 404."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        abort(404)
    return int(raw)


def paginate(query, per_page: int = PER_PAGE):
    """One page of an admin list; a page past the end is 404 (page 1 may be empty)."""
    pagination = db.paginate(
        query, page=page_number(), per_page=per_page, error_out=False
    )
    if pagination.page > 1 and not pagination.items:
        abort(404)
    return pagination


def contains(column, text: str):
    """A case-insensitive "contains" condition, LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def search_text() -> str:
    """The `?q=` search words, spaces collapsed, at most 200 characters."""
    return " ".join(request.args.get("q", "").split())[:200]


@bp.get("/")
@requires("moderate")
def dashboard():
    """The start page: what this user can do, and what waits for them."""
    pending = db.session.scalar(
        db.select(db.func.count())
        .select_from(Comment)
        .where(Comment.status == "pending")
    )
    return render_template("admin/dashboard.html", pending=pending)


@bp.get("/audit")
@requires("manage")
def audit():
    """Every editing and moderation action, newest first."""
    action = request.args.get("action", "")
    query = db.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    actions = db.session.scalars(
        db.select(AuditLog.action).distinct().order_by(AuditLog.action)
    ).all()
    return render_template(
        "admin/audit.html",
        pagination=paginate(query, per_page=50),
        actions=actions,
        action=action if action in actions else "",
        action_labels=ACTION_LABELS,
    )


@bp.get("/sign-ins")
@requires("manage")
def sign_ins():
    """Recent sign-in attempts, failed and locked ones included, newest first."""
    outcome = request.args.get("outcome", "")
    query = db.select(LoginAttempt).order_by(
        LoginAttempt.created_at.desc(), LoginAttempt.id.desc()
    )
    if outcome in ("succeeded", "failed", "locked"):
        query = query.where(LoginAttempt.outcome == outcome)
    else:
        outcome = ""
    return render_template(
        "admin/sign_ins.html", pagination=paginate(query, per_page=50), outcome=outcome
    )
