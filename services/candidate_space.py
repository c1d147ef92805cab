"""What a candidate sees of needs, applications and bookings: always scoped to his own rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Application, Assignment, CandidateProfile, Establishment, Need, utcnow
from models.enums import ApplicationState, AssignmentState, NeedStatus, VerificationStatus
from services.calendar_ics import calendar
from services.localtime import paris_from_utc

# Once accepted, the candidate gets the establishment's address and contact.
CONTACT_STATES = {ApplicationState.ACCEPTED, ApplicationState.COMPLETED, ApplicationState.NO_SHOW}


def is_public_need(need: Need) -> bool:
    """Open, published needs of verified establishments are shown to anyone."""
    return (need.status == NeedStatus.OPEN and need.published_at is not None
            and need.establishment.verification_status == VerificationStatus.VERIFIED)


def application_for(session, profile: CandidateProfile, need: Need) -> Application | None:
    return session.scalar(select(Application).where(Application.need_id == need.id, Application.candidate_id == profile.id))


def need_for_candidate(session, profile: CandidateProfile, need_id: int) -> tuple[Need, Application | None] | None:
    """A need he may look at: a public one, or one he has an application on (even once closed)."""
    need = session.get(Need, need_id)
    if need is None:
        return None
    application = application_for(session, profile, need)
    if application is None and not is_public_need(need):
        return None
    return need, application


def own_application(session, profile: CandidateProfile, application_id: int) -> Application | None:
    """His application with this id; None for anyone else's (the page answers 404)."""
    return session.scalar(select(Application).where(Application.id == application_id, Application.candidate_id == profile.id))


def applications_of(session, profile: CandidateProfile) -> list[Application]:
    query = (select(Application).where(Application.candidate_id == profile.id)
             .options(selectinload(Application.need).selectinload(Need.establishment).selectinload(Establishment.commune),
                      selectinload(Application.need).selectinload(Need.slots),
                      selectinload(Application.need).selectinload(Need.qualification), selectinload(Application.assignments))
             .order_by(Application.created_at.desc(), Application.id.desc()))
    return list(session.scalars(query))


def upcoming_assignments(session, profile: CandidateProfile, *, now: datetime) -> list[Assignment]:
    """Accepted bookings that have not ended yet, soonest first."""
    query = (select(Assignment).where(Assignment.candidate_id == profile.id, Assignment.state == AssignmentState.ACCEPTED,
                                      Assignment.end > paris_from_utc(now))
             .options(selectinload(Assignment.need).selectinload(Need.establishment).selectinload(Establishment.commune),
                      selectinload(Assignment.need).selectinload(Need.qualification))
             .order_by(Assignment.start))
    return list(session.scalars(query))


def shows_contact(application: Application) -> bool:
    return application.state in CONTACT_STATES


def assignments_ics(session, profile: CandidateProfile, *, now: datetime | None = None, domain: str, base_url: str) -> str:
    """His upcoming assignments as an iCalendar file."""
    now = now or utcnow()
    events = []
    for assignment in upcoming_assignments(session, profile, now=now):
        need, establishment = assignment.need, assignment.need.establishment
        contact = " — ".join(filter(None, [establishment.contact_phone, establishment.contact_email]))
        events.append({
            "uid": f"affectation-{assignment.id}", "start": assignment.start, "end": assignment.end,
            "summary": f"{need.title or need.qualification.label} — {establishment.name}",
            "location": f"{establishment.address}, {establishment.commune.name}".strip(", "),
            "description": "\n".join(filter(None, [f"Contact : {contact}" if contact else "", f"{base_url}/candidat/candidatures"])),
        })
    return calendar(events, now=now, domain=domain)
