"""A candidate's profile and availability rules: what the match needs, nothing more.

Views validate the input (forms/candidate.py) and hand a ``ProfileInput`` here; this module
writes it, copying the commune's coordinates so that distance prefilters need no join.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from models import AvailabilityRule, CandidateProfile, CandidateQualification, Commune, PoolMember, QualificationRef, User
from models.enums import AvailabilityKind, FrenchLevel, NeedKind, Public, WorkDocument

RADIUS_CHOICES = (5, 10, 15, 25, 50, 100)
DEFAULT_RADIUS_KM = 25
MIN_AGE = 16
MAX_AGE = 80
MAX_VALIDATED_YEARS = 9
# Availability older than this is probably stale: the candidate is asked to check it.
AVAILABILITY_STALE_AFTER = timedelta(days=30)
# Codes a candidate does not declare: a service civique volunteer is recognised by his public.
UNDECLARED_CODES = {"SC"}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass
class ProfileInput:
    """Validated profile fields, as the forms produce them."""

    public: Public
    birth_date: date
    commune: Commune
    radius_km: int = DEFAULT_RADIUS_KM
    disability: bool = False
    qualification_codes: list[str] = field(default_factory=list)
    student_code: str | None = None
    validated_years: int | None = None
    qualification_text: str | None = None
    french_level: FrenchLevel | None = None
    work_authorization: bool = True
    work_document: WorkDocument | None = None
    driving_licence: bool = False
    prefers_nights: bool = False
    prefers_weekends: bool = False
    preferred_kinds: list[NeedKind] = field(default_factory=list)
    consent_visible: bool = False
    consent_pool: bool = False
    consent_alerts: bool = False


def qualification_choices(session, *, students: bool) -> list[QualificationRef]:
    """The reference list a candidate picks from: diplomas, or studies in progress."""
    query = select(QualificationRef).where(
        QualificationRef.is_student.is_(students), QualificationRef.code.not_in(UNDECLARED_CODES)
    ).order_by(QualificationRef.sort_order, QualificationRef.code)
    return list(session.scalars(query))


def profile_of(session, user: User) -> CandidateProfile | None:
    return session.scalar(select(CandidateProfile).where(CandidateProfile.user_id == user.id))


def save_profile(session, user: User, data: ProfileInput, *, now: datetime) -> CandidateProfile:
    """Create or update ``user``'s profile from validated input. The caller commits."""
    profile = profile_of(session, user)
    if profile is None:
        profile = CandidateProfile(user=user, booking_version=0)
        session.add(profile)
    commune = data.commune
    profile.public = data.public
    profile.birth_date = data.birth_date
    profile.disability = data.disability
    profile.commune_code = commune.code_insee
    profile.lat, profile.lon = commune.lat, commune.lon
    profile.departement_code, profile.region_code = commune.departement_code, commune.region_code
    profile.radius_km = data.radius_km
    profile.qualification_text = (data.qualification_text or "").strip() or None
    profile.french_level = data.french_level
    profile.work_authorization = data.work_authorization
    # Without the right to work, no document is kept (nothing more than needed).
    profile.work_document = data.work_document if data.work_authorization else None
    profile.driving_licence = data.driving_licence
    profile.prefers_nights = data.prefers_nights
    profile.prefers_weekends = data.prefers_weekends
    profile.preferred_kinds = [NeedKind(kind).value for kind in data.preferred_kinds]
    consents = (data.consent_visible, data.consent_pool, data.consent_alerts)
    if consents != (profile.consent_visible, profile.consent_pool, profile.consent_alerts) or profile.consented_at is None:
        profile.consented_at = now
    profile.consent_visible, profile.consent_pool, profile.consent_alerts = consents
    profile.qualifications = _qualifications(profile, data)
    session.flush()
    if not data.consent_pool:
        leave_pools(session, profile)
    return profile


def _qualifications(profile: CandidateProfile, data: ProfileInput) -> list[CandidateQualification]:
    """Keep existing rows for unchanged codes (their ids stay stable), replace the others."""
    wanted = {code: None for code in data.qualification_codes}
    if data.student_code:
        wanted[data.student_code] = data.validated_years
    existing = {q.code: q for q in profile.qualifications}
    rows = []
    for code, years in wanted.items():
        row = existing.get(code) or CandidateQualification(code=code)
        row.validated_years = years
        rows.append(row)
    return rows


def set_pool_consent(session, profile: CandidateProfile, consent: bool, *, now: datetime) -> None:
    """Whether he stays in establishments' pools after a mission (revocable at any time)."""
    if profile.consent_pool != consent:
        profile.consent_pool = consent
        profile.consented_at = now
    if not consent:
        leave_pools(session, profile)


def leave_pools(session, profile: CandidateProfile) -> None:
    """Consent withdrawn: he leaves every pool he was in, at once."""
    session.execute(delete(PoolMember).where(PoolMember.candidate_id == profile.id))


# --- availability rules -------------------------------------------------------------------


@dataclass
class RuleInput:
    kind: AvailabilityKind
    start_date: date
    end_date: date
    weekdays: list[int] = field(default_factory=list)  # 0 = Monday
    start_time: time | None = None
    end_time: time | None = None


def add_rule(profile: CandidateProfile, data: RuleInput, *, now: datetime) -> AvailabilityRule:
    """Add a period, a weekly pattern or an unavailable period. The caller commits."""
    weekly = data.kind == AvailabilityKind.WEEKLY
    rule = AvailabilityRule(
        kind=data.kind, start_date=data.start_date, end_date=data.end_date,
        weekdays=sum(1 << day for day in set(data.weekdays)) if weekly else 0,
        start_time=data.start_time if weekly else None, end_time=data.end_time if weekly else None,
    )
    profile.availability_rules.append(rule)
    profile.availability_updated_at = now
    return rule


def remove_rule(profile: CandidateProfile, rule_id: int, *, now: datetime) -> bool:
    """Remove one of *his* rules; False when it is not his (or does not exist)."""
    for rule in profile.availability_rules:
        if rule.id == rule_id:
            profile.availability_rules.remove(rule)
            profile.availability_updated_at = now
            return True
    return False


def confirm_availability(profile: CandidateProfile, *, now: datetime) -> None:
    """"Still up to date": the reminder goes away without changing anything else."""
    profile.availability_updated_at = now


def availability_is_stale(profile: CandidateProfile, *, now: datetime) -> bool:
    updated = profile.availability_updated_at
    return updated is None or now - updated > AVAILABILITY_STALE_AFTER


def weekday_labels(bitmask: int) -> list[str]:
    return [name for day, name in enumerate(WEEKDAYS_FR) if bitmask & (1 << day)]

