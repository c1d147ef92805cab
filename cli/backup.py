"""``flask backup`` and ``flask restore``: whole-database copies for the operator."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from services import backup as backups


def _fail(error: backups.BackupError):
    click.echo(f"Erreur : {error}", err=True)
    raise SystemExit(1)


@click.command("backup")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Fichier de sauvegarde à écrire.")
@with_appcontext
def backup_command(output: Path) -> None:
    """Save the whole database to a file (SQLite online backup, or pg_dump custom format)."""
    try:
        backups.backup(current_app.config["DATABASE_URL"], output)
    except backups.BackupError as error:
        _fail(error)
    click.echo(f"Sauvegarde écrite dans {output}.")


@click.command("restore")
@click.option("--input", "source", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Fichier de sauvegarde à lire.")
@click.option("--yes", is_flag=True, help="Remplacer une base qui contient déjà des données.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database by a backup; a database holding data is replaced only with --yes."""
    try:
        backups.restore(current_app.config["DATABASE_URL"], source, overwrite=yes)
    except backups.BackupError as error:
        _fail(error)
    click.echo(f"Base restaurée depuis {source}.")


commands = [backup_command, restore_command]
