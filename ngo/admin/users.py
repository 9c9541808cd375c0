"""Staff accounts, for admins: list, create, change role, disable, new password."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ngo.admin.audit import changes, record
from ngo.admin.forms import UserEditForm, UserForm, role_name
from ngo.admin.sessions import end_sessions_of, start_session
from ngo.admin.views import bp, paginate, requires
from ngo.extensions import db
from ngo.models import User


@bp.get("/users")
@requires("manage")
def users():
    """Every account, by email."""
    pagination = paginate(db.select(User).order_by(User.email), per_page=50)
    return render_template("admin/users.html", pagination=pagination)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("manage")
def new_user():
    """Create an account with a role and a first password."""
    form = UserForm()
    if form.validate_on_submit():
        user = User(email=form.email.data, role=form.role.data, active=True)
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.flush()
        record("user.create", user, details=f"role: {user.role}")
        db.session.commit()
        flash(
            _(
                "User %(email)s created as %(role)s.",
                email=user.email,
                role=role_name(user.role),
            )
        )
        return redirect(url_for("admin.users"), code=303)
    form.password.data = form.confirm.data = ""
    return render_template("admin/user_form.html", form=form, user=None), (
        422 if form.errors else 200
    )


def _other_active_admins(user: User) -> int:
    """How many active admins there are besides this user."""
    return db.session.scalar(
        db.select(db.func.count()).where(
            User.role == "admin", User.active.is_(True), User.id != user.id
        )
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("manage")
def edit_user(user_id):
    """Change a user's role or password, or disable the account (its sessions end)."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(data={"role": user.role, "active": user.active})
    if form.validate_on_submit():
        demoting = user.role == "admin" and (
            form.role.data != "admin" or not form.active.data
        )
        if demoting and not _other_active_admins(user):
            form.role.errors.append(
                _(
                    "This is the only active administrator: make another user an "
                    "administrator first."
                )
            )
        else:
            before = {"role": user.role, "active": user.active}
            user.role, user.active = form.role.data, form.active.data
            details = changes(before, {"role": user.role, "active": user.active})
            if form.password.data:
                user.set_password(form.password.data)
                details = "\n".join(filter(None, [details, "password: changed"]))
            if form.password.data or not user.active:
                end_sessions_of(user)
            if details:
                record("user.update", user, details=details)
            db.session.commit()
            if user.id == current_user.id and form.password.data and user.active:
                start_session(user)  # this browser goes on in a fresh session
            flash(_("User %(email)s saved.", email=user.email))
            return redirect(url_for("admin.users"), code=303)
    form.password.data = form.confirm.data = ""
    return render_template("admin/user_form.html", form=form, user=user), (
        422 if form.errors else 200
    )
