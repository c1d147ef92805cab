"""``flask --app app seed-demo``: a realistic demo region, never in production."""

from __future__ import annotations

import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from extensions import db
from services.demo_catalog import DemoError
from services.demo_data import DEMO_EMAILS, DemoOptions, demo_accounts_exist, seed_demo


def _reference_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"« {value} » n'est pas une date au format AAAA-MM-JJ.") from None


@click.command("seed-demo")
@click.option("--establishments", default=60, show_default=True, type=click.IntRange(min=1), help="Nombre d'établissements.")
@click.option("--candidates", default=2_000, show_default=True, type=click.IntRange(min=1), help="Nombre de candidats.")
@click.option("--open-needs", type=click.IntRange(min=0), help="Besoins à venir (par défaut : 8 par établissement).")
@click.option("--past-needs", type=click.IntRange(min=0), help="Besoins des six derniers mois (par défaut : 12 par établissement).")
@click.option("--seed", default=2026, show_default=True, type=int, help="Graine : même graine et même date, mêmes données.")
@click.option("--region", "region_code", default="52", show_default=True, help="Code INSEE de la région (52 : Pays de la Loire).")
@click.option("--today", callback=lambda _ctx, _param, value: _reference_day(value),
              help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui).")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si les comptes de démonstration existent déjà.")
@with_appcontext
def seed_demo_command(establishments, candidates, open_needs, past_needs, seed, region_code, today, if_empty) -> None:
    """Create a demo region: establishments, candidates, needs and six months of history."""
    config = current_app.config
    if config.get("ENV_NAME") == "production" and not config.get("TESTING"):
        raise click.ClickException("Refusé : l'application est configurée pour la production (RELEVE_ENV=production). "
                                   "Les données de démonstration ne s'installent qu'en démonstration ou en développement.")
    session = db.session
    if if_empty and demo_accounts_exist(session):
        click.echo("Données de démonstration déjà présentes : rien à faire.")
        return
    started = time.perf_counter()
    try:
        options = DemoOptions(today=today, establishments=establishments,
                              candidates=candidates, open_needs=open_needs, past_needs=past_needs, seed=seed,
                              region_code=region_code)
        counts = seed_demo(session, options, config["DEMO_PASSWORD"])
        session.commit()
    except DemoError as error:
        session.rollback()
        raise click.ClickException(str(error)) from error
    except IntegrityError as error:  # e.g. a FINESS or an e-mail already used by real data
        session.rollback()
        raise click.ClickException("Les données de démonstration entrent en conflit avec des données déjà présentes "
                                   "(numéro FINESS ou adresse e-mail) : lancez seed-demo sur une base vide.") from error
    elapsed = time.perf_counter() - started
    click.echo(f"Données de démonstration créées en {elapsed:.1f} s (graine {seed}, date de référence {options.today:%d/%m/%Y}) :")
    for table, count in sorted(counts.items()):
        click.echo(f"  {table} : {count} lignes")
    click.echo(f"Comptes (mot de passe « {config['DEMO_PASSWORD']} ») : " + ", ".join(DEMO_EMAILS.values()))


commands = [seed_demo_command]
