"""Finding a commune from what a person types: an INSEE code, a postcode or a name.

Shared by the commune form field (server-side resolution, so forms work without JavaScript)
and the autocompletion API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Commune, Postcode
from refdata.communes import search_key

UNKNOWN = "Commune inconnue : saisissez un nom ou un code postal."
CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# "Nantes (44000)", "Ajaccio (2A004)" or the model's label "Nantes (44000, 44100, 44200)".
NAME_WITH_CODE_RE = re.compile(r"^(?P<name>.+?)\s*\(\s*(?P<code>\d{5}|2[AB]\d{3})\b[^)]*\)$")
SUGGESTION_LIMIT = 10


class CommuneNotFound(ValueError):
    """The text matches no commune, or several: ``str(error)`` is the French message."""


@dataclass(frozen=True)
class Suggestion:
    code_insee: str
    name: str
    departement_code: str
    postcodes: list[str]
    value: str

    def as_json(self) -> dict:
        return {"code_insee": self.code_insee, "name": self.name, "departement_code": self.departement_code,
                "postcodes": self.postcodes, "value": self.value}


def display_value(commune: Commune) -> str:
    """What the field shows and the autocompletion proposes; ``resolve`` reads it back."""
    code = commune.postcodes[0].code if commune.postcodes else commune.code_insee
    return f"{commune.name} ({code})"


def _with_postcodes():
    return select(Commune).options(selectinload(Commune.postcodes))


def _by_postcode(session: Session, postcode: str) -> list[Commune]:
    codes = select(Postcode.commune_code).where(Postcode.code == postcode)
    query = _with_postcodes().where(Commune.code_insee.in_(codes)).order_by(Commune.population.desc(), Commune.name)
    return list(session.scalars(query))


def _by_name(session: Session, name: str) -> list[Commune]:
    query = _with_postcodes().where(Commune.search_name == search_key(name)).order_by(Commune.population.desc())
    return list(session.scalars(query))


def _one(candidates: list[Commune]) -> Commune:
    if not candidates:
        raise CommuneNotFound(UNKNOWN)
    if len(candidates) > 1:
        choices = ", ".join(display_value(c) for c in candidates[:8])
        raise CommuneNotFound(f"Plusieurs communes correspondent : {choices}. Précisez le code postal.")
    return candidates[0]


def resolve(session: Session, text: str) -> Commune:
    """The one commune meant by ``text``: exact INSEE code, then postcode, then name."""
    text = " ".join((text or "").split())
    if not text:
        raise CommuneNotFound(UNKNOWN)
    if CODE_RE.match(text.upper()):
        commune = session.get(Commune, text.upper())
        return commune if commune is not None else _one(_by_postcode(session, text))
    match = NAME_WITH_CODE_RE.match(text)
    if match:
        code, name = match["code"], match["name"]
        commune = session.get(Commune, code)
        if commune is not None and commune.search_name == search_key(name):
            return commune
        same_name = [c for c in _by_postcode(session, code) if c.search_name == search_key(name)]
        return _one(same_name or _by_name(session, name))
    return _one(_by_name(session, text))


def suggest(session: Session, query: str, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """Best communes for a prefix of a postcode or a name, the most populated first."""
    query = query.strip()
    if query.isdigit():
        codes = select(Postcode.commune_code).where(Postcode.code.startswith(query, autoescape=True))
        condition = Commune.code_insee.in_(codes)
    else:
        condition = Commune.search_name.startswith(search_key(query), autoescape=True)
    rows = session.scalars(
        _with_postcodes().where(condition).order_by(Commune.population.desc(), Commune.name).limit(limit)
    )
    return [
        Suggestion(c.code_insee, c.name, c.departement_code, [p.code for p in c.postcodes], display_value(c))
        for c in rows
    ]
