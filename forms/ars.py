"""ARS forms: the period filter (GET, no state change) and the plan targets (POST)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from models.enums import PlanIndicator

DEFAULT_DAYS = 90
MAX_DAYS = 731


class FrenchDateField(StringField):
    """A date typed as AAAA-MM-JJ (the HTML date input) or JJ/MM/AAAA, with French errors."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not self.raw:
            return
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(self.raw, fmt).date()
                return
            except ValueError:
                continue
        raise ValueError("Date invalide : saisissez une date au format JJ/MM/AAAA.")

    def _value(self):
        return self.data.isoformat() if isinstance(self.data, date) else getattr(self, "raw", "") or ""


class PeriodForm(Form):
    """The dashboard filter, read from the query string (a GET form, nothing to protect)."""

    debut = FrenchDateField("Du")
    fin = FrenchDateField("Au")
    region = SelectField("Région", choices=[], validate_choice=False, validators=[Optional()])
    grain = SelectField("Évolution par", choices=[SelectChoice("month", "Mois"), SelectChoice("week", "Semaine")],
                        default="month")

    def __init__(self, formdata, today: date, regions: list[tuple[str, str]] | None = None):
        super().__init__(formdata)
        self.today = today
        self.region.choices = [SelectChoice(code, name) for code, name in [("", "Toutes les régions"), *(regions or [])]]
        if regions is None:
            del self.region

    def validate_fin(self, field):
        if self.debut.data and field.data and field.data < self.debut.data:
            raise ValidationError("La date de fin doit être postérieure ou égale à la date de début.")
        start, end = self.period()
        if (end - start).days > MAX_DAYS:
            raise ValidationError("La période ne peut pas dépasser deux ans.")

    def validate_grain(self, field):
        if field.data not in ("month", "week"):
            raise ValidationError("Choisissez le mois ou la semaine.")

    def validate_region(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Région inconnue.")

    def period(self) -> tuple[date, date]:
        """The chosen days, both included; by default the last 90 days up to today."""
        end = self.fin.data or self.today
        start = self.debut.data or (end - timedelta(days=DEFAULT_DAYS - 1))
        return start, end


class FrenchIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Saisissez un nombre entier, sans espace ni décimale.") from error


def _target_field(indicator: PlanIndicator) -> FrenchIntegerField:
    return FrenchIntegerField(indicator.label, validators=[
        InputRequired("Indiquez un objectif."), NumberRange(0, 1_000_000, "Indiquez un nombre entre 0 et 1 000 000.")])


class TargetsForm(FlaskForm):
    """The regional plan's targets an ARS user sets (one number per indicator)."""

    pec = _target_field(PlanIndicator.PEC)
    civic_service = _target_field(PlanIndicator.CIVIC_SERVICE)
    refugee = _target_field(PlanIndicator.REFUGEE)
    student = _target_field(PlanIndicator.STUDENT)

    def targets(self) -> dict[PlanIndicator, int]:
        return {indicator: self[indicator.value].data for indicator in PlanIndicator}


class RejectForm(FlaskForm):
    reason = TextAreaField("Motif du refus", validators=[
        DataRequired("Indiquez le motif du refus : il est transmis à l'établissement."),
        Length(max=255, message="255 caractères au plus.")])
