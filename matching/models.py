"""Plain value objects for the engine: what a need and a candidate are, nothing else.

They hold validated data only (constructors reject impossible values) so that the scoring
code never has to re-check types. Datetimes are naive local times (Europe/Paris), as in the
file contract; durations are wall-clock differences (a DST night counts as written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

NEED_KINDS = ("shift", "replacement", "seasonal", "civic_service", "pec")
CONTRACT_KINDS = frozenset({"replacement", "seasonal", "civic_service", "pec"})
# Kinds that are paid work: civic_service is an indemnified volunteering, not a job.
PAID_KINDS = frozenset({"shift", "replacement", "seasonal", "pec"})
PUBLICS = ("student", "pec", "refugee", "civic_service", "job_seeker", "professional")
FRENCH_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
ESTABLISHMENT_TYPES = ("EHPAD", "ESMS_PH", "HOPITAL", "SSIAD", "DOMICILE", "AUTRE")
EMPLOYER_SECTORS = ("public", "non_profit", "private")
# Public or non-profit hosts only (Code du service national L120-1; PEC: CUI-CAE rules).
NON_PRIVATE_ONLY_KINDS = frozenset({"civic_service", "pec"})
CIVIC_SERVICE_CODE = "SC"


@dataclass(frozen=True, slots=True)
class Slot:
    """A half-open interval [start, end) of local time; a shift, a window or a contract period."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not (isinstance(self.start, datetime) and isinstance(self.end, datetime)):
            raise ValueError("a slot needs two datetimes")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("slot times are naive local times (Europe/Paris)")
        if self.end <= self.start:
            raise ValueError("a slot must end after it starts")


class Qualification(NamedTuple):
    """A declared qualification code; ``validated_years`` only matters for student codes.

    A named tuple: immutable, hashable in C (it keys the qualification cache), cheap to build.
    """

    code: str
    validated_years: int | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """What an establishment asks for. For contract kinds each slot is the contract period."""

    id: str
    kind: str
    qualification: str
    lat: float
    lon: float
    slots: tuple[Slot, ...]
    positions: int = 1
    weekly_hours: float | None = None
    min_french_level: str | None = None
    requires_driving_licence: bool = False
    establishment_type: str | None = None
    employer_sector: str = "public"
    nurse_on_duty: bool = True

    def __post_init__(self) -> None:
        if self.kind not in NEED_KINDS:
            raise ValueError(f"unknown need kind {self.kind!r}")
        if not self.slots:
            raise ValueError("a need has at least one slot")
        if self.employer_sector not in EMPLOYER_SECTORS:
            raise ValueError(f"unknown employer sector {self.employer_sector!r}")
        if self.kind in NON_PRIVATE_ONLY_KINDS and self.employer_sector == "private":
            raise ValueError(f"a {self.kind} need cannot come from a private employer")
        if (self.kind == "civic_service") != (self.qualification == CIVIC_SERVICE_CODE):
            raise ValueError("qualification SC goes with civic_service needs, and only with them")
        if self.min_french_level is not None and self.min_french_level not in FRENCH_LEVELS:
            raise ValueError(f"unknown French level {self.min_french_level!r}")
        if self.positions < 1:
            raise ValueError("positions must be at least 1")
        if self.weekly_hours is not None and not 0 < self.weekly_hours <= 168:
            raise ValueError("weekly_hours must be in (0, 168]")

    @property
    def is_contract(self) -> bool:
        return self.kind in CONTRACT_KINDS

    @property
    def first_day(self) -> date:
        """The day ages are taken on: the start day of the first slot."""
        return min(slot.start for slot in self.slots).date()


@dataclass(slots=True)
class Candidate:
    """Someone who may take a need. ``busy`` holds periods already booked elsewhere.

    ``busy`` entries are worked periods: booked shifts, and, when the app has them,
    contract periods held elsewhere. Any overlap with a need's slot takes that slot away.
    Treat it as immutable; it is not frozen only because building 100,000 frozen
    dataclasses costs four times as much, and the app and the command line build that many.
    """

    id: str
    public: str
    birth_date: date
    lat: float
    lon: float
    radius_km: float
    qualifications: tuple[Qualification, ...] = ()
    qualification_text: str | None = None
    french_level: str | None = None
    work_authorization: bool = True
    driving_licence: bool = False
    disability: bool = False
    availability: tuple[Slot, ...] = ()
    busy: tuple[Slot, ...] = ()

    def __post_init__(self) -> None:
        if self.public not in PUBLICS:
            raise ValueError(f"unknown public {self.public!r}")
        if self.french_level is not None and self.french_level not in FRENCH_LEVELS:
            raise ValueError(f"unknown French level {self.french_level!r}")
        if not self.radius_km >= 0:
            raise ValueError("radius_km must be a non-negative number")


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (someone born on 29 February turns older on 1 March)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday
