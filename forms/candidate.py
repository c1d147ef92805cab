"""The candidate's forms: the profile (as short wizard steps, or all at once) and availability.

Every message is French; the rules that need "today" read ``form.today`` (set by the view)
so that tests can fix the date.
"""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.fields import CommuneField
from models.enums import AvailabilityKind, FrenchLevel, NeedKind, Public, WorkDocument
from services.communes import display_value
from services.profile import (
    DEFAULT_RADIUS_KM,
    MAX_AGE,
    MAX_VALIDATED_YEARS,
    MIN_AGE,
    RADIUS_CHOICES,
    WEEKDAYS_FR,
    ProfileInput,
    RuleInput,
)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


# The date picker sends ISO dates; a browser without one lets people type jj/mm/aaaa.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
YES_NO = options([("oui", "Oui"), ("non", "Non")])
RADIUS_ERROR = "Choisissez un rayon parmi " + ", ".join(str(r) for r in RADIUS_CHOICES[:-1]) + f" ou {RADIUS_CHOICES[-1]} km."


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (easier than a multiple select on a phone)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    """Base of the forms whose rules depend on the day (``today``, passed by the view)."""

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()


class PublicStep(StepForm):
    title = "Votre situation"
    public = RadioField(
        "Vous êtes…", choices=options(Public.choices()),
        validators=[InputRequired("Choisissez la situation qui vous correspond.")],
    )


class BirthStep(StepForm):
    title = "Votre âge"
    birth_date = DateField(
        "Date de naissance", format=DATE_FORMATS,
        description="Format : jj/mm/aaaa. Elle sert à appliquer les règles d'âge (mineurs, service civique).",
        validators=[InputRequired("Indiquez votre date de naissance.")],
    )
    disability = BooleanField(
        "J'ai une reconnaissance de handicap (RQTH) — facultatif",
        description="Cette information ne sert qu'à une chose : le service civique est ouvert jusqu'à 30 ans "
                    "(au lieu de 25) aux personnes en situation de handicap. Elle n'est jamais montrée aux établissements.",
    )

    def validate_birth_date(self, field):
        if field.data is None:
            return
        if field.data > self.today:
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        age = self.today.year - field.data.year - ((self.today.month, self.today.day) < (field.data.month, field.data.day))
        if age < MIN_AGE:
            raise ValidationError(f"Il faut avoir au moins {MIN_AGE} ans pour s'inscrire.")
        if age > MAX_AGE:
            raise ValidationError("Cette date de naissance ne semble pas correcte : vérifiez l'année.")


class PlaceStep(StepForm):
    title = "Où chercher"
    commune = CommuneField(
        "Votre commune", description="Nom de la commune ou code postal, par exemple « Angers » ou « 49000 ».",
        validators=[InputRequired("Indiquez votre commune.")],
    )
    radius_km = RadioField(
        "Jusqu'à quelle distance pouvez-vous vous déplacer ?",
        choices=options((r, f"{r} km") for r in RADIUS_CHOICES), default=str(DEFAULT_RADIUS_KM), validate_choice=False,
    )

    def validate_radius_km(self, field):
        if field.data not in {str(r) for r in RADIUS_CHOICES}:
            raise ValidationError(RADIUS_ERROR)


class QualificationsStep(StepForm):
    title = "Vos diplômes et études"
    qualification_codes = MultiCheckboxField("Diplômes ou qualifications que vous avez", choices=[], validate_choice=False)
    student_code = SelectField("Études en cours", choices=[], default="", validate_choice=False)
    validated_years = IntegerField(
        "Nombre d'années validées", description="Années d'études déjà validées (0 si vous êtes en première année).",
        validators=[Optional(), NumberRange(0, MAX_VALIDATED_YEARS, f"Indiquez un nombre d'années entre 0 et {MAX_VALIDATED_YEARS}.")],
    )
    qualification_text = StringField(
        "Votre diplôme n'est pas dans la liste ?",
        description="Écrivez-le simplement, par exemple « AMP » ou « diplôme d'infirmière (Maroc) ».",
        validators=[Optional(), Length(max=200, message="200 caractères au plus.")],
    )
    french_level = SelectField(
        "Niveau de français (facultatif)", choices=options([("", "Non renseigné (langue maternelle ou courante)")] + FrenchLevel.choices()),
        default="", description="Niveau du cadre européen (CECRL), si vous le connaissez.",
    )

    def set_choices(self, diplomas, studies) -> None:
        self.qualification_codes.choices = options((q.code, q.label) for q in diplomas)
        self.student_code.choices = options([("", "Aucune")] + [(q.code, q.label) for q in studies])

    def validate_qualification_codes(self, field):
        known = {choice.value for choice in self.qualification_codes.choices}
        if any(code not in known for code in field.data or []):
            raise ValidationError("Choisissez des qualifications de la liste (ou écrivez la vôtre dans le champ libre).")

    def validate_student_code(self, field):
        if field.data and field.data not in {choice.value for choice in self.student_code.choices}:
            raise ValidationError("Choisissez des études de la liste.")

    def validate(self, extra_validators=None):
        """Years are required with studies (Optional() stops the field's own checks when empty)."""
        valid = super().validate(extra_validators)
        years = self.validated_years
        if self.student_code.data and years.data is None and not years.errors:
            years.errors.append("Indiquez le nombre d'années validées.")
            return False
        return valid


