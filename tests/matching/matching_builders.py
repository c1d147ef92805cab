"""Builders with fixed defaults for the matching tests: change only what a test is about.

The default need is an AS night shift in Angers on 14-15 July 2027; the default candidate is
an adult care assistant living at the same place, available all summer, with nothing booked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from math import pi

from matching import Candidate, Need, Qualification, Slot

EARTH_RADIUS_KM = 6371.0088  # the mean radius the engine documents; distances below use it by hand
ANGERS = (47.4711, -0.5473)
FIRST_DAY = date(2027, 7, 14)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def slot(start: str, end: str) -> Slot:
    return Slot(at(start), at(end))


NIGHT = slot("2027-07-14T21:00", "2027-07-15T07:00")
SUMMER = slot("2027-06-01T00:00", "2027-09-30T00:00")


def need(**changes) -> Need:
    base = Need(id="need-1", kind="shift", qualification="AS", lat=ANGERS[0], lon=ANGERS[1], slots=(NIGHT,),
                employer_sector="public")
    return replace(base, **changes)


def candidate(**changes) -> Candidate:
    base = Candidate(id="cand-1", public="professional", birth_date=date(1990, 5, 17), lat=ANGERS[0],
                     lon=ANGERS[1], radius_km=25.0, qualifications=(Qualification("AS"),),
                     availability=(SUMMER,))
    return replace(base, **changes)


def born_years_before(years: int, day: date = FIRST_DAY, *, days_later: int = 0) -> date:
    """A birth date giving exactly ``years`` on ``day`` (``days_later`` > 0: the birthday is after)."""
    birth = day.replace(year=day.year - years)
    return birth.fromordinal(birth.toordinal() + days_later)


def north_of(origin: tuple[float, float], km: float) -> tuple[float, float]:
    """A point ``km`` due north: along a meridian the great-circle distance is R x latitude gap."""
    return origin[0] + km / (EARTH_RADIUS_KM * pi / 180), origin[1]


def contract(kind: str, start: str, end: str, weekly_hours: float | None = 35.0, **changes) -> Need:
    qualification = "SC" if kind == "civic_service" else changes.pop("qualification", "AS")
    return need(kind=kind, qualification=qualification, slots=(slot(start, end),), weekly_hours=weekly_hours,
                **changes)
