"""Account commands: ARS and admin accounts are created here, never by sign-up."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from extensions import db
from models import Region, User
from models.enums import Role
from services.accounts import hash_password


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--region", "region_code", help="Code de la région (comptes ARS).")
@click.option("--departements", default="", help="Codes des départements séparés par des virgules (ARS, facultatif).")
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@with_appcontext
def create_user(email, role, password, region_code, departements, first_name, last_name) -> None:
    """Create an account (ARS and admin accounts are created this way)."""
    session = db.session
    email = email.strip().lower()
    if session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"Un compte existe déjà pour {email}.")
    if role == Role.ARS and not (region_code and session.get(Region, region_code)):
        raise click.ClickException("Un compte ARS doit avoir une région connue (--region, ex. 52).")
    if len(password) < 12:
        raise click.ClickException("Le mot de passe doit faire au moins 12 caractères.")
    user = User(
        email=email, role=Role(role), password_hash=hash_password(password),
        first_name=first_name, last_name=last_name,
        ars_region_code=region_code if role == Role.ARS else None,
        ars_departement_codes=[d.strip() for d in departements.split(",") if d.strip()],
    )
    session.add(user)
    session.commit()
    click.echo(f"Compte {role} créé : {email}")


commands = [create_user]
