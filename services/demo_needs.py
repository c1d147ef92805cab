"""What demo establishments ask for: needs of every kind, shaped as a real manager would post them.

A ``Draft`` is a need before its story (published, filled, cancelled…), which
``services.demo_outcomes`` writes. Shapes follow domain-rules.md: nights 21:00–07:00,
service civique 6–12 months of 24–30 h, PEC at least 20 h a week for at least 6 months,
both only at public or non-profit establishments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from matching.timeslots import add_months
from models.enums import ContractType, EstablishmentType, FrenchLevel, NeedKind, Sector
from services.demo_catalog import Calendar
from services.demo_people import draw

T = EstablishmentType
TYPE_WEIGHTS = {T.EHPAD: 45, T.ESMS_PH: 20, T.HOPITAL: 10, T.SSIAD: 10, T.DOMICILE: 10, T.AUTRE: 5}
SECTOR_WEIGHTS = {
    T.EHPAD: {Sector.PUBLIC: 45, Sector.NON_PROFIT: 30, Sector.PRIVATE: 25},
    T.ESMS_PH: {Sector.PUBLIC: 20, Sector.NON_PROFIT: 75, Sector.PRIVATE: 5},
    T.HOPITAL: {Sector.PUBLIC: 75, Sector.NON_PROFIT: 10, Sector.PRIVATE: 15},
    T.SSIAD: {Sector.PUBLIC: 30, Sector.NON_PROFIT: 60, Sector.PRIVATE: 10},
    T.DOMICILE: {Sector.PUBLIC: 15, Sector.NON_PROFIT: 50, Sector.PRIVATE: 35},
    T.AUTRE: {Sector.PUBLIC: 40, Sector.NON_PROFIT: 40, Sector.PRIVATE: 20},
}
# The first establishments show every type and every sector, whatever the size asked.
SHOWCASE = ((T.EHPAD, Sector.PUBLIC), (T.ESMS_PH, Sector.NON_PROFIT), (T.HOPITAL, Sector.PRIVATE),
            (T.SSIAD, Sector.PUBLIC), (T.DOMICILE, Sector.NON_PROFIT), (T.AUTRE, Sector.PRIVATE))
POSTS = {
    T.EHPAD: {"AS": 40, "ASH": 25, "IDE": 18, "AES": 10, "ANIM": 4, "CUIS": 3},
    T.ESMS_PH: {"AES": 35, "ME": 14, "ES": 14, "AS": 15, "ASH": 10, "PSYMOT": 6, "ERGO": 6},
    T.HOPITAL: {"IDE": 38, "AS": 34, "ASH": 15, "AP": 6, "KINE": 7},
    T.SSIAD: {"AS": 65, "IDE": 35},
    T.DOMICILE: {"AES": 60, "AS": 20, "ASH": 20},
    T.AUTRE: {"ASH": 30, "AS": 30, "AES": 20, "ANIM": 20},
}
PEC_POSTS = {"ASH": 55, "AES": 15, "CUIS": 15, "ANIM": 15}
KIND_WEIGHTS = {NeedKind.SHIFT: 50, NeedKind.REPLACEMENT: 18, NeedKind.SEASONAL: 14, NeedKind.CIVIC_SERVICE: 8, NeedKind.PEC: 10}
RESERVED_TO_NON_PRIVATE = {NeedKind.CIVIC_SERVICE, NeedKind.PEC}
HOURLY_PAY = {"IDE": (19, 24), "AS": (14, 17), "AES": (13.5, 15.5), "ASH": (12, 13), "AP": (14, 17), "KINE": (22, 28)}
# Shift patterns: title, first hour, length in hours, weekend only.
SHIFT_PATTERNS = (("Vacations de nuit", 21, 10, False), ("Vacations du matin", 7, 7, False),
                  ("Vacations d'après-midi", 14, 7, False), ("Journées de 12 h", 8, 12, False),
                  ("Renfort de week-end", 7, 12, True))
CIVIC_MISSIONS = ("Animation et lien intergénérationnel", "Accompagnement aux repas et aux sorties",
                  "Ateliers mémoire et jeux de société", "Accueil des familles et des visiteurs")
CARE_POSTS = {"IDE", "AS", "AP", "AES", "ES", "ME"}


@dataclass(slots=True)
class Draft:
    kind: NeedKind
    qualification: str
    slots: list[tuple[datetime, datetime]]
    positions: int
    weekly_hours: float | None
    contract_type: ContractType
    pay: str
    title: str
    description: str
    urgent: bool = False
    min_french_level: FrenchLevel | None = None
    requires_driving_licence: bool = False
    nurse_on_duty: bool = True


def _upcoming(offset: int) -> int:
    """A future contract starts tomorrow at the earliest; past ones keep their day."""
    return offset if offset < 0 else max(offset, 1)


def pick_kind(rng: random.Random, sector: Sector) -> NeedKind:
    kinds = {k: w for k, w in KIND_WEIGHTS.items() if sector != Sector.PRIVATE or k not in RESERVED_TO_NON_PRIVATE}
    return draw(rng, kinds)


class NeedDesigner:
    """Drafts needs for an establishment; ``offset`` is the first day relative to the demo's today."""

    def __init__(self, rng: random.Random, calendar: Calendar, labels: dict[str, str]):
        self.rng, self.calendar, self.labels = rng, calendar, labels

    def design(self, kind: NeedKind, type_: EstablishmentType, offset: int) -> Draft:
        rng = self.rng
        post = "SC" if kind == NeedKind.CIVIC_SERVICE else draw(rng, PEC_POSTS if kind == NeedKind.PEC else POSTS[type_])
        draft = getattr(self, f"_{kind.value}")(post, offset)
        home = type_ in (T.SSIAD, T.DOMICILE)
        draft.requires_driving_licence = home and rng.random() < 0.85
        draft.nurse_on_duty = not home or rng.random() < 0.5
        if post in CARE_POSTS:
            draft.min_french_level = rng.choices((None, FrenchLevel.B1, FrenchLevel.B2), weights=(40, 40, 20))[0]
        elif post != "SC" and rng.random() < 0.3:
            draft.min_french_level = FrenchLevel.A2
        return draft

    def _hourly(self, post: str) -> str:
        low, high = HOURLY_PAY.get(post, (13, 18))
        return f"{self.rng.uniform(low, high):.2f} € brut de l'heure".replace(".", ",")

    def _shift(self, post: str, offset: int) -> Draft:
        rng, cal = self.rng, self.calendar
        title, hour, length, weekend = rng.choice(SHIFT_PATTERNS)
        if weekend:
            saturday = offset + (5 - cal.day(offset).weekday()) % 7
            days = [saturday + 7 * week + d for week in range(rng.randint(1, 3)) for d in (0, 1)]
        else:
            first = offset if offset < 0 else max(offset, 1 if hour < 12 else 0)  # the demo's "now" is 08:00
            step = rng.choice((1, 1, 2))
            days = [first + step * i for i in range(rng.randint(1, 5))]
        slots = [(cal.at(d, hour), cal.at(d, hour) + timedelta(hours=length)) for d in days]
        return Draft(NeedKind.SHIFT, post, slots, rng.choices((1, 2, 3), weights=(60, 30, 10))[0], None,
                     rng.choice((ContractType.VACATION, ContractType.VACATION, ContractType.INTERIM)), self._hourly(post),
                     f"{title} – {self.labels[post]}", "Vacations ponctuelles pour couvrir des absences dans l'équipe.",
                     urgent=timedelta(0) <= slots[0][0] - cal.now <= timedelta(hours=48))

    def _contract(self, kind: NeedKind, post: str, first: datetime, end: datetime, hours: float, contract: ContractType,
                  pay: str, title: str, description: str, positions: int = 1) -> Draft:
        return Draft(kind, post, [(first, end)], positions, hours, contract, pay, title, description)

    def _replacement(self, post: str, offset: int) -> Draft:
        rng, cal = self.rng, self.calendar
        weeks = rng.randint(1, 4)
        first = cal.at(_upcoming(offset), 0)
        draft = self._contract(NeedKind.REPLACEMENT, post, first, first + timedelta(weeks=weeks), rng.choice((35.0, 28.0)),
                               rng.choice((ContractType.CDD, ContractType.INTERIM)), self._hourly(post),
                               f"Remplacement {self.labels[post]} ({weeks} semaine{'s' if weeks > 1 else ''})",
                               "Remplacement d'un congé ou d'un arrêt maladie.")
        draft.urgent = 0 <= offset <= 7 and rng.random() < 0.3
        return draft

    def _seasonal(self, post: str, offset: int) -> Draft:
        """Summer reinforcement: July, August or both (``offset`` moves past needs to past summers)."""
        rng, cal = self.rng, self.calendar
        summer_start, _ = cal.summer
        year = summer_start.year if offset >= 0 else (cal.today.year if cal.today.month > 8 else cal.today.year - 1)
        first_month, months = rng.choice(((7, 2), (7, 1), (8, 1)))
        first = datetime(year, first_month, 1)
        student = rng.random() < 0.4
        return self._contract(NeedKind.SEASONAL, post, first, add_months(first, months), 35.0,
                              ContractType.STUDENT_JOB if student else ContractType.CDD, self._hourly(post),
                              f"Renfort d'été – {self.labels[post]}", "Renfort pendant les congés d'été de l'équipe.",
                              positions=rng.randint(1, 4))

    def _civic_service(self, post: str, offset: int) -> Draft:
        rng, cal = self.rng, self.calendar
        first = cal.at(_upcoming(offset), 0)
        mission = rng.choice(CIVIC_MISSIONS)
        return self._contract(NeedKind.CIVIC_SERVICE, post, first, add_months(first, rng.choice((6, 8, 10, 12))),
                              float(rng.choice((24, 28, 30))), ContractType.CIVIC_SERVICE,
                              "Indemnité de service civique (environ 620 € net par mois)", f"Service civique : {mission}",
                              "Mission d'intérêt général auprès des résidents, sans soins.", positions=rng.randint(1, 2))

    def _pec(self, post: str, offset: int) -> Draft:
        rng, cal = self.rng, self.calendar
        first = cal.at(_upcoming(offset), 0)
        return self._contract(NeedKind.PEC, post, first, add_months(first, rng.choice((6, 9, 12))),
                              float(rng.choice((20, 24, 26, 30, 35))), ContractType.PEC_CAE,
                              "SMIC horaire, contrat aidé par l'État", f"Contrat PEC – {self.labels[post]}",
                              "Parcours emploi compétences avec tutorat et formation.")
