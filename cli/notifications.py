"""``send-notifications`` (the outbox over SMTP) and ``send-urgent-digest`` (urgent needs, one e-mail)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from extensions import db
from models import utcnow
from services.outbox_sender import send_due
from services.urgent_digest import send_urgent_digest


@click.command("send-notifications")
@click.option("--loop", is_flag=True, help="Continuer en boucle (sinon, un seul passage).")
@click.option("--interval", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Secondes entre deux passages avec --loop.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 10000),
              help="Nombre maximal d'e-mails par passage.")
@with_appcontext
def send_notifications(loop: bool, interval: int, batch: int) -> None:
    """Envoie les e-mails en attente (nouvel essai différé en cas d'échec)."""
    while True:
        report = send_due(db.session, now=utcnow(), batch=batch)
        click.echo(f"{report.sent} e-mail(s) envoyé(s), {report.retried} à réessayer, {report.failed} en échec définitif.")
        if not loop:
            return
        time.sleep(interval)


@click.command("send-urgent-digest")
@with_appcontext
def send_urgent_digest_command() -> None:
    """Prépare le résumé des besoins urgents pour les candidats qui l'ont demandé (au plus toutes les 3 h)."""
    queued = send_urgent_digest(db.session, now=utcnow())
    db.session.commit()
    click.echo(f"{queued} résumé(s) mis en file d'envoi.")


commands = [send_notifications, send_urgent_digest_command]
