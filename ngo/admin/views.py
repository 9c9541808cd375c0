"""The admin blueprint: its guard, roles, helpers, the dashboard and the audit log."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import current_user

from ngo import caching, paging, urls
from ngo.admin.addresses import wrap_address
from ngo.admin.audit import ACTION_LABELS
from ngo.admin.forms import role_name
from ngo.admin.sessions import browser_name, end_session
from ngo.extensions import db
from ngo.models import AuditLog, Comment, LoginAttempt

bp = Blueprint("admin", __name__, url_prefix="/admin")
# `{{ email|wrap_address }}`: emails and URLs that break at "@", dots and slashes.
bp.add_app_template_filter(wrap_address, "wrap_address")

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


def safe_next(target: str | None) -> str:
    """A same-site path to go to next (ngo.urls), else the dashboard."""
    return urls.safe_next(target, default=url_for("admin.dashboard"))


def here() -> str:
    """The path (and query) of this request, with its language prefix (/ru/admin/…),
    for a sign-in page to come back to."""
    if request.method == "GET" and request.query_string:
        return request.script_root + request.full_path
    return request.script_root + request.path


@bp.before_app_request
def guard():
    """Everything under /admin needs a signed-in user whose role allows the page.

    Runs for unknown /admin paths too, so that anonymous visitors learn nothing
    about which admin pages exist. Every admin response holds private data: never
    cached, never indexed.
    """
    if not in_admin():
        return None
    caching.mark_personal(noindex=True)
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        if "_user_id" in session:  # a session the server ended: signed out, expired
            end_session(_("Your session has ended. Please sign in again."))
        return redirect(url_for("admin.login", next=here()))
    view = current_app.view_functions.get(request.endpoint)
    if view is None:
        return None  # unknown path or method: the router answers 404/405
    if not can(getattr(view, "permission", "manage")):
        abort(403)
    return None


@bp.app_context_processor
def admin_helpers():
    """Let templates ask what the current user may do (navigation, buttons), and
    name roles and browsers in the page's language."""
    return {"admin_can": can, "role_name": role_name, "browser_name": browser_name}


def paginate(query, per_page: int = PER_PAGE):
    """One page of an admin list (ngo.paging), 25 rows unless asked."""
    return paging.paginate(query, per_page)


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
