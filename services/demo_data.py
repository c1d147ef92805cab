"""Demo region: establishments, managers, candidates, needs and their history, in seconds.

``seed_demo`` writes a coherent region (Pays de la Loire by default) through plain bulk
inserts (see ``services.demo_bulk``), all in the caller's transaction. Everything is drawn
from ``random.Random(seed)`` relative to a fixed "today", so one seed and one day always give
the same rows. The demo password is hashed once; every generated account shares that hash,
so any demo candidate or manager can log in with the demo password.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Establishment, QualificationEquivalence, QualificationRef, User, establishment_manager
from models.enums import EstablishmentType, NeedKind, Role, Sector, VerificationStatus
from services.accounts import hash_password
from services.demo_bulk import RowWriter
from services.demo_catalog import (
    Calendar,
    DemoError,
    Place,
    Territory,
    establishment_name,
    finess,
    load_territory,
    person_name,
    siret,
    street_address,
)
from services.demo_needs import SECTOR_WEIGHTS, SHOWCASE, TYPE_WEIGHTS, Draft, NeedDesigner, pick_kind
from services.demo_outcomes import ApplicantPicker, Site, StoryWriter
from services.demo_people import CandidateFactory, Seeker, add_user, draw

ESTABLISHMENTS = Establishment.__table__
DEMO_EMAILS = {
    Role.ESTABLISHMENT: "etablissement@demo.releve.fr",
    Role.CANDIDATE: "candidat@demo.releve.fr",
    Role.ARS: "ars@demo.releve.fr",
    Role.ADMIN: "admin@demo.releve.fr",
}
PENDING_MANAGER_EMAIL = "etablissement-en-attente@demo.releve.fr"
DEMO_MANAGED = 3  # establishments of the demo manager
PAST_DAYS = 182  # history: the last six months


@dataclass(frozen=True)
class DemoOptions:
    today: date
    establishments: int = 60
    candidates: int = 2_000
    open_needs: int | None = None  # default: 8 per establishment
    past_needs: int | None = None  # default: 12 per establishment
    seed: int = 2026
    region_code: str = "52"

    def __post_init__(self):
        if self.establishments < len(SHOWCASE) + 1:
            raise DemoError(f"Il faut au moins {len(SHOWCASE) + 1} établissements pour montrer chaque type et chaque statut.")
        if self.candidates < 1:
            raise DemoError("Il faut au moins un candidat.")
        if min(self.open_needs or 0, self.past_needs or 0) < 0:
            raise DemoError("Le nombre de besoins ne peut pas être négatif.")


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)


def demo_accounts_exist(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.email.in_(DEMO_EMAILS.values())).limit(1)) is not None


def seed_demo(session: Session, options: DemoOptions, password: str) -> dict[str, int]:
    """Write the demo region in the session's transaction (the caller commits); returns rows per table."""
    if demo_accounts_exist(session):
        raise DemoError("Les comptes de démonstration existent déjà : videz la base ou utilisez --if-empty.")
    territory = load_territory(session, options.region_code)
    seeder = _Seeder(session, options, territory, hash_password(password))
    seeder.run()
    return seeder.writer.finish()


