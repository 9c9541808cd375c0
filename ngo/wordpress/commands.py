"""`flask import-wordpress EXPORT.xml`: move a WordPress site over from its export."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import-wordpress")
@with_appcontext
@click.argument("export", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Do the whole import in a transaction that is rolled back: the same "
    "report, nothing saved.",
)
@click.option(
    "--signatories",
    type=click.Choice(["none", "trailing"]),
    default="none",
    show_default=True,
    help="trailing: the final list (or final run of three or more short "
    "paragraphs) of each post becomes its signatories.",
)
@click.option(
    "--uploads",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="A copy of the old site's wp-content/uploads: the images and files posts "
    "use are copied into the site's media folder.",
)
def import_wordpress(export, dry_run, signatories, uploads):
    """Import a WordPress export (Tools > Export, a WXR file): posts, pages,
    categories, tags, comments and view counts, with the old addresses answering
    301 to the new ones. Safe to run again: what an earlier run made is updated."""
    # The reader (lxml) is loaded by this command only, not by every `flask` call.
    from sqlalchemy.exc import IntegrityError

    from ngo.wordpress.importer import Options
    from ngo.wordpress.wxr import Export

    options = Options(
        trailing_signatories=signatories == "trailing",
        uploads=Path(uploads) if uploads else None,
        dry_run=dry_run,
    )
    reader = Export(export)
    try:
        report = _run(reader, export, options)
    except IntegrityError as error:  # a slug or name saved by someone else meanwhile
        click.echo(f"The database refused the import: {error.orig}", err=True)
        click.echo("Nothing was imported; run the command again.", err=True)
        sys.exit(1)
    for line in report.lines():
        click.echo(line)


def _run(reader, export: str, options):
    """The import, with a progress bar of the bytes read when on a terminal."""
    from ngo.wordpress.importer import import_export

    if sys.stdout.isatty():
        with click.progressbar(
            length=reader.size, label="Importing", show_percent=True
        ) as bar:
            done = [0]

            def progress(position: int) -> None:
                """Move the bar on to the bytes read so far."""
                if position > done[0]:
                    bar.update(position - done[0])
                    done[0] = position

            return import_export(export, options, progress, export=reader)
    return import_export(export, options, export=reader)
