"""ARS statistics: bring the derived tables the dashboard reads up to date (every few minutes)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from extensions import db
from models import utcnow
from services.stats_store import refresh


@click.command("refresh-ars-stats")
@click.option("--full", is_flag=True, help="Tout recalculer au lieu des seuls besoins modifiés depuis la dernière fois.")
@with_appcontext
def refresh_ars_stats(full: bool) -> None:
    """Update the ARS statistics: the needs changed since the last run, or everything (--full)."""
    began = time.perf_counter()
    result = refresh(db.session, utcnow(), full=full)
    db.session.commit()
    how = "calcul complet" if result.full else f"incrémental, {result.needs} besoins recalculés"
    click.echo(f"{result.slots} créneaux calculés en {time.perf_counter() - began:.1f} s ({how}).")


commands = [refresh_ars_stats]
