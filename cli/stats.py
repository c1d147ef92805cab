"""ARS statistics: rebuild the per-slot facts the dashboard reads (run it every few minutes)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from extensions import db
from models import utcnow
from services.stats_store import refresh


@click.command("refresh-ars-stats")
@with_appcontext
def refresh_ars_stats() -> None:
    """Recompute the ARS statistics (positions filled at the start of each started slot)."""
    began = time.perf_counter()
    count = refresh(db.session, utcnow())
    db.session.commit()
    click.echo(f"{count} créneaux calculés en {time.perf_counter() - began:.1f} s.")


commands = [refresh_ars_stats]
