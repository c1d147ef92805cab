"""The manager's need form and the small forms of the need page (answers, cancel, outcome).

Fields only parse and check their own format; the rules across fields (kind limits, slots
in the past, sector) are in ``services.needs.check``, whose errors the view puts back next to
the fields.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.candidate import MultiCheckboxField
from forms.fields import choices, enum_choices
from models.enums import AssignmentState, ContractType, FrenchLevel, NeedKind, NeedStatus
from services.needs import NeedDraft, SlotPattern
from services.profile import WEEKDAYS_FR

SLOT_MODES = [("single", "Une date"), ("dates", "Plusieurs dates"), ("weekly", "Chaque semaine sur une période"),
              ("period", "Un contrat (premier et dernier jour)")]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def parse_dates(text: str) -> list[date]:
    """Dates separated by commas, spaces or lines, as JJ/MM/AAAA (or AAAA-MM-JJ)."""
    found = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        for fmt in DATE_FORMATS:
            try:
                found.append(datetime.strptime(token, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"« {token[:20]} » n'est pas une date au format JJ/MM/AAAA.")
    return found


class NeedForm(FlaskForm):
    establishment = SelectField("Établissement", choices=[], validate_choice=False)
    kind = SelectField("Type de besoin", choices=enum_choices(NeedKind),
                       validators=[InputRequired("Choisissez le type de besoin.")])
    qualification = SelectField("Qualification recherchée", choices=[],
                                validators=[InputRequired("Choisissez la qualification recherchée.")])
    title = StringField("Intitulé (facultatif)", validators=[Optional(), Length(max=160, message="160 caractères au plus.")],
                        description="Par exemple « Nuit en unité protégée ».")
    slot_mode = RadioField("Créneaux", choices=choices(SLOT_MODES), default="single",
                           validators=[InputRequired("Choisissez comment saisir les créneaux.")])
    date = DateField("Date", validators=[Optional()], description="Format : jj/mm/aaaa.")
    dates = TextAreaField("Dates", validators=[Optional()],
                          description="Une date par ligne ou séparées par des virgules, au format jj/mm/aaaa.")
    start_date = DateField("Premier jour", validators=[Optional()])
    end_date = DateField("Dernier jour", validators=[Optional()])
    weekdays = MultiCheckboxField("Jours de la semaine", choices=choices(enumerate(WEEKDAYS_FR)), validate_choice=False)
    start_time = TimeField("Heure de début", validators=[Optional()])
    end_time = TimeField("Heure de fin", validators=[Optional()],
                         description="Une heure de fin avant le début signifie le lendemain (nuit).")
    positions = IntegerField("Nombre de postes", default=1, validators=[
        InputRequired("Indiquez le nombre de postes."), NumberRange(1, 50, "Indiquez entre 1 et 50 postes.")])
    weekly_hours = DecimalField("Heures par semaine", places=1, validators=[
        Optional(), NumberRange(1, 48, "Indiquez une durée hebdomadaire entre 1 et 48 h.")],
        description="Pour un contrat (remplacement, renfort, PEC, service civique).")
    pay = StringField("Rémunération ou grille", validators=[Optional(), Length(max=160, message="160 caractères au plus.")])
    contract_type = SelectField("Type de contrat", choices=choices([("", "—")]) + enum_choices(ContractType), default="")
    min_french_level = SelectField("Niveau de français minimum", choices=choices([("", "Aucun niveau exigé")]) + enum_choices(FrenchLevel),
                                   default="")
    requires_driving_licence = BooleanField("Permis de conduire exigé")
    nurse_on_duty = BooleanField("Un(e) infirmier(ère) est présent(e) sur le créneau", default=True,
                                 description="Nécessaire pour accueillir des étudiants sur un poste d'aide-soignant.")
    urgent = BooleanField("Urgent", description="Les personnes de votre vivier sont prévenues en premier.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=4000, message="4 000 caractères au plus.")])
    duplicated_from = HiddenField()

    def validate_dates(self, field):
        try:
            self.parsed_dates = parse_dates(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def validate_establishment(self, field):
        if field.data not in {str(choice.value) for choice in field.choices}:
            raise ValidationError("Choisissez un de vos établissements.")

    def to_draft(self) -> NeedDraft:
        mode = self.slot_mode.data
        pattern = SlotPattern(
            mode=mode, dates=[self.date.data] if mode == "single" and self.date.data else getattr(self, "parsed_dates", []),
            start_date=self.start_date.data, end_date=self.end_date.data,
            weekdays=sum(1 << int(day) for day in self.weekdays.data or [] if str(day).isdigit() and int(day) < 7),
            start_time=self.start_time.data, end_time=self.end_time.data,
        )
        duplicated = self.duplicated_from.data
        return NeedDraft(
            establishment_id=int(self.establishment.data), kind=NeedKind(self.kind.data),
            qualification_code=self.qualification.data, pattern=pattern, positions=self.positions.data,
            weekly_hours=float(self.weekly_hours.data) if self.weekly_hours.data is not None else None,
            title=self.title.data or "", description=self.description.data or "", pay=self.pay.data or "",
            contract_type=ContractType(self.contract_type.data) if self.contract_type.data else None,
            min_french_level=FrenchLevel(self.min_french_level.data) if self.min_french_level.data else None,
            requires_driving_licence=self.requires_driving_licence.data, nurse_on_duty=self.nurse_on_duty.data,
            urgent=self.urgent.data, duplicated_from_id=int(duplicated) if duplicated and duplicated.isdigit() else None,
        )


class NeedFilterForm(FlaskForm):
    """GET filters of the list: no CSRF (nothing changes)."""

    class Meta:
        csrf = False

    status = SelectField("Statut", choices=choices([("", "Tous")]) + enum_choices(NeedStatus), default="", validate_choice=True)
    date_from = DateField("Du", validators=[Optional()])
    date_to = DateField("Au", validators=[Optional()])


class AnswerForm(FlaskForm):
    """Accept (all or some slots) or decline an application, with an optional message."""

    slot_ids = MultiCheckboxField("Créneaux retenus", choices=[], validate_choice=False)
    message = TextAreaField("Message au candidat (facultatif)",
                            validators=[Optional(), Length(max=1000, message="1 000 caractères au plus.")])


class ReasonForm(FlaskForm):
    reason = StringField("Motif", validators=[InputRequired("Indiquez le motif."),
                                              Length(max=255, message="255 caractères au plus.")])


class OutcomeForm(FlaskForm):
    outcome = RadioField("Résultat", choices=choices([(AssignmentState.COMPLETED.value, "Mission réalisée"),
                                                      (AssignmentState.NO_SHOW.value, "Absence non prévenue")]),
                         validators=[InputRequired("Choisissez le résultat de la mission.")])
    reliability = SelectField("Fiabilité (facultatif)", choices=choices([("", "—")] + [(str(i), f"{i} / 5") for i in range(1, 6)]),
                              default="")
    note = StringField("Note professionnelle (facultatif)", validators=[
        Optional(), Length(max=200, message="200 caractères au plus.")],
        description="Courte et factuelle, sur le travail uniquement (ponctualité, consignes) : elle est visible "
                    "par la personne concernée.")

    def validate_reliability(self, field):
        if field.data and field.data not in {"1", "2", "3", "4", "5"}:
            raise ValidationError("La fiabilité se note de 1 à 5.")


class InviteForm(FlaskForm):
    message = TextAreaField("Message (facultatif)", validators=[Optional(), Length(max=1000, message="1 000 caractères au plus.")])