class RightsStep(StepForm):
    title = "Droit au travail et permis"
    work_authorization = RadioField(
        "Avez-vous le droit de travailler en France ?", choices=YES_NO,
        validators=[InputRequired("Répondez par oui ou par non.")],
    )
    work_document = SelectField(
        "Document qui vous y autorise (facultatif)", choices=options([("", "Je préfère ne pas le préciser")] + WorkDocument.choices()),
        default="", description="Seul le type de document est enregistré, jamais son numéro ni votre nationalité.",
    )
    driving_licence = RadioField(
        "Avez-vous le permis de conduire (B) ?", choices=YES_NO,
        validators=[InputRequired("Répondez par oui ou par non.")],
    )


class PreferencesStep(StepForm):
    title = "Vos préférences"
    prefers_nights = BooleanField("J'accepte de travailler la nuit")
    prefers_weekends = BooleanField("J'accepte de travailler le week-end")
    preferred_kinds = MultiCheckboxField(
        "Types de missions qui vous intéressent", choices=options(NeedKind.choices()),
        description="Aucune case cochée : tous les types vous sont proposés.",
    )


class ConsentStep(StepForm):
    title = "Vos accords"
    consent_visible = BooleanField(
        "Les établissements peuvent voir mon profil et me proposer des missions",
        description="Ils voient votre prénom, votre commune, vos qualifications et vos disponibilités ; "
                    "vos coordonnées seulement après votre candidature ou votre accord.",
    )
    consent_pool = BooleanField(
        "Je peux rester dans le vivier d'un établissement après une mission",
        description="L'établissement pourra vous proposer d'autres missions en priorité. Vous pouvez le retirer à tout moment.",
    )
    consent_alerts = BooleanField(
        "Je veux recevoir par e-mail les missions urgentes près de chez moi",
        description="Au plus un e-mail par jour ; désactivable à tout moment.",
    )


WIZARD_STEPS = (PublicStep, BirthStep, PlaceStep, QualificationsStep, RightsStep, PreferencesStep, ConsentStep)


class ProfileForm(PublicStep, BirthStep, PlaceStep, QualificationsStep, RightsStep, PreferencesStep, ConsentStep):
    """Every step at once: the profile page edits the whole profile."""


def profile_input(form: ProfileForm) -> ProfileInput:
    """The service's input from a validated ProfileForm."""
    return ProfileInput(
        public=Public(form.public.data), birth_date=form.birth_date.data, disability=form.disability.data,
        commune=form.commune.data, radius_km=int(form.radius_km.data),
        qualification_codes=list(form.qualification_codes.data or []), student_code=form.student_code.data or None,
        validated_years=form.validated_years.data if form.student_code.data else None,
        qualification_text=form.qualification_text.data,
        french_level=FrenchLevel(form.french_level.data) if form.french_level.data else None,
        work_authorization=form.work_authorization.data == "oui",
        work_document=WorkDocument(form.work_document.data) if form.work_document.data else None,
        driving_licence=form.driving_licence.data == "oui", prefers_nights=form.prefers_nights.data,
        prefers_weekends=form.prefers_weekends.data, preferred_kinds=[NeedKind(k) for k in form.preferred_kinds.data or []],
        consent_visible=form.consent_visible.data, consent_pool=form.consent_pool.data, consent_alerts=form.consent_alerts.data,
    )


def profile_formdata(profile, student_codes: set[str]) -> dict[str, list[str]]:
    """An existing profile as raw form data (what the wizard and the profile page start from)."""
    student = next((q for q in profile.qualifications if q.code in student_codes), None)
    studies = [student] if student else []
    data = {
        "public": [profile.public.value], "birth_date": [profile.birth_date.isoformat()],
        "commune": [display_value(profile.commune)], "radius_km": [str(profile.radius_km)],
        "qualification_codes": [q.code for q in profile.qualifications if q not in studies],
        "student_code": [student.code] if student else [""],
        "validated_years": [str(student.validated_years)] if student and student.validated_years is not None else [""],
        "qualification_text": [profile.qualification_text or ""],
        "french_level": [profile.french_level.value if profile.french_level else ""],
        "work_authorization": ["oui" if profile.work_authorization else "non"],
        "work_document": [profile.work_document.value if profile.work_document else ""],
        "driving_licence": ["oui" if profile.driving_licence else "non"],
        "preferred_kinds": list(profile.preferred_kinds or []),
    }
    for flag in ("disability", "prefers_nights", "prefers_weekends", "consent_visible", "consent_pool", "consent_alerts"):
        if getattr(profile, flag):
            data[flag] = ["y"]
    return data


