"""`flask create-user EMAIL --role ROLE`: a staff account from the command line."""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from ngo.extensions import db
from ngo.models import ROLES, User


def _read_password() -> str:
    """The password: asked twice on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="admin: everything; editor: statements, categories, organisations, comments; "
    "moderator: comments only.",
)
@with_appcontext
def create_user(email, role):
    """Create a staff account; the password is asked for twice (or read from stdin)."""
    try:
        email = validate_email(
            email.strip(), check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from None
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        click.echo(f"error: a user with the email {email} already exists.", err=True)
        sys.exit(1)
    password = _read_password()
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 12)
    if len(password) < minimum or not password.strip():
        click.echo(
            f"error: the password needs at least {minimum} characters.", err=True
        )
        sys.exit(1)
    user = User(email=email, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")
