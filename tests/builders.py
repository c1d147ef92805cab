"""Test builders with fixed defaults: a test states only what matters to it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count

from models import (
    Application,
    Assignment,
    AvailabilityRule,
    CandidateProfile,
    CandidateQualification,
    Commune,
    Establishment,
    Need,
    Slot,
    User,
    utcnow,
)
from models.enums import (
    ApplicationOrigin,
    ApplicationState,
    AssignmentState,
    AvailabilityKind,
    EstablishmentType,
    NeedKind,
    NeedStatus,
    Public,
    Role,
    Sector,
    VerificationStatus,
)
from services.accounts import hash_password
from services.identifiers import luhn_key

PASSWORD = "Mot-de-passe-2026"
_PASSWORD_HASH = None
_sequence = count(1)

# A fixed Monday, far enough ahead for "new need" rules; tests that need "now" pass it.
BASE_DAY = date(2027, 7, 12)


def valid_finess(departement: str, serial: int) -> str:
    body = f"{departement}{serial:06d}"
    digits = body.replace("2A", "21").replace("2B", "22") if departement in ("2A", "2B") else body
    return body + luhn_key(digits)


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


class Builder:
    def __init__(self, session):
        self.session = session

    def _save(self, obj):
        self.session.add(obj)
        self.session.flush()
        return obj

    def commit(self):
        self.session.commit()

    def user(self, role: Role = Role.CANDIDATE, email: str | None = None, **fields) -> User:
        n = next(_sequence)
        return self._save(User(
            email=email or f"{role.value}{n}@exemple.fr", role=role, password_hash=_password_hash(),
            first_name=fields.pop("first_name", "Camille"), last_name=fields.pop("last_name", f"Test{n}"),
            **fields,
        ))

    def ars_user(self, region_code: str = "52", **fields) -> User:
        return self.user(Role.ARS, ars_region_code=region_code, **fields)

    def establishment(self, commune_code: str = "49007", manager: User | None = None, **fields) -> Establishment:
        commune = self.session.get(Commune, commune_code)
        n = next(_sequence)
        est = Establishment(
            name=fields.pop("name", f"EHPAD Les Tilleuls {n}"),
            finess=fields.pop("finess", valid_finess(commune.departement_code, n)),
            type=fields.pop("type", EstablishmentType.EHPAD), sector=fields.pop("sector", Sector.NON_PROFIT),
            address=fields.pop("address", "12 rue des Lilas"), commune_code=commune_code,
            departement_code=commune.departement_code, region_code=commune.region_code,
            lat=commune.lat, lon=commune.lon,
            verification_status=fields.pop("verification_status", VerificationStatus.VERIFIED), **fields,
        )
        if manager is not None:
            est.managers.append(manager)
        return self._save(est)

    def manager(self, establishment: Establishment | None = None, **fields) -> User:
        user = self.user(Role.ESTABLISHMENT, **fields)
        if establishment is not None:
            user.establishments.append(establishment)
        else:
            self.establishment(manager=user)
        self.session.flush()
        return user

    def need(self, establishment: Establishment | None = None, slots=None, **fields) -> Need:
        """Default: one AS night shift 21:00–07:00 on BASE_DAY, open, one position."""
        establishment = establishment or self.establishment()
        if slots is None:
            start = datetime.combine(BASE_DAY, time(21, 0))
            slots = [(start, start + timedelta(hours=10))]
        positions = fields.pop("positions", 1)
        status = fields.pop("status", NeedStatus.OPEN)
        need = Need(
            establishment=establishment, kind=fields.pop("kind", NeedKind.SHIFT),
            qualification_code=fields.pop("qualification_code", "AS"), positions=positions, status=status,
            title=fields.pop("title", "Vacation de nuit"),
            published_at=fields.pop("published_at", utcnow() if status != NeedStatus.DRAFT else None),
            **fields,
        )
        need.slots = [Slot(start=s, end=e, positions=positions) for s, e in slots]
        need.first_start = min(s for s, _ in slots)
        need.last_end = max(e for _, e in slots)
        return self._save(need)

    def candidate(self, commune_code: str = "49007", qualifications=(("AS", None),), **fields) -> CandidateProfile:
        """Default: an adult AS in Angers, 25 km radius, available all of July–August 2027."""
        user = fields.pop("user", None) or self.user(Role.CANDIDATE, email=fields.pop("email", None))
        commune = self.session.get(Commune, commune_code)
        availability = fields.pop("availability", [(date(2027, 7, 1), date(2027, 8, 31))])
        profile = CandidateProfile(
            user=user, public=fields.pop("public", Public.PROFESSIONAL),
            birth_date=fields.pop("birth_date", date(1990, 5, 17)), commune_code=commune_code,
            lat=commune.lat, lon=commune.lon, departement_code=commune.departement_code,
            region_code=commune.region_code, radius_km=fields.pop("radius_km", 25),
            consented_at=utcnow(), availability_updated_at=utcnow(), **fields,
        )
        profile.qualifications = [CandidateQualification(code=c, validated_years=y) for c, y in qualifications]
        profile.availability_rules = [
            AvailabilityRule(kind=AvailabilityKind.PERIOD, start_date=s, end_date=e) for s, e in availability
        ]
        return self._save(profile)

    def application(self, need: Need, candidate: CandidateProfile, state=ApplicationState.APPLIED, **fields):
        return self._save(Application(
            need=need, candidate=candidate, state=state,
            origin=fields.pop("origin", ApplicationOrigin.CANDIDATE), **fields,
        ))

    def assignment(self, application: Application, slot: Slot, state=AssignmentState.ACCEPTED, **fields):
        if state == AssignmentState.ACCEPTED:
            slot.filled += 1
        return self._save(Assignment(
            application=application, slot=slot, need_id=slot.need_id, candidate_id=application.candidate_id,
            state=state, start=slot.start, end=slot.end, accepted_at=fields.pop("accepted_at", utcnow()), **fields,
        ))