class AvailabilityForm(StepForm):
    """One rule: a period he is available, a weekly pattern, or a period he is not."""

    kind = RadioField(
        "Type", choices=options(AvailabilityKind.choices()), default=AvailabilityKind.PERIOD.value,
        validators=[InputRequired("Choisissez le type de disponibilité.")],
    )
    start_date = DateField("Du", format=DATE_FORMATS, validators=[InputRequired("Indiquez la date de début.")])
    end_date = DateField("Au (inclus)", format=DATE_FORMATS, validators=[InputRequired("Indiquez la date de fin.")])
    weekdays = MultiCheckboxField("Jours de la semaine", choices=options((i, name.capitalize()) for i, name in enumerate(WEEKDAYS_FR)))
    start_time = TimeField("De", validators=[Optional()])
    end_time = TimeField("À", description="Une heure de fin avant l'heure de début veut dire le lendemain matin (nuit).",
                         validators=[Optional()])

    def validate_end_date(self, field):
        if self.start_date.data and field.data:
            if field.data < self.start_date.data:
                raise ValidationError("La date de fin doit être après la date de début.")
            if field.data < self.today:
                raise ValidationError("Cette période est déjà passée.")
            if (field.data - self.start_date.data).days > 366:
                raise ValidationError("Une période ne peut pas dépasser un an : ajoutez-en une autre ensuite.")

    def validate_weekdays(self, field):
        if self.kind.data == AvailabilityKind.WEEKLY.value and not field.data:
            raise ValidationError("Cochez au moins un jour de la semaine.")

    def validate(self, extra_validators=None):
        """Times are required for a weekly pattern (Optional() stops the fields' own checks)."""
        valid = super().validate(extra_validators)
        if self.kind.data != AvailabilityKind.WEEKLY.value:
            return valid
        for field, message in ((self.start_time, "Indiquez l'heure de début."), (self.end_time, "Indiquez l'heure de fin.")):
            if field.data is None and not field.errors:
                field.errors.append(message)
                valid = False
        if self.start_time.data is not None and self.start_time.data == self.end_time.data:
            self.end_time.errors.append("L'heure de fin doit être différente de l'heure de début.")
            valid = False
        return valid

    def to_input(self) -> RuleInput:
        return RuleInput(
            kind=AvailabilityKind(self.kind.data), start_date=self.start_date.data, end_date=self.end_date.data,
            weekdays=[int(d) for d in self.weekdays.data or []], start_time=self.start_time.data, end_time=self.end_time.data,
        )


class ApplyForm(FlaskForm):
    slot_ids = MultiCheckboxField("Créneaux", choices=[], coerce=int, validate_choice=False)
    message = TextAreaField(
        "Message à l'établissement (facultatif)", validators=[Optional(), Length(max=1000, message="1 000 caractères au plus.")],
    )


class InvitationAnswerForm(FlaskForm):
    slot_ids = MultiCheckboxField("Créneaux", choices=[], coerce=int, validate_choice=False)


class DeleteAccountForm(FlaskForm):
    confirmation = StringField(
        "Pour confirmer, écrivez SUPPRIMER", validators=[InputRequired("Écrivez SUPPRIMER pour confirmer.")],
    )

    def validate_confirmation(self, field):
        if (field.data or "").strip().upper() != "SUPPRIMER":
            raise ValidationError("Écrivez SUPPRIMER (en majuscules) pour confirmer la suppression.")


class PoolConsentForm(FlaskForm):
    consent_pool = BooleanField("Je peux rester dans le vivier des établissements après une mission")


class _DateRangeFilters(StepForm):
    """GET filters shared by the public search and "missions pour moi" (no CSRF: nothing changes)."""

    class Meta:
        csrf = False

    kind = SelectField("Type de mission", choices=options([("", "Tous")] + NeedKind.choices()), default="")
    date_from = DateField("À partir du", format=DATE_FORMATS, validators=[Optional()])
    date_to = DateField("Jusqu'au", format=DATE_FORMATS, validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("La date de fin doit être après la date de début.")


class MissionFilterForm(_DateRangeFilters):
    max_km = SelectField("Distance au plus", choices=[], default="", validate_choice=False)

    def set_radius(self, radius_km: int) -> None:
        self.max_km.choices = options([("", f"Mon rayon ({radius_km} km)")] + [(r, f"{r} km") for r in RADIUS_CHOICES if r < radius_km])

    def validate_max_km(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(RADIUS_ERROR)


class NeedSearchForm(_DateRangeFilters):
    commune = CommuneField("Commune", validators=[Optional()])
    radius_km = SelectField("Rayon", choices=options((r, f"{r} km") for r in RADIUS_CHOICES), default=str(DEFAULT_RADIUS_KM),
                            validate_choice=False)
    qualification = SelectField("Métier", choices=[], default="", validate_choice=False)

    def set_qualifications(self, refs) -> None:
        self.qualification.choices = options([("", "Tous les métiers")] + [(q.code, q.label) for q in refs])

    def validate_radius_km(self, field):
        if field.data not in {str(r) for r in RADIUS_CHOICES}:
            raise ValidationError(RADIUS_ERROR)

    def validate_qualification(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choisissez un métier de la liste.")
