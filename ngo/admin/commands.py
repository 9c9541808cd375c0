"""Staff accounts on the command line: `create-user EMAIL --role R`, `unlock EMAIL`."""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from ngo.admin.auth import lift_lockout, normalise_email
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
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
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


def _plural(count: int, word: str) -> str:
    """ "1 client", "2 clients"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.command("unlock")
@click.argument("email")
@with_appcontext
def unlock(email):
    """Lift a sign-in lockout: the account's recent failed attempts, from every
    client, no longer count."""
    email = normalise_email(email)
    if not db.session.scalar(db.select(User.id).where(User.email == email)):
        click.echo(f"error: there is no account with the email {email}.", err=True)
        sys.exit(1)
    lifted = lift_lockout(email)
    if not lifted.attempts:
        click.echo(f"Nothing to lift: {email} has no recent failed sign-in attempts.")
        return
    current_app.logger.warning(
        "sign-in lockout of %r lifted from the command line", email
    )
    was = (
        f"It was locked out until {lifted.locked_until:%H:%M} UTC."
        if lifted.locked_until
        else "It was not locked out yet."
    )
    click.echo(
        f"Unlocked {email}: {_plural(lifted.attempts, 'failed attempt')} from "
        f"{_plural(lifted.clients, 'client')} no longer count. {was}"
    )
