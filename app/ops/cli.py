"""`flask backup PATH` and `flask restore PATH --yes`; app/ops/routes.py adds them to the flask CLI."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app import page_cache
from app.ops import backup as backups


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent backup of the whole database to PATH while the portal keeps running."""
    try:
        backups.backup(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really replace every table of the database.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup PATH. Stop the app servers first."""
    if not yes:
        raise click.ClickException(
            "restore replaces ALL data in the database configured by DATABASE_URL. "
            "Stop the app servers, then run again with --yes."
        )
    try:
        backups.restore(path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    # The restore bypassed the ORM: no tag knows what changed, so every cached page goes.
    page_cache.get().clear()
    click.echo(f"Database restored from {path}.")
