"""Form fields shared by every area."""

from __future__ import annotations

from wtforms import FloatField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from models import Commune
from models.base import LabelledEnum
from services.communes import CommuneNotFound, display_value, resolve


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 choices from ``(value, label)`` pairs (tuples are deprecated there)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def enum_choices(enum_class: type[LabelledEnum]) -> list[SelectChoice]:
    """The choices of a select or radio field for an enum: its codes with their French labels."""
    return choices(enum_class.choices())


class CommuneField(StringField):
    """A commune typed as a name, "Nom (code postal)", a postcode or an INSEE code.

    The server resolves the text (so the form works without JavaScript); ``data`` is the
    ``Commune`` once validated. Inputs carry ``data-autocomplete="communes"`` for
    static/js/autocomplete.js.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"data-autocomplete": "communes", "autocomplete": "off", "spellcheck": "false",
                     **(kwargs.pop("render_kw", None) or {})}
        kwargs.setdefault("description", "Nom de la commune ou code postal, par exemple « Angers » ou « 49000 ».")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = valuelist[0].strip() if valuelist and valuelist[0].strip() else None

    def pre_validate(self, form):
        if isinstance(self.data, str):
            from extensions import db

            try:
                self.data = resolve(db.session, self.data)
            except CommuneNotFound as error:
                self.data = None
                raise StopValidation(str(error)) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Commune):
            return display_value(self.data)
        return self.data or ""


class FrenchFloatField(FloatField):
    """A decimal number typed the French way ("0,8") or the English way ("0.8").

    A text input (inputmode decimal): a number input would refuse the French comma.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = float(valuelist[0].replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError as error:
            self.data = None
            raise ValueError("Saisissez un nombre, par exemple 0,8.") from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the French message above is enough
