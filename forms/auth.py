"""Sign-up, login and password forms (French messages next to each field)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from forms.fields import CommuneField, enum_choices
from models.enums import EstablishmentType, Sector
from services.identifiers import finess_error, siret_error

REQUIRED = "Ce champ est obligatoire."
MIN_PASSWORD = 12


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field():
    return EmailField("Adresse e-mail", filters=[_strip], validators=[
        DataRequired(REQUIRED), Email("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
        Length(max=254, message="L'adresse e-mail est trop longue."),
    ], render_kw={"autocomplete": "email", "spellcheck": "false"})


def _new_password_fields():
    password = PasswordField("Mot de passe", validators=[
        DataRequired(REQUIRED),
        Length(min=MIN_PASSWORD, max=128, message=f"Le mot de passe doit comporter entre {MIN_PASSWORD} et 128 caractères."),
    ], description=f"Au moins {MIN_PASSWORD} caractères. Une phrase de plusieurs mots est plus sûre et plus facile à retenir.",
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Confirmez le mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("password", message="Les deux mots de passe ne sont pas identiques."),
    ], render_kw={"autocomplete": "new-password"})
    return password, confirm


def _name_field(label: str, autocomplete: str):
    return StringField(label, validators=[DataRequired(REQUIRED), Length(max=80, message="80 caractères au plus.")],
                       render_kw={"autocomplete": autocomplete})


class AccountForm(FlaskForm):
    """The account part shared by both sign-ups."""

    first_name = _name_field("Prénom", "given-name")
    last_name = _name_field("Nom", "family-name")
    email = _email_field()
    password, password_confirm = _new_password_fields()
    consent = BooleanField(
        "J'ai lu la notice de confidentialité et j'accepte que mes données soient traitées pour les finalités qu'elle décrit.",
        validators=[DataRequired("Vous devez accepter la notice de confidentialité pour créer un compte.")],
    )


class CandidateSignupForm(AccountForm):
    pass


class EstablishmentSignupForm(AccountForm):
    name = StringField("Nom de l'établissement", validators=[
        DataRequired(REQUIRED), Length(max=160, message="160 caractères au plus."),
    ], render_kw={"autocomplete": "organization"})
    finess = StringField("Numéro FINESS (établissement géographique)", validators=[DataRequired(REQUIRED)],
                         description="9 caractères, par exemple 440000289 ; il figure sur l'annuaire FINESS.",
                         render_kw={"inputmode": "text", "spellcheck": "false"})
    siret = StringField("Numéro SIRET (facultatif)", validators=[Optional()],
                        description="14 chiffres.", render_kw={"inputmode": "numeric"})
    type = SelectField("Type d'établissement", choices=enum_choices(EstablishmentType), validators=[DataRequired(REQUIRED)])
    sector = SelectField("Statut", choices=enum_choices(Sector), validators=[DataRequired(REQUIRED)])
    address = StringField("Adresse", validators=[DataRequired(REQUIRED), Length(max=255, message="255 caractères au plus.")],
                          render_kw={"autocomplete": "street-address"})
    commune = CommuneField("Commune", validators=[DataRequired(REQUIRED)])

    def validate_siret(self, field):
        message = siret_error(field.data)
        if message:
            raise ValidationError(message)

    def validate(self, extra_validators=None) -> bool:
        """FINESS: its key, and its département against the commune's once both are known."""
        valid = super().validate(extra_validators)
        if self.finess.errors or not self.finess.data:
            return valid
        departement = self.commune.data.departement_code if not self.commune.errors and self.commune.data else None
        message = finess_error(self.finess.data, departement)
        if message:
            self.finess.errors.append(message)
            return False
        return valid


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", filters=[_strip], validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


class ResetPasswordForm(FlaskForm):
    password, password_confirm = _new_password_fields()
