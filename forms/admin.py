"""Administration forms: roles, account status, the who-may-fill table, list filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from forms.fields import FrenchFloatField, choices, enum_choices
from models.enums import Role

REQUIRED = "Ce champ est obligatoire."


class UserFilterForm(FlaskForm):
    """GET filters of the accounts list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Rechercher (e-mail, nom)", validators=[Optional(), Length(max=100, message="100 caractères au plus.")])
    role = SelectField("Rôle", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices([("", "Tous les rôles"), *Role.choices()])


class RoleForm(FlaskForm):
    role = SelectField("Nouveau rôle", choices=enum_choices(Role), validators=[DataRequired(REQUIRED)])
    region = SelectField("Région (comptes ARS)", validators=[Optional()])

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = choices([("", "—"), *((r.code, r.name) for r in regions)])


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(["0", "1"], message="Valeur inattendue.")])


class RuleForm(FlaskForm):
    """The values of one line of the who-may-fill table."""

    score = FrenchFloatField("Score (0 à 1)", validators=[
        InputRequired("Indiquez un score entre 0 et 1."),
        NumberRange(min=0, max=1, message="Le score doit être compris entre 0 et 1 (par exemple 0,8)."),
    ])
    min_validated_years = IntegerField("Années validées minimum", validators=[
        Optional(), NumberRange(min=0, max=10, message="Le nombre d'années validées doit être compris entre 0 et 10."),
    ])
    requires_nurse_on_duty = BooleanField("Seulement avec un ou une infirmière présente")
    label = StringField("Raison affichée", validators=[Length(max=255, message="255 caractères au plus.")])


class NewRuleForm(RuleForm):
    post_code = SelectField("Poste", validators=[DataRequired(REQUIRED)])
    holder_code = SelectField("Qualification qui peut l'occuper", validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, qualifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        refs = [(q.code, f"{q.code} — {q.label}") for q in qualifications]
        self.post_code.choices = choices(refs)
        self.holder_code.choices = choices([("*", "* — toute personne autorisée à travailler"), *refs])
