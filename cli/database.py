"""Database schema commands: Alembic upgrades from the app's own configuration."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import with_appcontext

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("Base de données à jour.")


@click.command("refresh-summaries")
@with_appcontext
def refresh_summaries() -> None:
    """Recompute every candidate's match summary (services.candidate_summary) and the open needs'
    rows of need_place (services.need_summary)."""
    from extensions import db
    from services import candidate_summary, need_summary

    count = candidate_summary.refresh(db.session.connection())
    need_count = need_summary.refresh(db.session.connection())
    db.session.commit()
    click.echo(f"{count} profils et {need_count} besoins ouverts recalculés.")


commands = [db_upgrade, refresh_summaries]
