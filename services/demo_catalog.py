"""Reference material of the demo: names, streets, establishment names, communes, identifiers.

The word lists live in ``data/demo/`` (plain files, easy to extend). Everything here draws
from a ``random.Random`` passed in, so that one seed always gives the same region.
"""

from __future__ import annotations

import json
import random
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Commune
from services.identifiers import LA_POSTE_SIREN, luhn_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"


class DemoError(Exception):
    """A demo request that cannot be honoured; the message is French and shown as is."""


@cache
def words(name: str) -> tuple[str, ...]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


@cache
def establishment_names() -> dict:
    return json.loads((DATA_DIR / "establishments.json").read_text(encoding="utf-8"))["types"]


def person_name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(words("first_names.txt")), rng.choice(words("last_names.txt"))


def email_part(text: str) -> str:
    """'Lefèvre' → 'lefevre', 'Le Gall' → 'le-gall': what an e-mail address can hold."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


def street_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 120)} {rng.choice(words('streets.txt'))}"


def establishment_name(rng: random.Random, type_code: str, private: bool, commune_name: str) -> str:
    catalog = establishment_names()[type_code]
    patterns = catalog.get("private_patterns", catalog["patterns"]) if private else catalog["patterns"]
    return rng.choice(patterns).format(name=rng.choice(catalog["names"]), commune=commune_name)


def finess(departement_code: str, serial: int) -> str:
    """A FINESS that passes the official checks: département, 6 digits, Luhn key (2A → 21)."""
    body = f"{departement_code}{serial:06d}"
    digits = body.replace("2A", "21", 1).replace("2B", "22", 1) if departement_code in ("2A", "2B") else body
    return body + luhn_key(digits)


def siret(rng: random.Random) -> str:
    while True:
        siren = f"{rng.randint(100_000_000, 999_999_999)}"
        if siren != LA_POSTE_SIREN:
            body = f"{siren}{rng.randint(1, 999):04d}"
            return body + luhn_key(body)


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    departement_code: str
    region_code: str
    lat: float
    lon: float


class Territory:
    """The communes of a region, drawn in proportion to their population."""

    def __init__(self, places: list[Place], populations: list[int]):
        self.places = places
        self.cumulative = list(accumulate(max(p, 1) for p in populations))
        self.by_code = {place.code: place for place in places}
        self.largest = places[max(range(len(places)), key=populations.__getitem__)]

    def draw(self, rng: random.Random) -> Place:
        return self.places[bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]

    def preferred(self, *codes: str) -> Place:
        """The first of ``codes`` in the region, else its largest commune."""
        return next((self.by_code[c] for c in codes if c in self.by_code), self.largest)


def load_territory(session: Session, region_code: str) -> Territory:
    rows = session.execute(
        select(Commune.code_insee, Commune.name, Commune.departement_code, Commune.region_code,
               Commune.lat, Commune.lon, Commune.population)
        .where(Commune.region_code == region_code).order_by(Commune.code_insee)
    ).all()
    if not rows:
        raise DemoError(f"Aucune commune chargée pour la région {region_code} : lancez d'abord « flask --app app load-reference ».")
    return Territory([Place(*row[:6]) for row in rows], [row[6] for row in rows])


@dataclass(frozen=True, slots=True)
class Calendar:
    """The demo's fixed "today": every generated date is relative to it (``--today``)."""

    today: date

    @property
    def now(self) -> datetime:
        """Reference event time (naive UTC), morning of ``today``."""
        return datetime.combine(self.today, time(8, 0))

    @property
    def summer(self) -> tuple[date, date]:
        """The coming summer reinforcement period (1 July – 31 August), next year's once mid-August is past."""
        year = self.today.year if self.today < date(self.today.year, 8, 15) else self.today.year + 1
        return date(year, 7, 1), date(year, 8, 31)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.day(offset), time(hour, minute))
