"""Demo accounts and candidates: every public with plausible qualifications, places and hours.

Rows are plain dicts written by ``RowWriter``; what the history needs to pick applicants
(place, public, qualifications) is kept as small ``Seeker`` records.
"""

from __future__ import annotations

import random
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models import AvailabilityRule, CandidateCodePlace, CandidateProfile, CandidateQualification, User
from models.enums import AvailabilityKind, FrenchLevel, Public, Role, WorkDocument
from services.candidate_summary import code_places, place_cell, summary_of
from services.demo_bulk import RowWriter
from services.demo_catalog import Calendar, Place, Territory, email_part, person_name

USERS, PROFILES = User.__table__, CandidateProfile.__table__
QUALIFICATIONS, RULES = CandidateQualification.__table__, AvailabilityRule.__table__
CODE_PLACES = CandidateCodePlace.__table__
# A rule as generated here, read by the match summary like a stored one.
RuleRow = namedtuple("RuleRow", "kind start_date end_date weekdays start_time end_time")

RADII = (5, 10, 15, 25, 50, 100)
RADIUS_WEIGHTS = (8, 17, 25, 27, 16, 7)
PUBLIC_WEIGHTS = {Public.STUDENT: 28, Public.PROFESSIONAL: 22, Public.JOB_SEEKER: 16, Public.PEC: 12,
                  Public.REFUGEE: 12, Public.CIVIC_SERVICE: 10}
# Declared codes by public (weights); None: no code, only a free-text qualification.
CODES = {
    Public.STUDENT: {"ESI": 45, "EAS": 15, "EMED": 15, "ETS": 12, "EMAI": 6, "EODONTO": 7},
    Public.PROFESSIONAL: {"AS": 32, "IDE": 22, "AES": 16, "ASH": 8, "ASH70": 4, "AP": 5, "ES": 4, "ME": 3,
                          "KINE": 2, "ERGO": 1, "PSYMOT": 1, "ANIM": 1, "CUIS": 1},
    Public.JOB_SEEKER: {"ASH": 30, "ASH70": 15, "AES": 15, "AS": 15, "ANIM": 8, "CUIS": 7, None: 10},
    Public.PEC: {"ASH": 45, "ASH70": 25, "AES": 10, "CUIS": 10, "ANIM": 10},
    Public.REFUGEE: {"ASH": 45, "ASH70": 15, "AS": 10, "AES": 10, None: 20},
    Public.CIVIC_SERVICE: {None: 1},
}
# Validated years for student codes (training length in years).
STUDY_YEARS = {"ESI": 2, "EMED": 6, "EMAI": 4, "EODONTO": 5}
FREE_TEXTS = ("auxiliaire de vie", "AMP", "aide à domicile", "infirmière (diplôme obtenu hors UE)",
              "aide-soignant (diplôme étranger)", "agent d'entretien", "cuisinier")
AGES = {Public.STUDENT: (18, 26), Public.PROFESSIONAL: (22, 63), Public.JOB_SEEKER: (19, 60),
        Public.PEC: (20, 58), Public.REFUGEE: (19, 55), Public.CIVIC_SERVICE: (16, 25)}
LEVEL_WEIGHTS = {FrenchLevel.A1: 10, FrenchLevel.A2: 25, FrenchLevel.B1: 35, FrenchLevel.B2: 20, FrenchLevel.C1: 10}
REFUGEE_DOCUMENTS = {WorkDocument.REFUGEE_RECEIPT: 50, WorkDocument.RESIDENCE_CARD: 35, WorkDocument.WORK_PERMIT: 15}
WEEKEND, WEEKDAYS = 0b1100000, 0b0011111
DAY, NIGHT = (time(7, 0), time(21, 0)), (time(21, 0), time(7, 0))


def draw(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True, slots=True)
class Seeker:
    """What the history needs to know of a candidate to make him a plausible applicant."""

    id: int
    departement_code: str
    public: Public
    codes: tuple[tuple[str, int | None], ...]
    consent_pool: bool
    work_authorization: bool


