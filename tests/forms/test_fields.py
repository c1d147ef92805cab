"""Shared form fields and the DSFR field macros."""

from __future__ import annotations

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired

from forms.fields import CommuneField, FrenchFloatField, choices
from models import Commune


class PlaceForm(FlaskForm):
    commune = CommuneField("Commune", validators=[DataRequired("Ce champ est obligatoire.")])


class SampleForm(FlaskForm):
    name = StringField("Nom", validators=[DataRequired("Indiquez un nom.")], description="Tel qu'il figure sur vos papiers")
    agree = BooleanField("J'accepte", validators=[DataRequired("Cochez la case.")])
    kind = RadioField("Genre de mission", choices=choices([("nuit", "De nuit"), ("jour", "De jour")]),
                      validators=[DataRequired("Choisissez.")])
    days = SelectMultipleField("Jours", choices=choices([("1", "Lundi"), ("2", "Mardi")]))
    ratio = FrenchFloatField("Ratio")


MACROS = '{% import "macros/forms.html" as forms %}'


def test_commune_field_resolves_a_postcode_to_the_commune(app, db):
    with app.test_request_context(method="POST", data={"commune": "49100"}):
        form = PlaceForm()
        assert form.validate()
        assert isinstance(form.commune.data, Commune)
        assert form.commune.data.code_insee == "49007"


def test_commune_field_keeps_what_was_typed_when_unknown(app, db):
    with app.test_request_context(method="POST", data={"commune": "Atlantis"}):
        form = PlaceForm()
        assert not form.validate()
        assert form.commune.errors == ["Commune inconnue : saisissez un nom ou un code postal."]
        html = render_template_string(MACROS + "{{ forms.field(form.commune) }}", form=form)
    assert 'value="Atlantis"' in html
    assert 'data-autocomplete="communes"' in html
    assert 'aria-describedby="commune-error1"' in html


def test_commune_field_shows_a_stored_commune(app, db):
    with app.test_request_context():
        form = PlaceForm(formdata=None, commune=db.get(Commune, "44109"))
        assert form.commune._value() == "Nantes (44000)"


def test_commune_field_empty_is_required_once(app, db):
    with app.test_request_context(method="POST", data={"commune": " "}):
        form = PlaceForm()
        assert not form.validate()
        assert form.commune.errors == ["Ce champ est obligatoire."]


def test_macros_put_each_error_next_to_its_field(app):
    with app.test_request_context(method="POST", data={"days": ["2"], "ratio": "0,25"}):
        form = SampleForm()
        assert not form.validate()
        assert form.ratio.data == 0.25
        html = render_template_string(MACROS + "{% for f in form %}{{ forms.field(f) }}{% endfor %}", form=form)
    assert '<div class="fr-input-group fr-input-group--error">' in html
    assert 'aria-describedby="name-error1"' in html and '<p id="name-error1" class="fr-error-text">Indiquez un nom.</p>' in html
    assert '<span class="fr-hint-text">Tel qu&#39;il figure sur vos papiers</span>' in html
    assert 'fr-checkbox-group--error' in html and "Cochez la case." in html
    assert '<fieldset class="fr-fieldset fr-fieldset--error" id="kind"' in html
    assert '<input type="radio" id="kind-0" name="kind" value="nuit" aria-describedby="kind-messages">' in html
    assert '<input type="checkbox" id="days-1" name="days" value="2" checked>' in html
    assert '<input class="fr-input" id="ratio" inputmode="decimal" name="ratio" type="text" value="0,25">' in html


def test_submit_macro(app):
    with app.test_request_context():
        html = render_template_string(MACROS + '{{ forms.submit("Envoyer", secondary=true) }}')
    assert html.strip() == '<button type="submit" class="fr-btn fr-btn--secondary">Envoyer</button>'
