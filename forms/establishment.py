"""Forms of the manager's establishments page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Email, InputRequired, Length


class CoManagerForm(FlaskForm):
    email = EmailField("Adresse e-mail du co-gestionnaire", validators=[
        InputRequired("Indiquez l'adresse e-mail d'un compte établissement existant."),
        Email("Cette adresse e-mail n'est pas valide.", check_deliverability=False),
        Length(max=254, message="254 caractères au plus."),
    ], description="La personne doit déjà avoir un compte « établissement » sur Relève.")