def add_user(writer: RowWriter, *, email: str, role: Role, name: tuple[str, str], password_hash: str,
             created_at: datetime, ars_region_code: str | None = None) -> int:
    user_id = writer.new_id(USERS)
    writer.add(USERS, {
        "id": user_id, "email": email, "password_hash": password_hash, "role": role.value,
        "first_name": name[0], "last_name": name[1], "phone": None, "active": True, "session_version": 1,
        "last_login_at": None, "last_seen_at": None, "failed_logins": 0, "ars_region_code": ars_region_code,
        "ars_departement_codes": [], "created_at": created_at, "updated_at": created_at,
    })
    return user_id


class CandidateFactory:
    """Generates candidates of every public at communes drawn by population."""

    def __init__(self, rng: random.Random, writer: RowWriter, calendar: Calendar, territory: Territory, password_hash: str):
        self.rng, self.writer, self.calendar, self.territory = rng, writer, calendar, territory
        self.password_hash = password_hash
        self.seekers: list[Seeker] = []

    def generate(self, count: int) -> None:
        publics = self.rng.choices(list(PUBLIC_WEIGHTS), weights=list(PUBLIC_WEIGHTS.values()), k=count)
        for number, public in enumerate(publics, start=1):
            self.random_candidate(number, public)

    def random_candidate(self, number: int, public: Public) -> None:
        rng = self.rng
        first, last = person_name(rng)
        code = draw(rng, CODES[public])
        codes = ((code, rng.randint(0, STUDY_YEARS[code]) if code in STUDY_YEARS else None),) if code else ()
        refugee = public == Public.REFUGEE
        authorised = not refugee or rng.random() < 0.88
        if refugee:
            document = draw(rng, REFUGEE_DOCUMENTS) if authorised else None
            level = draw(rng, LEVEL_WEIGHTS)
        elif public == Public.STUDENT and rng.random() < 0.15:
            document, level = WorkDocument.STUDENT_PERMIT, rng.choice((FrenchLevel.B2, FrenchLevel.C1))
        else:
            document, level = WorkDocument.NATIONAL_ID, None
        low, high = AGES[public]
        disability = rng.random() < 0.05
        if public == Public.CIVIC_SERVICE and disability:
            high = 30
        nights = rng.random() < 0.4
        self.add_candidate(
            email=f"{email_part(first)}.{email_part(last)}.{number}@demo.releve.fr", name=(first, last),
            public=public, place=self.territory.draw(rng), codes=codes,
            birth_date=self.calendar.today - timedelta(days=rng.randint(low * 366 + 1, high * 365 + 300)),
            disability=disability, french_level=level, work_authorization=authorised, work_document=document,
            qualification_text=rng.choice(FREE_TEXTS) if not codes and public != Public.CIVIC_SERVICE else None,
            radius_km=rng.choices(RADII, weights=RADIUS_WEIGHTS)[0], driving_licence=rng.random() < 0.6,
            prefers_nights=nights, rules=self.availability(public, nights),
            preferred_kinds=["civic_service"] if public == Public.CIVIC_SERVICE else
            (["pec"] if public == Public.PEC else []),
            consents=(rng.random() < 0.95, rng.random() < 0.7, rng.random() < 0.4),
            created_at=self.calendar.now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1439)),
        )

    def availability(self, public: Public, nights: bool) -> list[tuple]:
        """Rules as (kind, first day, last day, weekdays, start time, end time)."""
        rng, cal = self.rng, self.calendar
        hours = NIGHT if nights else DAY
        rules = []
        if public == Public.STUDENT:
            if rng.random() < 0.75:
                rules.append((AvailabilityKind.PERIOD, *cal.summer, 0, None, None))
            if not rules or rng.random() < 0.6:
                rules.append((AvailabilityKind.WEEKLY, cal.today, cal.day(182), WEEKEND, *hours))
            if rng.random() < 0.25:
                exams = cal.day(rng.randint(21, 70))
                rules.append((AvailabilityKind.UNAVAILABLE, exams, exams + timedelta(days=6), 0, None, None))
        elif public == Public.PROFESSIONAL:
            days = sum(1 << d for d in rng.sample(range(7), rng.randint(2, 4)))
            rules.append((AvailabilityKind.WEEKLY, cal.today, cal.day(120), days, *hours))
            if rng.random() < 0.3:
                start = cal.day(rng.randint(7, 90))
                rules.append((AvailabilityKind.PERIOD, start, start + timedelta(days=rng.choice((6, 13, 20))), 0, None, None))
        elif public == Public.CIVIC_SERVICE:
            rules.append((AvailabilityKind.PERIOD, cal.day(rng.randint(0, 30)), cal.day(450), 0, None, None))
        elif rng.random() < 0.6:
            rules.append((AvailabilityKind.PERIOD, cal.today, cal.day(450), 0, None, None))
        else:
            rules.append((AvailabilityKind.WEEKLY, cal.today, cal.day(270), WEEKDAYS, *DAY))
        return rules

    def add_candidate(self, *, email: str, name: tuple[str, str], public: Public, place: Place, codes, birth_date: date,
                      rules: list[tuple], consents: tuple[bool, bool, bool], created_at: datetime, **fields) -> Seeker:
        writer = self.writer
        user_id = add_user(writer, email=email, role=Role.CANDIDATE, name=name, password_hash=self.password_hash,
                           created_at=created_at)
        profile_id = writer.new_id(PROFILES)
        visible, pool, alerts = consents
        updated = max(created_at, self.calendar.now - timedelta(days=self.rng.randint(0, 60)))
        summary = summary_of([code for code, _ in codes], fields["qualification_text"], [RuleRow(*rule) for rule in rules])
        profile = {
            "id": profile_id, "user_id": user_id, "public": public.value, "birth_date": birth_date,
            "disability": fields["disability"], "commune_code": place.code, "lat": place.lat, "lon": place.lon,
            "place_cell": place_cell(place.lat, place.lon),
            "departement_code": place.departement_code, "region_code": place.region_code,
            "radius_km": fields["radius_km"], "qualification_text": fields["qualification_text"],
            "french_level": fields["french_level"] and fields["french_level"].value,
            "work_authorization": fields["work_authorization"],
            "work_document": fields["work_document"] and fields["work_document"].value,
            "driving_licence": fields["driving_licence"], "prefers_nights": fields["prefers_nights"],
            "prefers_weekends": True, "preferred_kinds": fields["preferred_kinds"],
            "consent_visible": visible, "consent_pool": pool, "consent_alerts": alerts, "consented_at": created_at,
            "availability_updated_at": updated, "last_digest_at": None, "booking_version": 0,
            "created_at": created_at, "updated_at": updated, **summary,
        }
        writer.add(PROFILES, profile)
        for row in code_places(profile, summary):
            writer.add(CODE_PLACES, row)
        for code, years in codes:
            writer.add(QUALIFICATIONS, {"id": writer.new_id(QUALIFICATIONS), "profile_id": profile_id,
                                        "code": code, "validated_years": years})
        for kind, first, last, weekdays, start, end in rules:
            writer.add(RULES, {"id": writer.new_id(RULES), "profile_id": profile_id, "kind": kind.value,
                               "start_date": first, "end_date": last, "weekdays": weekdays,
                               "start_time": start, "end_time": end})
        seeker = Seeker(profile_id, place.departement_code, public, tuple(codes), pool, fields["work_authorization"])
        self.seekers.append(seeker)
        writer.checkpoint()
        return seeker

    def demo_student(self, email: str) -> Seeker:
        """The demo candidate: a nursing student (ESI, 2 validated years) in Angers, free this summer and at weekends."""
        cal = self.calendar
        summer_start, summer_end = cal.summer
        return self.add_candidate(
            email=email, name=("Camille", "Durand"), public=Public.STUDENT, place=self.territory.preferred("49007", "44109"),
            codes=(("ESI", 2),), birth_date=date(cal.today.year - 21, 3, 14), disability=False, french_level=None,
            work_authorization=True, work_document=WorkDocument.NATIONAL_ID,
            qualification_text=None, radius_km=25, driving_licence=True,
            prefers_nights=True, preferred_kinds=["shift", "seasonal"], consents=(True, True, True),
            created_at=cal.now - timedelta(days=90),
            rules=[(AvailabilityKind.PERIOD, summer_start, summer_end, 0, None, None),
                   (AvailabilityKind.WEEKLY, cal.today, summer_end, WEEKEND, time(0, 0), time(0, 0))],
        )