class _Seeder:
    def __init__(self, session: Session, options: DemoOptions, territory: Territory, password_hash: str):
        self.session, self.options, self.territory = session, options, territory
        self.rng = random.Random(options.seed)
        self.calendar = Calendar(options.today)
        self.writer = RowWriter(session)
        self.password_hash = password_hash
        self.people = CandidateFactory(self.rng, self.writer, self.calendar, territory, password_hash)

    def run(self) -> None:
        self._account(Role.ADMIN, ("Alex", "Martin"))
        ars = self._account(Role.ARS, ("Hélène", "Morvan"), ars_region_code=self.options.region_code)
        manager = self._account(Role.ESTABLISHMENT, ("Claire", "Lemoine"))
        demo_student = self.people.demo_student(DEMO_EMAILS[Role.CANDIDATE])
        self.people.generate(self.options.candidates - 1)
        sites = self._establishments(manager, ars)
        # The demo candidate's story is told by _demo_scenario only, so that it reads clearly.
        picker = ApplicantPicker([s for s in self.people.seekers if s is not demo_student], self._holders())
        stories = StoryWriter(self.rng, self.writer, self.calendar, picker)
        designer = NeedDesigner(self.rng, self.calendar, self._labels())
        verified = [s for s in sites if s.id != sites[-1].id]
        self._demo_scenario(stories, designer, verified[0], demo_student)
        self._needs(stories, designer, verified, upcoming=True)
        self._needs(stories, designer, verified, upcoming=False)
        pending = sites[-1]
        stories.write(pending, designer.design(NeedKind.SHIFT, pending.type, 10), "draft")
        stories.write_pool()

    def _account(self, role: Role, name: tuple[str, str], **fields) -> int:
        return add_user(self.writer, email=DEMO_EMAILS[role], role=role, name=name, password_hash=self.password_hash,
                        created_at=self.calendar.now - timedelta(days=200), **fields)

    def _establishments(self, demo_manager: int, ars: int) -> list[Site]:
        """The showcase types first (the demo manager's at the demo candidate's commune), the last one pending."""
        rng, cal, count = self.rng, self.calendar, self.options.establishments
        home = self.territory.preferred("49007", "44109")
        sites = []
        for index in range(count):
            type_, sector = SHOWCASE[index] if index < len(SHOWCASE) else (None, None)
            type_ = type_ or draw(rng, TYPE_WEIGHTS)
            sector = sector or draw(rng, SECTOR_WEIGHTS[type_])
            place = home if index < 2 else self.territory.draw(rng)
            pending = index == count - 1
            if index < DEMO_MANAGED:
                manager = demo_manager
            else:
                name = person_name(rng)
                email = PENDING_MANAGER_EMAIL if pending else f"direction.{index + 1}@demo.releve.fr"
                manager = add_user(self.writer, email=email, role=Role.ESTABLISHMENT, name=name,
                                   password_hash=self.password_hash, created_at=cal.now - timedelta(days=rng.randint(2, 300)))
            sites.append(self._establishment(index, type_, sector, place, manager, None if pending else ars))
        return sites

    def _establishment(self, index: int, type_: EstablishmentType, sector: Sector, place: Place, manager: int,
                       verifier: int | None) -> Site:
        rng, cal, writer = self.rng, self.calendar, self.writer
        establishment_id = writer.new_id(ESTABLISHMENTS)
        created = cal.now - timedelta(days=rng.randint(190, 400) if verifier else 2)
        writer.add(ESTABLISHMENTS, {
            "id": establishment_id, "name": establishment_name(rng, type_.value, sector == Sector.PRIVATE, place.name),
            "finess": finess(place.departement_code, 100_001 + index),
            "siret": siret(rng) if rng.random() < 0.8 else None, "type": type_.value, "sector": sector.value,
            "address": street_address(rng), "commune_code": place.code, "departement_code": place.departement_code,
            "region_code": place.region_code, "lat": place.lat, "lon": place.lon,
            "contact_email": f"contact.{index + 1}@demo.releve.fr", "contact_phone": f"02 {rng.randint(40, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "verification_status": (VerificationStatus.VERIFIED if verifier else VerificationStatus.PENDING).value,
            "verified_at": created + timedelta(days=1) if verifier else None, "verified_by_id": verifier,
            "created_at": created, "updated_at": created + timedelta(days=1) if verifier else created,
        })
        writer.add(establishment_manager, {"user_id": manager, "establishment_id": establishment_id})
        return Site(establishment_id, type_, sector, place, manager)

    def _needs(self, stories: StoryWriter, designer: NeedDesigner, sites: list[Site], upcoming: bool) -> None:
        """Upcoming needs over the next eight weeks (the first showcase site shows every kind), or past ones."""
        rng, per_site = self.rng, 8 if upcoming else 12
        wanted = self.options.open_needs if upcoming else self.options.past_needs
        total = len(sites) * per_site if wanted is None else wanted
        every_kind = list(NeedKind) if upcoming else []
        for number in range(total):
            site = sites[0] if number < len(every_kind) else sites[rng.randrange(len(sites))]
            kind = every_kind[number] if number < len(every_kind) else pick_kind(rng, site.sector)
            urgent_soon = upcoming and rng.random() < 0.08
            offset = rng.randint(0, 1) if urgent_soon else rng.randint(0, 56) if upcoming else -rng.randint(1, PAST_DAYS)
            draft = designer.design(kind, site.type, offset)
            stories.write(site, draft, "open" if number < len(every_kind) else stories.outcome(past=not upcoming))

    def _demo_scenario(self, stories: StoryWriter, designer: NeedDesigner, site: Site, student: Seeker) -> None:
        """The demo candidate worked a night at the demo manager's EHPAD, applied for a weekend there, and has nights to take."""
        cal = self.calendar
        night = designer.design(NeedKind.SHIFT, site.type, -20)
        night.slots = [(cal.at(-20, 21), cal.at(-19, 7))]
        stories.write(site, _as_post(night, "Vacation de nuit – Aide-soignant(e)"), "filled", demo=(student, "accepted"))
        saturday = (5 - cal.today.weekday()) % 7 + 7
        weekend = designer.design(NeedKind.SHIFT, site.type, saturday)
        weekend.slots = [(cal.at(saturday + d, 7), cal.at(saturday + d, 19)) for d in (0, 1)]
        stories.write(site, _as_post(weekend, "Renfort de week-end – Aide-soignant(e)"), "open", demo=(student, "applied"))
        for week in (1, 2, 3):  # weekend nights she may take: her list of missions is not empty
            night = designer.design(NeedKind.SHIFT, site.type, saturday + 7 * week)
            night.slots = [(cal.at(saturday + 7 * week + d, 21), cal.at(saturday + 7 * week + d + 1, 7)) for d in (0, 1)]
            stories.write(site, _as_post(night, "Nuits du week-end – Aide-soignant(e)"), "open")

    def _holders(self) -> dict[str, list[tuple[str, int]]]:
        holders: dict[str, list[tuple[str, int]]] = {}
        rows = self.session.execute(select(QualificationEquivalence.post_code, QualificationEquivalence.holder_code,
                                           QualificationEquivalence.min_validated_years)
                                    .order_by(QualificationEquivalence.post_code, QualificationEquivalence.holder_code))
        for post, holder, least in rows:
            holders.setdefault(post, []).append((holder, least or 0))
        return holders

    def _labels(self) -> dict[str, str]:
        labels = dict(self.session.execute(select(QualificationRef.code, QualificationRef.label)).all())
        if "AS" not in labels:
            raise DemoError("Le référentiel des qualifications est vide : lancez d'abord « flask --app app load-reference ».")
        return labels


def _as_post(draft: Draft, title: str) -> Draft:
    """An AS post with a nurse on duty: the demo student (ESI, 2 validated years) may take it."""
    draft.qualification, draft.title, draft.nurse_on_duty, draft.min_french_level = "AS", title, True, None
    draft.requires_driving_licence, draft.positions, draft.urgent = False, 1, False
    return draft
