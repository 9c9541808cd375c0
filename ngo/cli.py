"""Command-line tasks: seed-demo, import-statements, prune-views, create-user,
search rebuild, import-wordpress."""

import functools
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError, OperationalError

from ngo.admin import create_user
from ngo.comments.demo import seed_demo_comments
from ngo.extensions import db
from ngo.importer import ImportFailure, import_files, read_files, save_all
from ngo.models import Statement
from ngo.outages import MissingDatabaseFile
from ngo.pages.demo import seed_demo_pages
from ngo.statements.demo import seed_demo_category_names
from ngo.statements.viewcount import prune_view_records
from ngo.wordpress.commands import import_wordpress

DEMO_DIR = Path(__file__).parent / "demo"


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load the demo statements that are not there yet (safe to run again)."""
    files = sorted(str(p) for p in DEMO_DIR.glob("*.md"))
    parsed = read_files(files, current_app.config["DEFAULT_LANGUAGE"])
    existing = set(db.session.scalars(db.select(Statement.slug)))
    added = save_all([item for item in parsed if item.slug not in existing])
    db.session.flush()
    comments = seed_demo_comments()
    pages = seed_demo_pages()
    names = seed_demo_category_names()
    db.session.commit()
    there = len(parsed) - len(added)
    click.echo(f"Demo content: {len(added)} statements added, {there} already there.")
    click.echo(f"Demo comments: {comments} added.")
    click.echo(f"Demo pages: {pages} added.")
    click.echo(f"Demo categories named in other languages: {names}.")


@click.command("import-statements")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_statements(files):
    """Import statements from Markdown files with YAML front matter, all or none.

    Every problem of every file is listed as FILE:LINE: REASON; if there is any,
    nothing is imported and the exit status is 1.
    """
    try:
        statements = import_files(list(files), current_app.config["DEFAULT_LANGUAGE"])
    except ImportFailure as failure:
        for problem in failure.problems:
            click.echo(str(problem), err=True)
        broken = len({problem.path for problem in failure.problems})
        click.echo(
            f"{len(failure.problems)} problem(s) in {broken} file(s). "
            "Nothing was imported.",
            err=True,
        )
        sys.exit(1)
    except IntegrityError as error:  # a name or slug saved by someone else meanwhile
        click.echo(f"The database refused the import: {error.orig}", err=True)
        click.echo("Nothing was imported; run the command again.", err=True)
        sys.exit(1)
    for statement in statements:
        click.echo(f"imported {statement.slug}")
    click.echo(f"{len(statements)} statement(s) imported.")


@click.command("generate-demo")
@with_appcontext
@click.option("--statements", default=1_000, show_default=True, help="How many.")
@click.option("--comments", default=0, show_default=True, help="Spread over them.")
@click.option("--seed", default=1, show_default=True, help="For the same data again.")
def generate_demo(statements, comments, seed):
    """Add a large generated data set for measuring (bulk inserts: 100,000
    statements and 1,000,000 comments in a few minutes); each run adds more."""
    from ngo.generate import generate

    if statements < 0 or comments < 0 or (comments and not statements):
        raise click.BadParameter("counts must be 0 or more, comments need statements")
    started = time.perf_counter()
    made, commented = generate(statements, comments, seed)
    db.session.commit()
    took = time.perf_counter() - started
    click.echo(f"Generated {made} statements and {commented} comments in {took:.1f} s.")


@click.command("prune-views")
@with_appcontext
def prune_views():
    """Forget reader records older than the views window."""
    click.echo(f"{prune_view_records()} old view records deleted.")


@click.group("search")
def search_commands():
    """The search index of published statements."""


@search_commands.command("rebuild")
@with_appcontext
def rebuild_search():
    """Empty the search index and fill it again from every published statement
    (it is kept in step with every write; this is for a restored or bulk-loaded
    database)."""
    from ngo.search.index import rebuild

    started = time.perf_counter()
    indexed = rebuild(db.session.connection())
    db.session.commit()
    took = time.perf_counter() - started
    click.echo(f"Search index rebuilt: {indexed} published statements in {took:.1f} s.")


def _told_in_one_line(command: click.Command) -> click.Command:
    """The command (each of a group's) telling a missing SQLite file in one line with
    exit status 1, not a traceback; wrapped once, however many apps register it."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _told_in_one_line(subcommand)
        return command
    callback = command.callback
    if callback is None or getattr(callback, "told_in_one_line", False):
        return command

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except OperationalError as error:
            if isinstance(error.orig, MissingDatabaseFile):
                raise click.ClickException(str(error.orig)) from None
            raise

    run.told_in_one_line = True
    command.callback = run
    return command


def init_app(app: Flask) -> None:
    """Register the commands with `flask`."""
    for command in (
        seed_demo,
        import_statements,
        generate_demo,
        prune_views,
        create_user,
        search_commands,
        import_wordpress,
    ):
        app.cli.add_command(_told_in_one_line(command))
