"""``flask --app app purge-inactive``: the retention rules of the candidates' data (CNIL)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from extensions import db
from models import utcnow
from services.privacy import purge

LABELS_DRY = ("Comptes à avertir", "Comptes à supprimer", "Comptes redevenus actifs", "Candidatures refusées à effacer")
LABELS_WET = ("Comptes avertis", "Comptes supprimés", "Comptes redevenus actifs", "Candidatures refusées effacées")


@click.command("purge-inactive")
@click.option("--wet-run", is_flag=True, help="Appliquer vraiment (sinon : simulation, rien n'est modifié).")
@click.option("--now", "now_text", default=None, hidden=True, help="Date de référence ISO (tests).")
@with_appcontext
def purge_inactive(wet_run: bool, now_text: str | None) -> None:
    """Avertit les candidats inactifs depuis 2 ans, supprime ceux avertis il y a plus de 30 jours,
    efface les candidatures refusées 3 mois après la clôture du besoin, les traces de connexion
    (avec l'adresse IP) après 6 mois et les copies des e-mails envoyés après 3 mois."""
    try:
        now = datetime.fromisoformat(now_text) if now_text else utcnow()
    except ValueError as error:
        raise click.BadParameter("date ISO attendue, par exemple 2027-01-31T08:00", param_hint="--now") from error
    session = db.session
    report = purge(session, now=now, wet_run=wet_run)
    if wet_run:
        session.commit()
    else:
        session.rollback()
    labels = LABELS_WET if wet_run else LABELS_DRY
    counts = (report.warned, report.deleted, report.reset, report.declined_purged)
    for label, ids in zip(labels, counts, strict=True):
        click.echo(f"{label} : {len(ids)} {_ids(ids)}".rstrip())
    verb = "effacées" if wet_run else "à effacer"
    click.echo(f"Traces de connexion de plus de 6 mois {verb} : {report.old_logins}")
    click.echo(f"Copies d'e-mails envoyés de plus de 3 mois {verb} : {report.old_mails}")
    if not wet_run:
        click.echo("Simulation : rien n'a été modifié. Relancez avec --wet-run pour appliquer.")


def _ids(ids: list[int]) -> str:
    return f"({', '.join(str(i) for i in ids)})" if ids else ""


commands = [purge_inactive]
